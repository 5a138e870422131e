#pragma once
// Error is the one error type of strongroom: a canonical code plus a message
// that is safe to show to a client (it never carries a secret). Functions that
// can fail return Result<T>; exceptions never cross a module boundary.

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sr {

enum class ErrorCode {
  kInvalidArgument,    // the caller sent something malformed
  kUnauthenticated,    // no or bad credentials
  kPermissionDenied,   // authenticated, but not allowed
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition, // the system is not in the state the call needs
  kOutOfRange,
  kResourceExhausted,  // a limit or quota was hit
  kUnavailable,        // transient: retry may help
  kDataLoss,           // stored data failed an integrity check
  kInternal,           // an invariant broke; details stay in the logs
};

// ErrorCodeName returns the stable snake_case name of `code`.
std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // retry_after, when set, tells the client when trying again may succeed
  // (HTTP Retry-After); used with kResourceExhausted and kUnavailable.
  const std::optional<std::chrono::seconds>& retry_after() const { return retry_after_; }
  // problem_type, when set, names a more specific kind of error than the code
  // (the problem type slug, e.g. "reauthentication-required").
  const std::string& problem_type() const { return problem_type_; }
  Error&& WithProblemType(std::string slug) && {
    problem_type_ = std::move(slug);
    return std::move(*this);
  }
  Error&& WithRetryAfter(std::chrono::seconds after) && {
    retry_after_ = after;
    return std::move(*this);
  }
  // ToString renders "code: message" for logs and CLI output.
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::optional<std::chrono::seconds> retry_after_;
  std::string problem_type_;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

// Fail builds the unexpected value for a Result of any type.
inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}

inline Status Ok() { return {}; }

}  // namespace sr

// SR_TRY(expr): returns the error of a failed Status/Result expression.
#define SR_TRY(expr)                                             \
  do {                                                           \
    if (auto sr_try_result_ = (expr); !sr_try_result_) {         \
      return std::unexpected<::sr::Error>(sr_try_result_.error()); \
    }                                                            \
  } while (0)

#define SR_CONCAT_INNER_(a, b) a##b
#define SR_CONCAT_(a, b) SR_CONCAT_INNER_(a, b)

// SR_ASSIGN_OR_RETURN(lhs, expr): unwraps a Result into `lhs` or returns its error.
#define SR_ASSIGN_OR_RETURN(lhs, expr) \
  SR_ASSIGN_OR_RETURN_IMPL_(SR_CONCAT_(sr_result_, __LINE__), lhs, expr)
#define SR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)        \
  auto tmp = (expr);                                     \
  if (!tmp) return std::unexpected<::sr::Error>(tmp.error()); \
  lhs = std::move(*tmp)

// SR_CO_TRY and SR_CO_ASSIGN_OR_RETURN are the same for coroutines returning
// awaitable<Status> or awaitable<Result<T>>.
#define SR_CO_TRY(expr)                                             \
  do {                                                              \
    if (auto sr_try_result_ = (expr); !sr_try_result_) {            \
      co_return std::unexpected<::sr::Error>(sr_try_result_.error()); \
    }                                                               \
  } while (0)
#define SR_CO_ASSIGN_OR_RETURN(lhs, expr) \
  SR_CO_ASSIGN_OR_RETURN_IMPL_(SR_CONCAT_(sr_result_, __LINE__), lhs, expr)
#define SR_CO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)               \
  auto tmp = (expr);                                               \
  if (!tmp) co_return std::unexpected<::sr::Error>(tmp.error());   \
  lhs = std::move(*tmp)
