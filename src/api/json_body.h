#pragma once
// Parsing of JSON request bodies, bounded in nesting depth so that a hostile
// body cannot exhaust the stack of code that later walks the document.

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "http/message.h"

namespace sr::api {

inline constexpr int kMaxJsonDepth = 64;

// ParseJsonBody parses the request body; a syntax error or excessive nesting
// is kInvalidArgument with a message naming the byte offset only (never
// echoing the body, which may hold a password).
Result<nlohmann::json> ParseJsonBody(const http::Request& request);

// JsonResponse builds a 200-class application/json response.
http::Response JsonResponse(http::Status status, const nlohmann::json& body,
                            unsigned http_version = 11);

}  // namespace sr::api
