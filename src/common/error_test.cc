#include "common/error.h"

#include <gtest/gtest.h>

namespace sr {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Fail(ErrorCode::kInvalidArgument, "must be positive");
  return v;
}

Result<int> Doubled(int v) {
  SR_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return x * 2;
}

Status Check(int v) {
  SR_TRY(ParsePositive(v));
  return Ok();
}

TEST(ErrorTest, AssignOrReturnPropagatesTheError) {
  EXPECT_EQ(*Doubled(4), 8);
  auto bad = Doubled(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().ToString(), "invalid_argument: must be positive");
}

TEST(ErrorTest, TryPropagatesTheError) {
  EXPECT_TRUE(Check(1));
  EXPECT_FALSE(Check(0));
}

TEST(ErrorTest, EveryCodeHasAName) {
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    EXPECT_FALSE(ErrorCodeName(static_cast<ErrorCode>(c)).empty());
  }
}

}  // namespace
}  // namespace sr
