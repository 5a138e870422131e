#include "api/json_body.h"

#include <fmt/format.h>

namespace sr::api {

Result<nlohmann::json> ParseJsonBody(const http::Request& request) {
  bool too_deep = false;
  auto limit_depth = [&too_deep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  try {
    auto doc = nlohmann::json::parse(request.message.body(), limit_depth);
    if (too_deep) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("JSON nesting exceeds {} levels", kMaxJsonDepth));
    }
    return doc;
  } catch (const nlohmann::json::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("request body is not valid JSON (error at byte {})", e.byte));
  }
}

http::Response JsonResponse(http::Status status, const nlohmann::json& body,
                            unsigned http_version) {
  http::Response res(status, http_version);
  res.set(http::bhttp::field::content_type, "application/json");
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

}  // namespace sr::api
