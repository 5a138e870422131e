#include "mfa/base32.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/random.h"

namespace sr::mfa {
namespace {

std::vector<std::uint8_t> Ascii(std::string_view s) { return {s.begin(), s.end()}; }

struct Rfc4648Case {
  const char* data;
  const char* padded;
};

// RFC 4648 section 10, the BASE32 test vectors.
constexpr Rfc4648Case kRfc4648[] = {
    {"", ""},
    {"f", "MY======"},
    {"fo", "MZXQ===="},
    {"foo", "MZXW6==="},
    {"foob", "MZXW6YQ="},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI======"},
};

TEST(Base32Test, Rfc4648Section10Vectors) {
  for (const auto& c : kRfc4648) {
    SCOPED_TRACE(c.data);
    std::string padded = c.padded;
    std::string unpadded = padded.substr(0, padded.find('='));
    EXPECT_EQ(Base32Encode(Ascii(c.data), /*pad=*/true), padded);
    EXPECT_EQ(Base32Encode(Ascii(c.data)), unpadded);
    auto from_padded = Base32Decode(padded);
    ASSERT_TRUE(from_padded) << from_padded.error().ToString();
    EXPECT_EQ(*from_padded, Ascii(c.data));
    auto from_unpadded = Base32Decode(unpadded);
    ASSERT_TRUE(from_unpadded) << from_unpadded.error().ToString();
    EXPECT_EQ(*from_unpadded, Ascii(c.data));
  }
}

TEST(Base32Test, DecodesLowerCase) {
  auto bytes = Base32Decode("mzxw6ytboi");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, Ascii("foobar"));
}

TEST(Base32Test, EveryDigitValueRoundTrips) {
  // 32 digits of 5 bits = 20 bytes; digit i has value i.
  const std::string all = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  auto bytes = Base32Decode(all);
  ASSERT_TRUE(bytes);
  ASSERT_EQ(bytes->size(), 20u);
  EXPECT_EQ(Base32Encode(*bytes), all);
}

TEST(Base32Test, RandomRoundTripsAtEveryLength) {
  for (std::size_t n = 0; n <= 70; ++n) {
    SCOPED_TRACE(n);
    std::vector<std::uint8_t> data = crypto::RandomBytes(n);
    for (bool pad : {false, true}) {
      std::string text = Base32Encode(data, pad);
      EXPECT_EQ(text.size(), pad ? (n + 4) / 5 * 8 : (n * 8 + 4) / 5);
      auto back = Base32Decode(text);
      ASSERT_TRUE(back) << text;
      EXPECT_EQ(*back, data);
    }
  }
}

TEST(Base32Test, RejectsCharactersOutsideTheAlphabet) {
  for (const char* bad : {"MZXW6YT0", "MZXW6YT1", "MZXW6YT8", "MZXW 6YTB", "MZXW-6YTB", "MZXW6YT!",
                          "MZXW6YT\xc3\x89", "MZ=W6YTB"}) {
    SCOPED_TRACE(bad);
    auto r = Base32Decode(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message(), "invalid base32");  // never echoes input
  }
  EXPECT_FALSE(Base32Decode(std::string("MZXW\0YTB", 8)));
}

TEST(Base32Test, RejectsImpossibleLengthsAndWrongPadding) {
  for (const char* bad : {"M", "MZX", "MZXW6Y", "MZXW6YTBO", "MY=====", "MY=======", "MZXQ=",
                          "MY======MY======", "========", "MZXW6YQ==", "="}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(Base32Decode(bad));
  }
}

TEST(Base32Test, RejectsNonCanonicalTrailingBits) {
  // "MY" is 'f' (01100 110|00); "MZ" sets a bit past the last byte.
  EXPECT_TRUE(Base32Decode("MY"));
  EXPECT_FALSE(Base32Decode("MZ"));
  EXPECT_FALSE(Base32Decode("MZ======"));
  EXPECT_FALSE(Base32Decode("MZXW6YR"));  // "foob" is MZXW6YQ
}

}  // namespace
}  // namespace sr::mfa
