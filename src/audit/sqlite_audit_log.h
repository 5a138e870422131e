#pragma once
// SqliteAuditLog keeps security events in the security_events table of the
// SQLite metadata store (schema: docs/formats/metadata-store.md; event types:
// docs/security-events.md). The table is append-only: triggers make SQLite
// refuse every UPDATE and DELETE on it. IP and user agent are FieldCipher
// blobs bound to (security_events, column, uid), where uid is a random
// 128-bit identifier chosen before the insert.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "audit/audit_writer.h"
#include "common/error.h"
#include "store/sqlite_store.h"

namespace sr::audit {

// kMaxEventsPerPage caps ListForAccount's `limit`.
inline constexpr int kMaxEventsPerPage = 1000;
// kMaxEventDetailSize bounds SecurityEvent::detail, in bytes.
inline constexpr std::size_t kMaxEventDetailSize = 4096;

// SqliteAuditLog is thread-safe. It borrows `store`'s connection pool and
// field cipher, so it must not outlive `store`.
class SqliteAuditLog final : public AuditWriter, public AuditReader {
 public:
  explicit SqliteAuditLog(store::SqliteStore& store) : store_(store) {}

  // Append stores `event` (its id is ignored; an `at` of 0 means now, by the
  // store's clock) and returns the new id. type
  // and outcome must be non-empty; detail must be empty (stored as "{}") or
  // a JSON object of at most kMaxEventDetailSize bytes; else kInvalidArgument.
  Result<std::int64_t> Append(const SecurityEvent& event) override;

  // ListForAccount: `limit` below 1 is kInvalidArgument, above
  // kMaxEventsPerPage is lowered to it.
  Result<std::vector<SecurityEvent>> ListForAccount(std::string_view account_id, int limit,
                                                    std::optional<std::int64_t> before_id) override;

 private:
  std::int64_t NowSeconds() const;

  store::SqliteStore& store_;
};

}  // namespace sr::audit
