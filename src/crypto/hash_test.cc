#include "crypto/hash.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/internal/test_vectors.h"

namespace sr::crypto {
namespace {

TEST(Sha256Test, Fips180KnownAnswers) {
  auto records = internal::LoadVectors("sha256_fips180.txt");
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 4u);
  for (const auto& r : *records) {
    SCOPED_TRACE(r.line);
    std::vector<std::uint8_t> msg = r.Bytes("Msg");
    std::size_t repeat = r.Has("Repeat") ? std::stoul(r.Str("Repeat")) : 1;
    std::vector<std::uint8_t> full;
    Sha256Hasher hasher;
    for (std::size_t i = 0; i < repeat; ++i) {
      full.insert(full.end(), msg.begin(), msg.end());
      hasher.Update(msg);
    }
    EXPECT_EQ(HexEncode(Sha256(full)), r.Str("MD"));
    EXPECT_EQ(HexEncode(hasher.Finish()), r.Str("MD"));
  }
}

TEST(Sha256Test, StringViewOverloadHashesTheBytes) {
  EXPECT_EQ(HexEncode(Sha256(std::string_view("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, HasherSplitsAnywhereAndResetsAfterFinish) {
  std::string msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  Digest want = Sha256(msg);
  Sha256Hasher hasher;
  for (std::size_t cut = 0; cut <= msg.size(); ++cut) {
    hasher.Update(std::string_view(msg).substr(0, cut));
    hasher.Update(std::string_view(msg).substr(cut));
    EXPECT_EQ(hasher.Finish(), want) << "cut at " << cut;
  }
  EXPECT_EQ(hasher.Finish(), Sha256(std::string_view()));
}

TEST(Sha256Test, HasherCanBeMoved) {
  Sha256Hasher a;
  a.Update(std::string_view("ab"));
  Sha256Hasher b = std::move(a);
  b.Update(std::string_view("c"));
  EXPECT_EQ(b.Finish(), Sha256(std::string_view("abc")));
}

}  // namespace
}  // namespace sr::crypto
