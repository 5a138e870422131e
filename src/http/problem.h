#pragma once
// RFC 9457 problem details. Every error answer of strongroom is one of these,
// with a stable `type` URI per kind of error so clients can branch on it.

#include <string_view>

#include "http/message.h"

namespace sr::http {

// kProblemTypeBase prefixes every problem type URI: kProblemTypeBase + slug.
inline constexpr std::string_view kProblemTypeBase = "https://strongroom.dev/problems/";

// MakeProblem builds an application/problem+json response. `slug` names the
// error kind (e.g. "payload-too-large"); `detail` must be safe to show.
Response MakeProblem(Status status, std::string_view slug, std::string_view title,
                     std::string_view detail, unsigned http_version = 11);

}  // namespace sr::http
