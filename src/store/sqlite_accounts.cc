// SqliteStore: AccountRepository. The e-mail and display name are FieldCipher
// blobs bound to (accounts, column, id); the e-mail is found through
// email_bidx = BlindIndex("accounts", "email", e-mail).

#include <string>

#include "store/internal/row_util.h"
#include "store/sealed_field.h"
#include "store/sqlite_store.h"

namespace sr::store {
namespace {

constexpr std::string_view kTable = "accounts";
constexpr std::string_view kNotFoundWhat = "account";

#define SR_ACCOUNT_COLUMNS                                                                   \
  "SELECT id, email_ct, display_name_ct, password_hash, email_verified_at, reset_required, " \
  "deletion_requested_at, created_at, password_changed_at FROM accounts "

// EmailTaken maps a unique violation of email_bidx to its own message; the
// API layer decides what the client sees.
Error EmailTaken(const Error& error) {
  if (error.code() == ErrorCode::kAlreadyExists &&
      error.message().find("accounts.email_bidx") != std::string::npos) {
    return Error(ErrorCode::kAlreadyExists, "an account with this e-mail already exists");
  }
  if (error.code() == ErrorCode::kAlreadyExists) {
    return Error(ErrorCode::kAlreadyExists, "an account with this id already exists");
  }
  return error;
}

Result<Account> ReadAccount(const Statement& row, const crypto::FieldCipher& cipher) {
  Account account;
  account.id = row.ColumnText(0);
  SR_ASSIGN_OR_RETURN(account.email, ColumnOpened(row, 1, cipher, {kTable, "email", account.id}));
  SR_ASSIGN_OR_RETURN(account.display_name,
                      ColumnOpened(row, 2, cipher, {kTable, "display_name", account.id}));
  account.password_hash = row.ColumnText(3);
  account.email_verified_at = internal::ColumnOptionalInt64(row, 4);
  account.reset_required = row.ColumnInt64(5) != 0;
  account.deletion_requested_at = internal::ColumnOptionalInt64(row, 6);
  account.created_at = row.ColumnInt64(7);
  account.password_changed_at = row.ColumnInt64(8);
  return account;
}

// FindOne runs `sql`, a query for at most one account, bound by `bind`.
template <typename Bind>
Result<Account> FindOne(ConnectionPool& pool, const crypto::FieldCipher& cipher,
                        std::string_view sql, Bind bind) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement select, db->PrepareCached(sql));
  SR_TRY(bind(*select));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "account not found");
  return ReadAccount(*select, cipher);
}

}  // namespace

