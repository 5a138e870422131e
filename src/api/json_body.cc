#include "api/json_body.h"

#include <ctime>

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
  } catch (const nlohmann::json::exception&) {
    // e.g. out_of_range for a number beyond double ("1e400", found by
    // fuzz/json_body_fuzz): still the client's input, never a 500.
    return Fail(ErrorCode::kInvalidArgument, "request body has a number out of range");
  }
}

Result<std::optional<std::string>> OptionalStringField(const nlohmann::json& doc,
                                                       std::string_view key,
                                                       std::size_t max_bytes) {
  if (!doc.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  }
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("field '{}' must be a string", key));
  }
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() > max_bytes) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("field '{}' is longer than {} bytes", key, max_bytes));
  }
  return std::optional<std::string>(value);
}

Result<std::string> StringField(const nlohmann::json& doc, std::string_view key,
                                std::size_t max_bytes) {
  SR_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalStringField(doc, key, max_bytes));
  if (!value) return Fail(ErrorCode::kInvalidArgument, fmt::format("field '{}' is required", key));
  return std::move(*value);
}

std::string IsoTime(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
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
