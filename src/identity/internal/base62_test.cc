#include "identity/internal/base62.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace sr::identity::internal {
namespace {

TEST(Base62Test, AlphabetIsDigitsUpperLower) {
  ASSERT_EQ(kBase62Alphabet.size(), 62u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(kBase62Alphabet[i], static_cast<char>('0' + i));
  for (std::size_t i = 0; i < 26; ++i) {
    EXPECT_EQ(kBase62Alphabet[10 + i], static_cast<char>('A' + i));
    EXPECT_EQ(kBase62Alphabet[36 + i], static_cast<char>('a' + i));
  }
  for (int c = 0; c < 256; ++c) {
    bool in = kBase62Alphabet.find(static_cast<char>(c)) != std::string_view::npos;
    EXPECT_EQ(IsBase62(static_cast<char>(c)), in) << c;
  }
}

TEST(Base62Test, RejectionSamplingSkipsTheBiasedBytes) {
  const std::vector<std::uint8_t> bytes = {0, 61, 62, 123, 124, 247, 248, 250, 255, 5};
  std::string out;
  // 0 -> '0', 61 -> 'z', 62 -> '0', 123 -> 'z', 124 -> '0', 247 -> 'z',
  // 248..255 skipped, 5 -> '5'.
  EXPECT_EQ(AppendBase62FromBytes(bytes, 100, out), bytes.size());
  EXPECT_EQ(out, "0z0z0z5");
  // Stops as soon as `want` characters are there.
  out.clear();
  EXPECT_EQ(AppendBase62FromBytes(bytes, 2, out), 2u);
  EXPECT_EQ(out, "0z");
  // Every accepted byte value maps to each digit exactly 4 times.
  std::array<int, 62> hits{};
  for (unsigned b = 0; b < 256; ++b) {
    std::string one;
    const std::uint8_t byte = static_cast<std::uint8_t>(b);
    AppendBase62FromBytes(std::span(&byte, 1), 1, one);
    if (b >= kBase62RejectAt) {
      EXPECT_TRUE(one.empty());
    } else {
      ASSERT_EQ(one.size(), 1u);
      ++hits[kBase62Alphabet.find(one[0])];
    }
  }
  for (int h : hits) EXPECT_EQ(h, 4);
}

TEST(Base62Test, RandomBase62LengthAndAlphabet) {
  for (std::size_t n : {0u, 1u, 22u, 43u, 64u, 65u, 1000u}) {
    std::string s = RandomBase62(n);
    ASSERT_EQ(s.size(), n);
    for (char c : s) EXPECT_TRUE(IsBase62(c));
  }
}

TEST(Base62Test, RandomBase62IsRoughlyUniform) {
  // 100,000 draws: each digit is expected 1612.9 times, standard deviation
  // about 40, so [1000, 2300] is over 15 deviations wide on either side.
  constexpr int kDraws = 100000;
  std::array<int, 62> counts{};
  std::string s = RandomBase62(kDraws);
  for (char c : s) ++counts[kBase62Alphabet.find(c)];
  double expected = kDraws / 62.0;
  double chi2 = 0;
  for (int n : counts) {
    EXPECT_GE(n, 1000);
    EXPECT_LE(n, 2300);
    chi2 += (n - expected) * (n - expected) / expected;
  }
  // Chi-square with 61 degrees of freedom has mean 61 and standard deviation
  // 11; exceeding 200 by chance has probability below 1e-15. Plain byte % 62
  // (8 digits 25% more likely) would give about 660.
  EXPECT_LT(chi2, 200.0);
}

TEST(Base62Test, EncodeFixedWidth) {
  EXPECT_EQ(EncodeBase62(0, 6), "000000");
  EXPECT_EQ(EncodeBase62(61, 1), "z");
  EXPECT_EQ(EncodeBase62(62, 2), "10");
  EXPECT_EQ(EncodeBase62(3844, 3), "100");
  EXPECT_EQ(EncodeBase62(0xCBF43926u, 6), "3jZRME");
  EXPECT_EQ(EncodeBase62(0xFFFFFFFFu, 6), "4gfFC3");
  EXPECT_EQ(EncodeBase62(56800235583ull, 6), "zzzzzz");  // 62^6 - 1
}

}  // namespace
}  // namespace sr::identity::internal
