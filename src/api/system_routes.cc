#include "api/system_routes.h"

#include "api/json_body.h"
#include "api/problems.h"
#include "http/problem.h"

namespace sr::api {

namespace asio = boost::asio;
using http::Request;
using http::Response;

Status RegisterSystemRoutes(http::Router& router, const SystemRoutesDeps& deps) {
  http::Route healthz;
  healthz.method = http::Verb::get;
  healthz.pattern = "/healthz";
  healthz.summary = "Liveness: the process answers.";
  healthz.handler = [](Request& req) -> asio::awaitable<Response> {
    co_return JsonResponse(http::Status::ok, {{"status", "ok"}}, req.message.version());
  };
  SR_TRY(router.Add(std::move(healthz)));

  http::Route readyz;
  readyz.method = http::Verb::get;
  readyz.pattern = "/readyz";
  readyz.summary = "Readiness: the metadata store answers and the server is not draining.";
  readyz.handler = [&deps](Request& req) -> asio::awaitable<Response> {
    if (deps.draining && deps.draining()) {
      co_return http::MakeProblem(http::Status::service_unavailable, "not-ready",
                                  "Service Unavailable", "The server is shutting down.",
                                  req.message.version());
    }
    if (auto ping = deps.store.Ping(); !ping) {
      co_return http::MakeProblem(http::Status::service_unavailable, "not-ready",
                                  "Service Unavailable", "The metadata store is unreachable.",
                                  req.message.version());
    }
    co_return JsonResponse(http::Status::ok, {{"status", "ready"}}, req.message.version());
  };
  SR_TRY(router.Add(std::move(readyz)));

  http::Route metrics;
  metrics.method = http::Verb::get;
  metrics.pattern = "/metrics";
  metrics.summary = "Prometheus metrics in the text exposition format.";
  metrics.handler = [&deps](Request& req) -> asio::awaitable<Response> {
    Response res(http::Status::ok, req.message.version());
    res.set(http::bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = deps.metrics.RenderPrometheus();
    co_return res;
  };
  SR_TRY(router.Add(std::move(metrics)));

  if (deps.echo_enabled) {
    http::Route echo;
    echo.method = http::Verb::post;
    echo.pattern = "/v1/echo";
    echo.summary = "Diagnostics: returns the JSON document it receives.";
    echo.content_type = "application/json";
    echo.max_body_bytes = deps.json_body_limit;
    echo.handler = [](Request& req) -> asio::awaitable<Response> {
      auto doc = ParseJsonBody(req);
      if (!doc) co_return ProblemFromError(doc.error(), req.message.version());
      co_return JsonResponse(http::Status::ok, {{"received", *doc}}, req.message.version());
    };
    SR_TRY(router.Add(std::move(echo)));
  }
  return Ok();
}

}  // namespace sr::api
