#include "http/dispatch.h"

#include <atomic>
#include <cstdint>
#include <ctime>
#include <exception>

#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

#include "common/log.h"
#include "crypto/random.h"
#include "http/problem.h"

namespace sr::http {

boost::asio::awaitable<Response> RunRoute(Request& request) {
  try {
    for (const Middleware& m : request.route->middleware) {
      std::optional<Response> early = co_await m(request);
      if (early) co_return std::move(*early);
    }
    co_return co_await request.route->handler(request);
  } catch (const std::exception& e) {
    sr::log::Error("handler failed", {{"request_id", request.request_id},
                                      {"route", request.route->pattern},
                                      {"error", e.what()}});
  }
  co_return MakeProblem(Status::internal_server_error, "internal", "Internal Server Error",
                        "The server could not complete the request.",
                        request.message.version());
}

namespace {

// HttpDate returns the IMF-fixdate of now, formatted at most once a second
// per thread (RFC 9110 section 5.6.7).
std::string_view HttpDate() {
  thread_local std::time_t cached_second = 0;
  thread_local char cached[40] = {};
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(cached, sizeof(cached), "%a, %d %b %Y %H:%M:%S GMT", &utc);
    cached_second = now;
  }
  return cached;
}

}  // namespace

void ApplyStandardHeaders(Response& response, std::string_view request_id) {
  response.set(bhttp::field::date, HttpDate());
  response.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  if (response.find(bhttp::field::cache_control) == response.end()) {
    response.set(bhttp::field::cache_control, "no-store");
  }
  response.set("X-Request-Id", request_id);
}

std::string NewRequestId() {
  static const std::uint64_t prefix = [] {
    std::uint64_t p = 0;
    crypto::FillRandom(std::span(reinterpret_cast<std::uint8_t*>(&p), sizeof(p)));
    return p;
  }();
  static std::atomic<std::uint64_t> counter{0};
  return fmt::format("{:016x}{:08x}", prefix, counter.fetch_add(1, std::memory_order_relaxed));
}

bool MediaTypeMatches(std::string_view content_type, std::string_view media_type) {
  auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return boost::beast::iequals(type, media_type);
}

}  // namespace sr::http
