#include "mail/internal/payload.h"

#include <nlohmann/json.hpp>

namespace sr::mail::internal {

std::string EncodePayload(const RenderedMessage& message) {
  nlohmann::ordered_json json;
  json["v"] = kPayloadVersion;
  json["message_id"] = message.message_id;
  json["from"] = message.envelope_from;
  json["to"] = message.envelope_to;
  json["data"] = message.data;
  return json.dump();
}

Result<RenderedMessage> DecodePayload(std::string_view payload) {
  const nlohmann::json json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  auto string_member = [&](const char* name, std::string& out) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  RenderedMessage message;
  const bool ok = json.is_object() && json.contains("v") && json["v"].is_number_integer() &&
                  json["v"].get<int>() == kPayloadVersion &&
                  string_member("message_id", message.message_id) &&
                  string_member("from", message.envelope_from) &&
                  string_member("to", message.envelope_to) && string_member("data", message.data);
  if (!ok) return Fail(ErrorCode::kDataLoss, "mail queue payload is not a version-1 payload");
  return message;
}

}  // namespace sr::mail::internal
