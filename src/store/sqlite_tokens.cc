// SqliteStore: OneTimeTokenRepository. Only the SHA-256 of a token is stored;
// the e-mail it was sent to is a FieldCipher blob bound to (one_time_tokens,
// email, hex of the hash). used_at marks a token used or invalidated: either
// way it can never be consumed again.

#include <string>

#include "common/hex.h"
#include "store/internal/row_util.h"
#include "store/sealed_field.h"
#include "store/sqlite_store.h"

namespace sr::store {
namespace {

constexpr std::string_view kTable = "one_time_tokens";

// InvalidateUnused marks every unused token of the account and purpose used at `at`.
Status InvalidateUnused(Database& db, std::string_view account_id, std::string_view purpose,
                        std::int64_t at) {
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db.PrepareCached("UPDATE one_time_tokens SET used_at = ?3 "
                                       "WHERE account_id = ?1 AND purpose = ?2 "
                                       "AND used_at IS NULL"));
  SR_TRY(update->BindText(1, account_id));
  SR_TRY(update->BindText(2, purpose));
  SR_TRY(update->BindInt64(3, at));
  return internal::RunToCompletion(*update);
}

}  // namespace

Status SqliteStore::IssueToken(const OneTimeToken& token) {
  if (token.purpose.empty()) return Fail(ErrorCode::kInvalidArgument, "token purpose is empty");
  const std::string row_id = HexEncode(token.token_hash);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db));
  SR_TRY(InvalidateUnused(*db, token.account_id, token.purpose, token.created_at));
  {
    SR_ASSIGN_OR_RETURN(CachedStatement insert,
                        db->PrepareCached("INSERT INTO one_time_tokens(token_hash, purpose, "
                                          "account_id, email_ct, created_at, expires_at) "
                                          "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
    SR_TRY(insert->BindBlob(1, token.token_hash));
    SR_TRY(insert->BindText(2, token.purpose));
    SR_TRY(insert->BindText(3, token.account_id));
    SR_TRY(BindSealedOrNull(*insert, 4, *cipher_, {kTable, "email", row_id}, token.email));
    SR_TRY(insert->BindInt64(5, token.created_at));
    SR_TRY(insert->BindInt64(6, token.expires_at));
    SR_TRY(internal::RunToCompletion(*insert));
  }
  return transaction.Commit();
}

// ReadToken reads a row of (account_id, email_ct, created_at, expires_at).
Result<OneTimeToken> SqliteStore::ReadToken(Statement& row, const TokenHash& hash,
                                            std::string_view purpose) const {
  OneTimeToken token;
  token.token_hash = hash;
  token.purpose = std::string(purpose);
  token.account_id = row.ColumnText(0);
  SR_ASSIGN_OR_RETURN(token.email,
                      ColumnOpened(row, 1, *cipher_, {kTable, "email", HexEncode(hash)}));
  token.created_at = row.ColumnInt64(2);
  token.expires_at = row.ColumnInt64(3);
  return token;
}

Result<OneTimeToken> SqliteStore::ConsumeToken(const TokenHash& hash, std::string_view purpose,
                                               std::int64_t now) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  // One statement checks and marks the token, so two concurrent consumers
  // cannot both succeed.
  SR_ASSIGN_OR_RETURN(CachedStatement consume,
                      db->PrepareCached("UPDATE one_time_tokens SET used_at = ?3 "
                                        "WHERE token_hash = ?1 AND purpose = ?2 "
                                        "AND used_at IS NULL AND expires_at > ?3 "
                                        "RETURNING account_id, email_ct, created_at, expires_at"));
  SR_TRY(consume->BindBlob(1, hash));
  SR_TRY(consume->BindText(2, purpose));
  SR_TRY(consume->BindInt64(3, now));
  SR_ASSIGN_OR_RETURN(StepResult step, consume->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "token not found");
  SR_ASSIGN_OR_RETURN(OneTimeToken token, ReadToken(*consume, hash, purpose));
  // The update commits when the statement runs to completion.
  SR_ASSIGN_OR_RETURN(step, consume->Step());
  if (step != StepResult::kDone) return Fail(ErrorCode::kInternal, "token hash is not unique");
  return token;
}

Result<OneTimeToken> SqliteStore::FindToken(const TokenHash& hash, std::string_view purpose,
                                            std::int64_t now) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement find,
                      db->PrepareCached("SELECT account_id, email_ct, created_at, expires_at "
                                        "FROM one_time_tokens WHERE token_hash = ?1 "
                                        "AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3"));
  SR_TRY(find->BindBlob(1, hash));
  SR_TRY(find->BindText(2, purpose));
  SR_TRY(find->BindInt64(3, now));
  SR_ASSIGN_OR_RETURN(StepResult step, find->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "token not found");
  return ReadToken(*find, hash, purpose);
}

Status SqliteStore::InvalidateTokens(std::string_view account_id, std::string_view purpose) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  return InvalidateUnused(*db, account_id, purpose, NowSeconds());
}

}  // namespace sr::store
