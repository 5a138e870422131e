#include "common/hex.h"

#include <gtest/gtest.h>

namespace sr {
namespace {

TEST(HexTest, EncodesLowercase) {
  std::vector<std::uint8_t> bytes = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(HexEncode(bytes), "00017f80abff");
  EXPECT_EQ(HexEncode({}), "");
}

TEST(HexTest, DecodesEitherCase) {
  auto lower = HexDecode("00017f80abff");
  ASSERT_TRUE(lower);
  EXPECT_EQ(*lower, (std::vector<std::uint8_t>{0x00, 0x01, 0x7f, 0x80, 0xab, 0xff}));
  auto upper = HexDecode("ABFF");
  ASSERT_TRUE(upper);
  EXPECT_EQ(*upper, (std::vector<std::uint8_t>{0xab, 0xff}));
  auto empty = HexDecode("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(HexTest, RoundTripsEveryByte) {
  std::vector<std::uint8_t> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  auto back = HexDecode(HexEncode(all));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, all);
}

TEST(HexTest, RejectsMalformedInput) {
  for (std::string_view bad : {"0", "abc", "0g", "g0", " 00", "00 ", "0x00", "-1", "zz"}) {
    auto r = HexDecode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace sr
