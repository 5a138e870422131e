#include "api/query.h"

#include <gtest/gtest.h>

namespace sr::api {
namespace {

TEST(QueryTest, FindsParametersRaw) {
  EXPECT_EQ(QueryParam("prefix=a%2Fb&delimiter=/", "prefix"), "a%2Fb");
  EXPECT_EQ(QueryParam("prefix=a&delimiter=/", "delimiter"), "/");
  EXPECT_EQ(QueryParam("versions", "versions"), "");
  EXPECT_EQ(QueryParam("x=1&x=2", "x"), "1");
  EXPECT_FALSE(QueryParam("prefixx=1", "prefix"));
  EXPECT_FALSE(QueryParam("", "prefix"));
  EXPECT_TRUE(HasQueryFlag("a=1&versions", "versions"));
  EXPECT_FALSE(HasQueryFlag("a=1&version=2", "versions"));
}

TEST(QueryTest, ReadsIntegers) {
  EXPECT_EQ(QueryInt("limit=50", "limit", 7), 50);
  EXPECT_EQ(QueryInt("limit=-3", "limit", 7), -3);
  EXPECT_EQ(QueryInt("limit=5x", "limit", 7), 7);
  EXPECT_EQ(QueryInt("limit=", "limit", 7), 7);
  EXPECT_EQ(QueryInt("other=1", "limit", 7), 7);
}

}  // namespace
}  // namespace sr::api
