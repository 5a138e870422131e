// SqliteStore: SessionRepository. Only the SHA-256 of a session token is
// stored; IP and user agent are FieldCipher blobs bound to (sessions, column,
// id). Revocation sets revoked_at, and every read filters on it, so a revoked
// session disappears from the very next call on any connection.

#include <string>

#include "store/internal/row_util.h"
#include "store/sealed_field.h"
#include "store/sqlite_store.h"

namespace sr::store {
namespace {

constexpr std::string_view kTable = "sessions";
constexpr std::string_view kNotFoundWhat = "session";

#define SR_SESSION_COLUMNS                                                             \
  "SELECT id, token_hash, account_id, created_at, last_seen_at, expires_at, auth_at, " \
  "aal, ip_ct, user_agent_ct FROM sessions "

Result<Session> ReadSession(const Statement& row, const crypto::FieldCipher& cipher) {
  Session session;
  session.id = row.ColumnText(0);
  SR_ASSIGN_OR_RETURN(session.token_hash, internal::ColumnTokenHash(row, 1));
  session.account_id = row.ColumnText(2);
  session.created_at = row.ColumnInt64(3);
  session.last_seen_at = row.ColumnInt64(4);
  session.expires_at = row.ColumnInt64(5);
  session.auth_at = row.ColumnInt64(6);
  session.aal = static_cast<int>(row.ColumnInt64(7));
  SR_ASSIGN_OR_RETURN(session.ip, ColumnOpened(row, 8, cipher, {kTable, "ip", session.id}));
  SR_ASSIGN_OR_RETURN(session.user_agent,
                      ColumnOpened(row, 9, cipher, {kTable, "user_agent", session.id}));
  return session;
}

}  // namespace

Status SqliteStore::CreateSession(const Session& session) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement insert,
      db->PrepareCached("INSERT INTO sessions(id, token_hash, account_id, created_at, "
                        "last_seen_at, expires_at, auth_at, aal, ip_ct, user_agent_ct) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  SR_TRY(insert->BindText(1, session.id));
  SR_TRY(insert->BindBlob(2, session.token_hash));
  SR_TRY(insert->BindText(3, session.account_id));
  SR_TRY(insert->BindInt64(4, session.created_at));
  SR_TRY(insert->BindInt64(5, session.last_seen_at));
  SR_TRY(insert->BindInt64(6, session.expires_at));
  SR_TRY(insert->BindInt64(7, session.auth_at));
  SR_TRY(insert->BindInt64(8, session.aal));
  SR_TRY(BindSealedOrNull(*insert, 9, *cipher_, {kTable, "ip", session.id}, session.ip));
  SR_TRY(BindSealedOrNull(*insert, 10, *cipher_, {kTable, "user_agent", session.id},
                          session.user_agent));
  return internal::RunToCompletion(*insert);
}

Result<Session> SqliteStore::FindSessionByTokenHash(const TokenHash& hash) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement select,
      db->PrepareCached(SR_SESSION_COLUMNS "WHERE token_hash = ?1 AND revoked_at IS NULL"));
  SR_TRY(select->BindBlob(1, hash));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "session not found");
  return ReadSession(*select, *cipher_);
}

Result<SessionWithAccount> SqliteStore::FindSessionWithAccount(const TokenHash& hash) {
  std::uint64_t generation = 0;
  if (session_cache_) {
    if (auto cached = session_cache_->Find(hash)) return *std::move(cached);
    generation = session_cache_->generation();
  }
  SR_ASSIGN_OR_RETURN(SessionWithAccount found, ReadSessionWithAccount(hash));
  if (session_cache_) session_cache_->Fill(hash, found, generation);
  return found;
}

