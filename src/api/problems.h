#pragma once
// The one place where an sr::Error becomes an HTTP status and problem type.

#include "common/error.h"
#include "http/message.h"

namespace sr::api {

// StatusFor maps an error code to its HTTP status.
http::Status StatusFor(ErrorCode code);

// ProblemFromError answers `error` as an RFC 9457 problem whose type slug is
// the error code's name with dashes (e.g. ".../problems/invalid-argument").
// Internal errors get a generic detail: their message is for logs only.
http::Response ProblemFromError(const Error& error, unsigned http_version = 11);

}  // namespace sr::api
