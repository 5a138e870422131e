#include "audit/sqlite_audit_log.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "common/hex.h"
#include "crypto/random.h"
#include "store/sealed_field.h"

namespace sr::audit {
namespace {

constexpr std::string_view kTable = "security_events";
constexpr std::size_t kUidBytes = 16;

Status CheckEvent(const SecurityEvent& event) {
  if (event.type.empty() || event.outcome.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "security event needs a type and an outcome");
  }
  if (event.detail.size() > kMaxEventDetailSize) {
    return Fail(ErrorCode::kInvalidArgument, "security event detail is too large");
  }
  if (!event.detail.empty()) {
    const nlohmann::json detail = nlohmann::json::parse(event.detail, nullptr, false);
    if (!detail.is_object()) {
      return Fail(ErrorCode::kInvalidArgument, "security event detail must be a JSON object");
    }
  }
  return Ok();
}

Status BindTextOrNull(store::Statement& statement, int index, std::string_view value) {
  return value.empty() ? statement.BindNull(index) : statement.BindText(index, value);
}

}  // namespace

std::int64_t SqliteAuditLog::NowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(store_.clock().Now().time_since_epoch())
      .count();
}

Result<std::int64_t> SqliteAuditLog::Append(const SecurityEvent& event) {
  SR_TRY(CheckEvent(event));
  const std::string uid = HexEncode(crypto::RandomBytes(kUidBytes));
  const crypto::FieldCipher& cipher = store_.cipher();
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, store_.pool().Acquire());
  SR_ASSIGN_OR_RETURN(
      store::CachedStatement insert,
      db->PrepareCached("INSERT INTO security_events(uid, at, type, account_id, actor_id, ip_ct, "
                        "user_agent_ct, outcome, detail) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id"));
  SR_TRY(insert->BindText(1, uid));
  SR_TRY(insert->BindInt64(2, event.at != 0 ? event.at : NowSeconds()));
  SR_TRY(insert->BindText(3, event.type));
  SR_TRY(BindTextOrNull(*insert, 4, event.account_id));
  SR_TRY(BindTextOrNull(*insert, 5, event.actor_id));
  SR_TRY(store::BindSealedOrNull(*insert, 6, cipher, {kTable, "ip", uid}, event.ip));
  SR_TRY(
      store::BindSealedOrNull(*insert, 7, cipher, {kTable, "user_agent", uid}, event.user_agent));
  SR_TRY(insert->BindText(8, event.outcome));
  SR_TRY(insert->BindText(9, event.detail.empty() ? std::string_view("{}") : event.detail));
  SR_ASSIGN_OR_RETURN(store::StepResult step, insert->Step());
  if (step != store::StepResult::kRow) return Fail(ErrorCode::kInternal, "insert returned no id");
  const std::int64_t id = insert->ColumnInt64(0);
  // The insert commits when the statement runs to completion.
  SR_ASSIGN_OR_RETURN(step, insert->Step());
  if (step != store::StepResult::kDone) return Fail(ErrorCode::kInternal, "insert returned rows");
  return id;
}

Result<std::vector<SecurityEvent>> SqliteAuditLog::ListForAccount(
    std::string_view account_id, int limit, std::optional<std::int64_t> before_id) {
  if (limit < 1) return Fail(ErrorCode::kInvalidArgument, "event page limit must be positive");
  limit = std::min(limit, kMaxEventsPerPage);
  const crypto::FieldCipher& cipher = store_.cipher();
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, store_.pool().Acquire());
  SR_ASSIGN_OR_RETURN(
      store::CachedStatement select,
      db->PrepareCached("SELECT id, uid, at, type, account_id, actor_id, ip_ct, user_agent_ct, "
                        "outcome, detail FROM security_events "
                        "WHERE account_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"));
  SR_TRY(select->BindText(1, account_id));
  SR_TRY(select->BindInt64(2, before_id.value_or(std::numeric_limits<std::int64_t>::max())));
  SR_TRY(select->BindInt64(3, limit));
  std::vector<SecurityEvent> events;
  for (;;) {
    SR_ASSIGN_OR_RETURN(store::StepResult step, select->Step());
    if (step == store::StepResult::kDone) break;
    SecurityEvent event;
    event.id = select->ColumnInt64(0);
    const std::string uid = select->ColumnText(1);
    event.at = select->ColumnInt64(2);
    event.type = select->ColumnText(3);
    event.account_id = select->ColumnText(4);
    event.actor_id = select->ColumnText(5);
    SR_ASSIGN_OR_RETURN(event.ip, store::ColumnOpened(*select, 6, cipher, {kTable, "ip", uid}));
    SR_ASSIGN_OR_RETURN(event.user_agent,
                        store::ColumnOpened(*select, 7, cipher, {kTable, "user_agent", uid}));
    event.outcome = select->ColumnText(8);
    event.detail = select->ColumnText(9);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace sr::audit
