#pragma once
// Transport-independent request handling: running a route's middleware and
// handler, and stamping the headers every response carries.

#include <string>
#include <string_view>

#include "http/message.h"
#include "http/router.h"

namespace sr::http {

// RunRoute runs the route's middleware in order, then its handler. An
// exception from either is logged with the request id and answered with a
// generic 500 problem; its text never reaches the client.
boost::asio::awaitable<Response> RunRoute(Request& request);

// ApplyStandardHeaders adds HSTS, nosniff, Referrer-Policy, Cache-Control
// (unless the handler chose one) and X-Request-Id.
void ApplyStandardHeaders(Response& response, std::string_view request_id);

// NewRequestId returns a unique, unguessable-enough id for correlating logs
// (a random per-process prefix and a counter). Thread-safe.
std::string NewRequestId();

// MediaTypeMatches compares a Content-Type header with a media type, ignoring
// parameters (e.g. "; charset=utf-8") and case.
bool MediaTypeMatches(std::string_view content_type, std::string_view media_type);

}  // namespace sr::http
