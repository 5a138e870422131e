// json_body_fuzz: arbitrary bytes as the body of a request, through
// ParseJsonBody and the field accessors every route uses. Parsing must
// return a value (never throw), a parsed document must respect the nesting
// bound, and a field the accessors return must be the string in the document.

#include <algorithm>
#include <string>

#include "api/json_body.h"
#include "fuzz_util.h"

namespace sr::api {
namespace {

// Depth counts nested containers: a scalar is 0, [] is 1, [[]] is 2.
int Depth(const nlohmann::json& doc) {
  if (!doc.is_structured()) return 0;
  int deepest = 0;
  for (const nlohmann::json& child : doc) deepest = std::max(deepest, Depth(child));
  return 1 + deepest;
}

void CheckField(const nlohmann::json& doc, std::string_view key) {
  constexpr std::size_t kMax = 16;
  Result<std::optional<std::string>> optional = OptionalStringField(doc, key, kMax);
  Result<std::string> required = StringField(doc, key, kMax);
  if (!optional) {
    SR_FUZZ_CHECK(optional.error().code() == ErrorCode::kInvalidArgument);
    SR_FUZZ_CHECK(!required && required.error().code() == ErrorCode::kInvalidArgument);
    return;
  }
  SR_FUZZ_CHECK(doc.is_object());
  if (!*optional) {
    SR_FUZZ_CHECK(!doc.contains(key) || doc.at(key).is_null());
    SR_FUZZ_CHECK(!required && required.error().code() == ErrorCode::kInvalidArgument);
    return;
  }
  SR_FUZZ_CHECK(required && *required == **optional);
  SR_FUZZ_CHECK(required->size() <= kMax);
  SR_FUZZ_CHECK(doc.at(key).is_string() && doc.at(key).get<std::string>() == *required);
}

void FuzzBody(std::string_view body) {
  http::Request request;
  request.message.body().assign(body);
  Result<nlohmann::json> doc = ParseJsonBody(request);
  if (!doc) {
    SR_FUZZ_CHECK(doc.error().code() == ErrorCode::kInvalidArgument);
    return;
  }
  // The callback refuses values deeper than kMaxJsonDepth; containers at
  // that depth may still be opened (empty), hence the + 1.
  SR_FUZZ_CHECK(Depth(*doc) <= kMaxJsonDepth + 1);
  for (std::string_view key : {"email", "password", "name", ""}) CheckField(*doc, key);
  // Every route's answer is dumped this way; parsed text must survive it.
  const http::Response response = JsonResponse(http::Status::ok, *doc);
  SR_FUZZ_CHECK(nlohmann::json::parse(response.body()) == *doc);
}

}  // namespace
}  // namespace sr::api

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sr::api::FuzzBody(sr::fuzz::AsText(data, size));
  return 0;
}
