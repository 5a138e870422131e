#include "api/json_body.h"

#include <gtest/gtest.h>

namespace sr::api {
namespace {

http::Request WithBody(std::string body) {
  http::Request r;
  r.message.body() = std::move(body);
  return r;
}

TEST(JsonBodyTest, ParsesValidJson) {
  auto doc = ParseJsonBody(WithBody(R"({"a":[1,2,{"b":null}]})"));
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["a"][2]["b"], nullptr);
}

TEST(JsonBodyTest, SyntaxErrorNamesOnlyTheOffset) {
  auto doc = ParseJsonBody(WithBody(R"({"password":"hunter2")"));
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(doc.error().message().find("hunter2"), std::string::npos);
}

TEST(JsonBodyTest, RefusesDeepNesting) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto doc = ParseJsonBody(WithBody(deep));
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message().find("nesting"), std::string::npos);
  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJsonBody(WithBody(ok)));
}

TEST(JsonBodyTest, EmptyBodyIsInvalid) { EXPECT_FALSE(ParseJsonBody(WithBody(""))); }

}  // namespace
}  // namespace sr::api

namespace sr::api {
namespace {

// Found by fuzz/json_body_fuzz: nlohmann throws out_of_range, not
// parse_error, for a number beyond double.
TEST(JsonBodyTest, NumberOutOfRangeIsInvalidArgument) {
  for (const char* body : {R"({"n":1e400})", R"([-1e999])", "1e400"}) {
    Result<nlohmann::json> doc = ParseJsonBody(WithBody(body));
    ASSERT_FALSE(doc) << body;
    EXPECT_EQ(doc.error().code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace sr::api
