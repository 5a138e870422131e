#pragma once
// Parsing of JSON request bodies, bounded in nesting depth so that a hostile
// body cannot exhaust the stack of code that later walks the document.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "http/message.h"

namespace sr::api {

inline constexpr int kMaxJsonDepth = 64;

// ParseJsonBody parses the request body; a syntax error or excessive nesting
// is kInvalidArgument with a message naming the byte offset only (never
// echoing the body, which may hold a password).
Result<nlohmann::json> ParseJsonBody(const http::Request& request);

// StringField returns doc[key] when it is a string of at most max_bytes
// bytes, else kInvalidArgument naming the field (never its value). The body
// must be a JSON object.
Result<std::string> StringField(const nlohmann::json& doc, std::string_view key,
                                std::size_t max_bytes = 1024);
// OptionalStringField is StringField for a field that may be absent or null.
Result<std::optional<std::string>> OptionalStringField(const nlohmann::json& doc,
                                                       std::string_view key,
                                                       std::size_t max_bytes = 1024);

// IsoTime renders Unix seconds as RFC 3339 UTC, e.g. "2026-11-23T13:00:00Z".
std::string IsoTime(std::int64_t unix_seconds);

// JsonResponse builds a 200-class application/json response.
http::Response JsonResponse(http::Status status, const nlohmann::json& body,
                            unsigned http_version = 11);

}  // namespace sr::api
