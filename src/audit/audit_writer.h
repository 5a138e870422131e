#pragma once
// AuditWriter is the one way security events are recorded. Events are
// appended, never updated; tamper evidence is added behind this interface
// later. IP and user agent are personal data and are stored encrypted; every
// other field is stored in clear, so it never holds a password, a token or
// an e-mail address. The event types, their outcomes and detail fields are
// listed in docs/security-events.md. The SQLite implementation is
// sqlite_audit_log.h. Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr::audit {

struct SecurityEvent {
  std::int64_t id = 0;     // assigned on append
  std::int64_t at = 0;     // Unix seconds; 0 on append means now
  std::string type;        // e.g. "signin.failure"; see docs/security-events.md
  std::string account_id;  // the subject account, empty when unknown
  std::string actor_id;    // who acted, empty when anonymous
  std::string ip;
  std::string user_agent;
  std::string outcome;  // "success", "failure" or "throttled"
  std::string detail;   // JSON object text (empty means {}); never a secret or personal data
};

class AuditWriter {
 public:
  virtual ~AuditWriter() = default;
  // Append records `event` (its id is ignored) and returns the new id, which
  // is larger than every earlier one. An event without type or outcome, or
  // whose detail is not a JSON object, is kInvalidArgument.
  virtual Result<std::int64_t> Append(const SecurityEvent& event) = 0;
};

class AuditReader {
 public:
  virtual ~AuditReader() = default;
  // ListForAccount returns the account's events, newest first, at most
  // `limit` (>= 1; implementations may cap it), with ids below `before_id`
  // when given: pass the last id of a page to get the next one.
  virtual Result<std::vector<SecurityEvent>> ListForAccount(
      std::string_view account_id, int limit, std::optional<std::int64_t> before_id) = 0;
};

}  // namespace sr::audit
