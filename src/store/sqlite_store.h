#pragma once
// The SQLite implementation of the metadata store and its repositories: one
// database file in WAL mode, shared by the server's threads through a small
// connection pool. The file format is described in
// docs/formats/metadata-store.md.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "crypto/field_cipher.h"
#include "store/account_repository.h"
#include "store/connection_pool.h"
#include "store/metadata_store.h"
#include "store/one_time_token_repository.h"
#include "store/session_cache.h"
#include "store/session_repository.h"

namespace sr::store {

struct SqliteOptions {
  std::filesystem::path path;
  int pool_size = 4;  // connections open at most; callers beyond it wait
  // How long a connection waits for a lock held by another, and a caller
  // for a free connection, before failing with kUnavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // The time written by calls that take none (revocations, invalidations).
  // Null means the system clock.
  std::shared_ptr<const Clock> clock = nullptr;
  // cache_sessions keeps authenticated sessions in memory (SessionCache):
  // right only while this process is the one writer of sessions and
  // accounts, which it is until strongroom runs on several nodes.
  bool cache_sessions = true;
};

// SqliteStore is the store on one SQLite database. Create it with
// OpenSqliteStore. Personal data (e-mail, display name, IP, user agent) is
// encrypted with the FieldCipher before it reaches SQLite, with AAD
// (table, column, row id); e-mails are found through a blind index.
//
// Every method borrows a pooled connection for its duration and runs one
// statement or one transaction, so each call is atomic. Errors never carry a
// bound value. Thread-safe.
class SqliteStore final : public MetadataStore,
                          public AccountRepository,
                          public SessionRepository,
                          public OneTimeTokenRepository {
 public:
  // MetadataStore
  Status Ping() override;
  Result<int> SchemaVersion() override;

  // AccountRepository. A second account with the same e-mail is
  // kAlreadyExists; updates of an unknown id are kNotFound.
  Status CreateAccount(const Account& account) override;
  Result<Account> FindAccountByEmail(std::string_view email) override;
  Result<Account> FindAccountById(std::string_view id) override;
  Status UpdatePasswordHash(std::string_view id, std::string_view password_hash,
                            std::int64_t changed_at) override;
  Status UpdateEmail(std::string_view id, std::string_view email) override;
  Status SetEmailVerified(std::string_view id, std::int64_t at) override;
  Status SetResetRequired(std::string_view id, bool required) override;
  Status MarkDeletionRequested(std::string_view id, std::int64_t at) override;

  // SessionRepository. Touch and SetSessionAuth of a revoked or unknown
  // session are kNotFound; Touch never moves last_seen_at backwards.
  Status CreateSession(const Session& session) override;
  Result<Session> FindSessionByTokenHash(const TokenHash& hash) override;
  Result<SessionWithAccount> FindSessionWithAccount(const TokenHash& hash) override;
  Result<std::vector<Session>> ListSessions(std::string_view account_id) override;
  Status TouchSession(std::string_view id, std::int64_t last_seen_at) override;
  Status SetSessionAuth(std::string_view id, std::int64_t auth_at, int aal) override;
  Status RevokeSession(std::string_view account_id, std::string_view id) override;
  Result<int> RevokeSessions(std::string_view account_id,
                             std::optional<std::string_view> keep_id) override;

  // OneTimeTokenRepository. Invalidated tokens are marked used (used_at).
  Status IssueToken(const OneTimeToken& token) override;
  Result<OneTimeToken> ConsumeToken(const TokenHash& hash, std::string_view purpose,
                                    std::int64_t now) override;
  Result<OneTimeToken> FindToken(const TokenHash& hash, std::string_view purpose,
                                 std::int64_t now) override;
  Status InvalidateTokens(std::string_view account_id, std::string_view purpose) override;

  // For other SQLite-backed components that share this database and its
  // schema (audit::SqliteAuditLog). Handlers use the interfaces above.
  ConnectionPool& pool() { return pool_; }
  const crypto::FieldCipher& cipher() const { return *cipher_; }
  const Clock& clock() const { return *clock_; }

 private:
  friend Result<std::unique_ptr<SqliteStore>> OpenSqliteStore(
      const SqliteOptions& options, std::shared_ptr<const crypto::FieldCipher> cipher);
  SqliteStore(const SqliteOptions& options, std::shared_ptr<const crypto::FieldCipher> cipher);

  // Migrate runs the built-in migrations on one pooled connection.
  Status Migrate();
  std::int64_t NowSeconds() const;
  Result<SessionWithAccount> ReadSessionWithAccount(const TokenHash& hash);
  Result<OneTimeToken> ReadToken(Statement& row, const TokenHash& hash,
                                 std::string_view purpose) const;

  // AfterWrite invalidates the session cache once the enclosing write call
  // has finished (committed or failed: dropping entries is always safe).
  class AfterWrite {
   public:
    AfterWrite(SessionCache* cache, std::string_view account_id, std::string_view session_id = {})
        : cache_(cache), account_id_(account_id), session_id_(session_id) {}
    ~AfterWrite() {
      if (cache_ == nullptr) return;
      if (!account_id_.empty()) cache_->InvalidateAccount(account_id_);
      if (!session_id_.empty()) cache_->InvalidateSession(session_id_);
    }
    AfterWrite(const AfterWrite&) = delete;
    AfterWrite& operator=(const AfterWrite&) = delete;

   private:
    SessionCache* cache_;
    std::string_view account_id_;
    std::string_view session_id_;
  };

  std::shared_ptr<const crypto::FieldCipher> cipher_;
  std::shared_ptr<const Clock> clock_;
  ConnectionPool pool_;
  std::unique_ptr<SessionCache> session_cache_;  // null when disabled
};

// OpenSqliteStore opens (creating if needed) the database at options.path and
// brings its schema up to date with the built-in migrations. `cipher` (not
// null) encrypts the personal-data columns. The database file and its
// -wal/-shm companions are mode 0600 (existing ones are tightened). Every
// connection runs with journal_mode=WAL, synchronous=FULL, foreign_keys=ON
// and the busy timeout. A file that is not a SQLite database is kDataLoss; a
// schema newer than this binary is kFailedPrecondition.
Result<std::unique_ptr<SqliteStore>> OpenSqliteStore(
    const SqliteOptions& options, std::shared_ptr<const crypto::FieldCipher> cipher);

}  // namespace sr::store