Status SqliteStore::CreateAccount(const Account& account) {
  const crypto::Digest bidx = cipher_->BlindIndex(kTable, "email", account.email);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement insert,
      db->PrepareCached("INSERT INTO accounts(id, email_ct, email_bidx, display_name_ct, "
                        "password_hash, email_verified_at, reset_required, deletion_requested_at, "
                        "created_at, password_changed_at) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  SR_TRY(insert->BindText(1, account.id));
  SR_TRY(BindSealed(*insert, 2, *cipher_, {kTable, "email", account.id}, account.email));
  SR_TRY(insert->BindBlob(3, bidx));
  SR_TRY(
      BindSealed(*insert, 4, *cipher_, {kTable, "display_name", account.id}, account.display_name));
  SR_TRY(insert->BindText(5, account.password_hash));
  SR_TRY(internal::BindOptionalInt64(*insert, 6, account.email_verified_at));
  SR_TRY(insert->BindInt64(7, account.reset_required ? 1 : 0));
  SR_TRY(internal::BindOptionalInt64(*insert, 8, account.deletion_requested_at));
  SR_TRY(insert->BindInt64(9, account.created_at));
  SR_TRY(insert->BindInt64(10, account.password_changed_at));
  if (Status done = internal::RunToCompletion(*insert); !done) {
    return std::unexpected(EmailTaken(done.error()));
  }
  return Ok();
}

Result<Account> SqliteStore::FindAccountByEmail(std::string_view email) {
  const crypto::Digest bidx = cipher_->BlindIndex(kTable, "email", email);
  SR_ASSIGN_OR_RETURN(Account account,
                      FindOne(pool_, *cipher_, SR_ACCOUNT_COLUMNS "WHERE email_bidx = ?1",
                              [&](Statement& s) { return s.BindBlob(1, bidx); }));
  // The index is not authenticated: a row whose index was copied from another
  // row must not answer for that row's e-mail.
  if (account.email != email) {
    return Fail(ErrorCode::kDataLoss, "account e-mail does not match its blind index");
  }
  return account;
}

Result<Account> SqliteStore::FindAccountById(std::string_view id) {
  return FindOne(pool_, *cipher_, SR_ACCOUNT_COLUMNS "WHERE id = ?1",
                 [&](Statement& s) { return s.BindText(1, id); });
}

Status SqliteStore::UpdatePasswordHash(std::string_view id, std::string_view password_hash,
                                       std::int64_t changed_at) {
  const AfterWrite invalidate(session_cache_.get(), id);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db->PrepareCached("UPDATE accounts SET password_hash = ?2, "
                                        "password_changed_at = ?3 WHERE id = ?1"));
  SR_TRY(update->BindText(1, id));
  SR_TRY(update->BindText(2, password_hash));
  SR_TRY(update->BindInt64(3, changed_at));
  SR_TRY(internal::RunToCompletion(*update));
  return internal::ExpectChanged(*db, kNotFoundWhat);
}

Status SqliteStore::UpdateEmail(std::string_view id, std::string_view email) {
  const AfterWrite invalidate(session_cache_.get(), id);
  const crypto::Digest bidx = cipher_->BlindIndex(kTable, "email", email);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db->PrepareCached("UPDATE accounts SET email_ct = ?2, email_bidx = ?3, "
                                        "email_verified_at = NULL WHERE id = ?1"));
  SR_TRY(update->BindText(1, id));
  SR_TRY(BindSealed(*update, 2, *cipher_, {kTable, "email", id}, email));
  SR_TRY(update->BindBlob(3, bidx));
  if (Status done = internal::RunToCompletion(*update); !done) {
    return std::unexpected(EmailTaken(done.error()));
  }
  return internal::ExpectChanged(*db, kNotFoundWhat);
}

Status SqliteStore::SetEmailVerified(std::string_view id, std::int64_t at) {
  const AfterWrite invalidate(session_cache_.get(), id);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement update,
      db->PrepareCached("UPDATE accounts SET email_verified_at = ?2 WHERE id = ?1"));
  SR_TRY(update->BindText(1, id));
  SR_TRY(update->BindInt64(2, at));
  SR_TRY(internal::RunToCompletion(*update));
  return internal::ExpectChanged(*db, kNotFoundWhat);
}

Status SqliteStore::SetResetRequired(std::string_view id, bool required) {
  const AfterWrite invalidate(session_cache_.get(), id);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db->PrepareCached("UPDATE accounts SET reset_required = ?2 WHERE id = ?1"));
  SR_TRY(update->BindText(1, id));
  SR_TRY(update->BindInt64(2, required ? 1 : 0));
  SR_TRY(internal::RunToCompletion(*update));
  return internal::ExpectChanged(*db, kNotFoundWhat);
}

Status SqliteStore::MarkDeletionRequested(std::string_view id, std::int64_t at) {
  const AfterWrite invalidate(session_cache_.get(), id);
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  // The first request's time stands; repeating the request changes nothing.
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db->PrepareCached("UPDATE accounts SET deletion_requested_at = "
                                        "coalesce(deletion_requested_at, ?2) WHERE id = ?1"));
  SR_TRY(update->BindText(1, id));
  SR_TRY(update->BindInt64(2, at));
  SR_TRY(internal::RunToCompletion(*update));
  return internal::ExpectChanged(*db, kNotFoundWhat);
}

#undef SR_ACCOUNT_COLUMNS

}  // namespace sr::store
