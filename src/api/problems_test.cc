#include "api/problems.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sr::api {
namespace {

TEST(ProblemsTest, EveryCodeMapsToAProblemWithAStableType) {
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    const auto code = static_cast<ErrorCode>(c);
    http::Response res = ProblemFromError(Error(code, "detail"));
    auto body = nlohmann::json::parse(res.body());
    EXPECT_EQ(res[http::bhttp::field::content_type], "application/problem+json");
    EXPECT_EQ(body["status"], res.result_int());
    EXPECT_TRUE(body["type"].get<std::string>().starts_with("https://strongroom.dev/problems/"));
  }
}

TEST(ProblemsTest, ClientErrorsKeepTheirDetailServerErrorsDoNot) {
  auto bad = ProblemFromError(Error(ErrorCode::kInvalidArgument, "name is too long"));
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_EQ(nlohmann::json::parse(bad.body())["detail"], "name is too long");
  EXPECT_EQ(nlohmann::json::parse(bad.body())["type"],
            "https://strongroom.dev/problems/invalid-argument");
  auto internal = ProblemFromError(Error(ErrorCode::kInternal, "sqlite said: secret row"));
  EXPECT_EQ(internal.result_int(), 500u);
  EXPECT_EQ(internal.body().find("secret"), std::string::npos);
}

TEST(ProblemsTest, RetryAfterBecomesAHeader) {
  auto res = ProblemFromError(
      Error(ErrorCode::kResourceExhausted, "slow down").WithRetryAfter(std::chrono::seconds(7)));
  EXPECT_EQ(res.result_int(), 429u);
  EXPECT_EQ(res[http::bhttp::field::retry_after], "7");
}

}  // namespace
}  // namespace sr::api
