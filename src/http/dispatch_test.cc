#include "http/dispatch.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sr::http {
namespace {

Response RunSync(Request& request) {
  boost::asio::io_context ioc;
  auto future = boost::asio::co_spawn(ioc, RunRoute(request), boost::asio::use_future);
  ioc.run();
  return future.get();
}

TEST(DispatchTest, MiddlewareCanShortCircuit) {
  Route route;
  route.pattern = "/x";
  bool handler_ran = false;
  route.handler = [&](Request&) -> boost::asio::awaitable<Response> {
    handler_ran = true;
    co_return Response(Status::ok, 11);
  };
  route.middleware.push_back([](Request&) -> boost::asio::awaitable<std::optional<Response>> {
    co_return Response(Status::forbidden, 11);
  });
  Request request;
  request.route = &route;
  EXPECT_EQ(RunSync(request).result(), Status::forbidden);
  EXPECT_FALSE(handler_ran);
}

TEST(DispatchTest, HandlerExceptionBecomesAGeneric500) {
  Route route;
  route.pattern = "/x";
  route.handler = [](Request&) -> boost::asio::awaitable<Response> {
    throw std::runtime_error("secret detail");
    co_return Response(Status::ok, 11);
  };
  Request request;
  request.route = &route;
  Response res = RunSync(request);
  EXPECT_EQ(res.result(), Status::internal_server_error);
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(res.body().find("secret"), std::string::npos);
  auto body = nlohmann::json::parse(res.body());
  EXPECT_EQ(body["type"], "https://strongroom.dev/problems/internal");
  EXPECT_EQ(body["status"], 500);
}

TEST(DispatchTest, StandardHeadersArePresent) {
  Response res(Status::ok, 11);
  ApplyStandardHeaders(res, "rid");
  EXPECT_EQ(res["Strict-Transport-Security"], "max-age=63072000; includeSubDomains");
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(res[bhttp::field::cache_control], "no-store");
  EXPECT_EQ(res["X-Request-Id"], "rid");
  EXPECT_TRUE(std::string(res[bhttp::field::date]).ends_with(" GMT"));
}

TEST(DispatchTest, MediaTypeIgnoresParametersAndCase) {
  EXPECT_TRUE(MediaTypeMatches("application/json", "application/json"));
  EXPECT_TRUE(MediaTypeMatches("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_FALSE(MediaTypeMatches("text/plain", "application/json"));
  EXPECT_FALSE(MediaTypeMatches("", "application/json"));
}

TEST(DispatchTest, RequestIdsAreUnique) { EXPECT_NE(NewRequestId(), NewRequestId()); }

}  // namespace
}  // namespace sr::http
