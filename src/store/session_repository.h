#pragma once
// SessionRepository stores sign-in sessions. Only the SHA-256 of a session
// token is stored; IP and user agent are personal data and are encrypted.
// A revoked session is gone from every read at once (no cache). Thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/account_repository.h"

namespace sr::store {

using TokenHash = std::array<std::uint8_t, 32>;

struct Session {
  std::string id;  // public identifier, e.g. "ses_" + 22 base62 characters
  TokenHash token_hash{};
  std::string account_id;
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;  // absolute lifetime end
  std::int64_t auth_at = 0;     // last time the user proved their password
  int aal = 1;                  // authenticator assurance level
  std::string ip;
  std::string user_agent;
};

// SessionWithAccount is what authenticating a request needs, read at once.
struct SessionWithAccount {
  Session session;  // ip and user_agent are left empty (not decrypted)
  Account account;  // password_hash is left empty (not read)
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual Status CreateSession(const Session& session) = 0;
  // FindSessionByTokenHash returns a live (not revoked) session or kNotFound.
  // Expiry is the caller's decision: it knows the clock and the idle timeout.
  virtual Result<Session> FindSessionByTokenHash(const TokenHash& hash) = 0;
  // FindSessionWithAccount returns a live session and its account in one
  // statement, for the per-request authentication path; kNotFound as Find.
  virtual Result<SessionWithAccount> FindSessionWithAccount(const TokenHash& hash) = 0;
  // ListSessions returns the account's live (not revoked) sessions, newest
  // first. Expired ones are included: the caller filters, as for Find.
  virtual Result<std::vector<Session>> ListSessions(std::string_view account_id) = 0;
  // TouchSession raises last_seen_at (never lowers it); kNotFound unless live.
  virtual Status TouchSession(std::string_view id, std::int64_t last_seen_at) = 0;
  // SetSessionAuth records a fresh proof of the password; kNotFound unless live.
  virtual Status SetSessionAuth(std::string_view id, std::int64_t auth_at, int aal) = 0;
  // RevokeSession: kNotFound unless a live session `id` belongs to `account_id`.
  virtual Status RevokeSession(std::string_view account_id, std::string_view id) = 0;
  // RevokeSessions revokes every live session of the account except
  // `keep_id` (if given) and returns how many it revoked, atomically.
  virtual Result<int> RevokeSessions(std::string_view account_id,
                                     std::optional<std::string_view> keep_id) = 0;
};

}  // namespace sr::store