Result<SessionWithAccount> SqliteStore::ReadSessionWithAccount(const TokenHash& hash) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement select,
      db->PrepareCached("SELECT s.id, s.account_id, s.created_at, s.last_seen_at, s.expires_at, "
                        "s.auth_at, s.aal, a.email_ct, a.display_name_ct, a.email_verified_at, "
                        "a.reset_required, a.deletion_requested_at, a.created_at, "
                        "a.password_changed_at "
                        "FROM sessions s JOIN accounts a ON a.id = s.account_id "
                        "WHERE s.token_hash = ?1 AND s.revoked_at IS NULL"));
  SR_TRY(select->BindBlob(1, hash));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "session not found");
  SessionWithAccount found;
  Session& session = found.session;
  session.id = select->ColumnText(0);
  session.token_hash = hash;
  session.account_id = select->ColumnText(1);
  session.created_at = select->ColumnInt64(2);
  session.last_seen_at = select->ColumnInt64(3);
  session.expires_at = select->ColumnInt64(4);
  session.auth_at = select->ColumnInt64(5);
  session.aal = static_cast<int>(select->ColumnInt64(6));
  Account& account = found.account;
  account.id = session.account_id;
  SR_ASSIGN_OR_RETURN(account.email,
                      ColumnOpened(*select, 7, *cipher_, {"accounts", "email", account.id}));
  SR_ASSIGN_OR_RETURN(account.display_name, ColumnOpened(*select, 8, *cipher_,
                                                         {"accounts", "display_name", account.id}));
  account.email_verified_at = internal::ColumnOptionalInt64(*select, 9);
  account.reset_required = select->ColumnInt64(10) != 0;
  account.deletion_requested_at = internal::ColumnOptionalInt64(*select, 11);
  account.created_at = select->ColumnInt64(12);
  account.password_changed_at = select->ColumnInt64(13);
  return found;
}

Result<std::vector<Session>> SqliteStore::ListSessions(std::string_view account_id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement select,
      db->PrepareCached(SR_SESSION_COLUMNS "WHERE account_id = ?1 AND revoked_at IS NULL "
                                           "ORDER BY created_at DESC, rowid DESC"));
  SR_TRY(select->BindText(1, account_id));
  std::vector<Session> sessions;
  for (;;) {
    SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
    if (step == StepResult::kDone) break;
    SR_ASSIGN_OR_RETURN(Session session, ReadSession(*select, *cipher_));
    sessions.push_back(std::move(session));
  }
  return sessions;
}

Status SqliteStore::TouchSession(std::string_view id, std::int64_t last_seen_at) {
  const AfterWrite invalidate(session_cache_.get(), {}, id);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db->PrepareCached("UPDATE sessions SET last_seen_at = max(last_seen_at, ?2) "
                                        "WHERE id = ?1 AND revoked_at IS NULL"));
  SR_TRY(update->BindText(1, id));
  SR_TRY(update->BindInt64(2, last_seen_at));
  SR_TRY(internal::RunToCompletion(*update));
  return internal::ExpectChanged(*db, kNotFoundWhat);
}

Status SqliteStore::SetSessionAuth(std::string_view id, std::int64_t auth_at, int aal) {
  const AfterWrite invalidate(session_cache_.get(), {}, id);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db->PrepareCached("UPDATE sessions SET auth_at = ?2, aal = ?3 "
                                        "WHERE id = ?1 AND revoked_at IS NULL"));
  SR_TRY(update->BindText(1, id));
  SR_TRY(update->BindInt64(2, auth_at));
  SR_TRY(update->BindInt64(3, aal));
  SR_TRY(internal::RunToCompletion(*update));
  return internal::ExpectChanged(*db, kNotFoundWhat);
}

Status SqliteStore::RevokeSession(std::string_view account_id, std::string_view id) {
  const AfterWrite invalidate(session_cache_.get(), account_id);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement update,
      db->PrepareCached("UPDATE sessions SET revoked_at = ?3 "
                        "WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL"));
  SR_TRY(update->BindText(1, id));
  SR_TRY(update->BindText(2, account_id));
  SR_TRY(update->BindInt64(3, NowSeconds()));
  SR_TRY(internal::RunToCompletion(*update));
  return internal::ExpectChanged(*db, kNotFoundWhat);
}

Result<int> SqliteStore::RevokeSessions(std::string_view account_id,
                                        std::optional<std::string_view> keep_id) {
  const AfterWrite invalidate(session_cache_.get(), account_id);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  // One statement, so it is atomic without an explicit transaction.
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db->PrepareCached("UPDATE sessions SET revoked_at = ?3 "
                                        "WHERE account_id = ?1 AND revoked_at IS NULL "
                                        "AND (?2 IS NULL OR id <> ?2)"));
  SR_TRY(update->BindText(1, account_id));
  SR_TRY(keep_id ? update->BindText(2, *keep_id) : update->BindNull(2));
  SR_TRY(update->BindInt64(3, NowSeconds()));
  SR_TRY(internal::RunToCompletion(*update));
  return static_cast<int>(db->Changes());
}

#undef SR_SESSION_COLUMNS

}  // namespace sr::store
