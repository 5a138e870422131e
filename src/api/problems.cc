#include "api/problems.h"

#include <algorithm>

#include "http/problem.h"

namespace sr::api {

http::Status StatusFor(ErrorCode code) {
  using S = http::Status;
  switch (code) {
    case ErrorCode::kInvalidArgument: return S::bad_request;
    case ErrorCode::kUnauthenticated: return S::unauthorized;
    case ErrorCode::kPermissionDenied: return S::forbidden;
    case ErrorCode::kNotFound: return S::not_found;
    case ErrorCode::kAlreadyExists: return S::conflict;
    case ErrorCode::kFailedPrecondition: return S::precondition_failed;
    case ErrorCode::kOutOfRange: return S::range_not_satisfiable;
    case ErrorCode::kResourceExhausted: return S::too_many_requests;
    case ErrorCode::kUnavailable: return S::service_unavailable;
    case ErrorCode::kDataLoss: return S::internal_server_error;
    case ErrorCode::kInternal: return S::internal_server_error;
  }
  return S::internal_server_error;
}

http::Response ProblemFromError(const Error& error, unsigned http_version) {
  std::string slug(ErrorCodeName(error.code()));
  std::replace(slug.begin(), slug.end(), '_', '-');
  if (!error.problem_type().empty()) slug = error.problem_type();  // used verbatim
  const http::Status status = StatusFor(error.code());
  const bool server_fault = static_cast<unsigned>(status) >= 500 &&
                            error.code() != ErrorCode::kUnavailable;
  http::Response res =
      http::MakeProblem(status, slug, http::bhttp::obsolete_reason(status),
                        server_fault ? "The server could not complete the request."
                                     : std::string_view(error.message()),
                        http_version);
  if (error.retry_after()) {
    res.set(http::bhttp::field::retry_after, std::to_string(error.retry_after()->count()));
  }
  return res;
}

}  // namespace sr::api
