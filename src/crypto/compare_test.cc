#include "crypto/compare.h"

#include <gtest/gtest.h>

#include <vector>

namespace sr::crypto {
namespace {

TEST(ConstantTimeEqualTest, EqualBytesAreEqual) {
  std::vector<std::uint8_t> a = {1, 2, 3, 4};
  std::vector<std::uint8_t> b = a;
  EXPECT_TRUE(ConstantTimeEqual(a, b));
  EXPECT_TRUE(ConstantTimeEqual(std::span<const std::uint8_t>(), std::span<const std::uint8_t>()));
}

TEST(ConstantTimeEqualTest, AnyDifferingByteOrBitMakesThemUnequal) {
  std::vector<std::uint8_t> a(32, 0x5a);
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<std::uint8_t> b = a;
      b[i] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(ConstantTimeEqual(a, b)) << i << ":" << bit;
    }
  }
}

TEST(ConstantTimeEqualTest, DifferentLengthsAreUnequal) {
  std::vector<std::uint8_t> a = {1, 2, 3};
  std::vector<std::uint8_t> prefix = {1, 2};
  EXPECT_FALSE(ConstantTimeEqual(a, prefix));
  EXPECT_FALSE(ConstantTimeEqual(prefix, a));
  EXPECT_FALSE(ConstantTimeEqual(a, std::span<const std::uint8_t>()));
}

TEST(ConstantTimeEqualTest, StringOverload) {
  EXPECT_TRUE(ConstantTimeEqual(std::string_view("token"), std::string_view("token")));
  EXPECT_FALSE(ConstantTimeEqual(std::string_view("token"), std::string_view("tokem")));
  EXPECT_FALSE(ConstantTimeEqual(std::string_view("token"), std::string_view("tokens")));
  EXPECT_TRUE(ConstantTimeEqual(std::string_view(), std::string_view("")));
}

}  // namespace
}  // namespace sr::crypto
