#include "http/router.h"

#include <gtest/gtest.h>

namespace sr::http {
namespace {

Handler Ok200() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response(Status::ok, 11); };
}

Route MakeRoute(Verb v, std::string pattern) {
  Route r;
  r.method = v;
  r.pattern = std::move(pattern);
  r.handler = Ok200();
  return r;
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute(Verb::get, "/healthz")));
  ASSERT_TRUE(router.Add(MakeRoute(Verb::delete_, "/v1/sessions/{id}")));
  auto m = router.Match(Verb::delete_, "/v1/sessions/abc");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  auto& rm = std::get<RouteMatch>(m);
  EXPECT_EQ(rm.route->pattern, "/v1/sessions/{id}");
  ASSERT_EQ(rm.params.size(), 1u);
  EXPECT_EQ(rm.params[0].second, "abc");
  EXPECT_TRUE(std::holds_alternative<NotFound>(router.Match(Verb::get, "/v1/sessions/")));
  EXPECT_TRUE(std::holds_alternative<NotFound>(router.Match(Verb::get, "/nope")));
  EXPECT_TRUE(std::holds_alternative<NotFound>(router.Match(Verb::get, "")));
}

TEST(RouterTest, RestParameterTakesTheRemainingPath) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute(Verb::put, "/v1/workspaces/{ws}/objects/{path...}")));
  auto m = router.Match(Verb::put, "/v1/workspaces/w1/objects/a/b/c.txt");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
  auto& rm = std::get<RouteMatch>(m);
  ASSERT_EQ(rm.params.size(), 2u);
  EXPECT_EQ(rm.params[1].second, "a/b/c.txt");
  EXPECT_TRUE(std::holds_alternative<NotFound>(router.Match(Verb::put, "/v1/workspaces/w1/objects/")));
}

TEST(RouterTest, WrongMethodListsTheAllowedOnes) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute(Verb::get, "/v1/me")));
  ASSERT_TRUE(router.Add(MakeRoute(Verb::patch, "/v1/me")));
  auto m = router.Match(Verb::post, "/v1/me");
  ASSERT_TRUE(std::holds_alternative<MethodNotAllowed>(m));
  EXPECT_EQ(std::get<MethodNotAllowed>(m).allow, "GET, PATCH, HEAD");
}

TEST(RouterTest, HeadFallsBackToGet) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute(Verb::get, "/healthz")));
  auto m = router.Match(Verb::head, "/healthz");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(m));
}

TEST(RouterTest, RefusesBadRegistrations) {
  Router router;
  Route no_handler;
  no_handler.pattern = "/x";
  EXPECT_FALSE(router.Add(std::move(no_handler)));
  EXPECT_FALSE(router.Add(MakeRoute(Verb::get, "relative")));
  EXPECT_FALSE(router.Add(MakeRoute(Verb::get, "/a/{rest...}/b")));
  EXPECT_FALSE(router.Add(MakeRoute(Verb::get, "/a\"b")));
  EXPECT_FALSE(router.Add(MakeRoute(Verb::get, "/a b")));
  ASSERT_TRUE(router.Add(MakeRoute(Verb::get, "/dup")));
  auto dup = router.Add(MakeRoute(Verb::get, "/dup"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace sr::http
