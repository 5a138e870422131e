#pragma once
// AccountService implements the account flows of the accounts issue: sign-up,
// password sign-in with layered throttling, sessions users list and revoke,
// single-use reset and verification links, and self-service changes. Every
// flow records its security events through the AuditWriter. Secrets
// (passwords, tokens) are never logged, audited or returned in errors.
//
// Coroutine methods suspend only for password hashing (on the hasher's
// bounded pool); storage calls are synchronous. Thread-safe.

#include <utility>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "audit/audit_writer.h"
#include "common/clock.h"
#include "common/error.h"
#include "identity/password_hasher.h"
#include "identity/password_policy.h"
#include "identity/throttle.h"
#include "mail/mailer.h"
#include "store/account_repository.h"
#include "store/one_time_token_repository.h"
#include "store/session_repository.h"

namespace sr::accounts {

struct AccountOptions {
  std::string public_url;  // base of the links in e-mails
  std::chrono::seconds session_lifetime{604800};
  std::chrono::seconds session_idle{86400};
  std::chrono::seconds recent_auth{600};
  std::chrono::seconds reset_ttl{900};
  std::chrono::seconds verification_ttl{86400};
  std::chrono::seconds touch_interval{60};  // last-seen written at most this often
  bool require_verified_email = false;
};

struct AccountDeps {
  store::AccountRepository& accounts;
  store::SessionRepository& sessions;
  store::OneTimeTokenRepository& tokens;
  audit::AuditWriter& audit;
  mail::Mailer& mailer;
  const identity::PasswordPolicy& policy;
  identity::PasswordHasher& hasher;
  identity::SignInThrottle& throttle;
  const Clock& clock;
  // on_created runs after an account is stored (e.g. to give it its personal
  // workspace); its failure is logged, not fatal: the account exists, and
  // what the hook makes must also be made lazily when missing.
  std::function<Status(std::string_view account_id)> on_created = nullptr;
};

// Client is what is known about the caller, for sessions and audit events.
struct Client {
  std::string ip;
  std::string user_agent;
};

// Principal is the authenticated caller of a request.
struct Principal {
  store::Session session;
  store::Account account;
};

struct SignedIn {
  std::string token;  // shown once; only its hash is stored
  store::Session session;
};

// ThrottleKey names an e-mail in the throttle's memory without keeping it.
std::string ThrottleKey(std::string_view normalized_email);
// ThrottleIp is the client key of the throttle: the address, or for IPv6 its
// /64 prefix, which one client usually holds entirely.
std::string ThrottleIp(std::string_view ip);

class AccountService {
 public:
  AccountService(AccountOptions options, AccountDeps deps);

  const AccountOptions& options() const { return options_; }
  // set_on_created installs AccountDeps::on_created; call it before serving.
  void set_on_created(std::function<Status(std::string_view)> hook) {
    deps_.on_created = std::move(hook);
  }

  // SignUp creates an account and sends a verification link. For an e-mail
  // that already has an account it answers the same way (with a decoy id)
  // and tells the owner instead, so sign-up cannot enumerate accounts.
  boost::asio::awaitable<Result<store::Account>> SignUp(std::string email, std::string password,
                                                        std::string display_name, Client client);

  // SignIn checks the password under throttling. Unknown e-mail and wrong
  // password fail alike (kUnauthenticated, same time); a throttled attempt
  // is kResourceExhausted with retry_after.
  boost::asio::awaitable<Result<SignedIn>> SignIn(std::string email, std::string password,
                                                  Client client);

  // Authenticate resolves a session token (malformed ones are refused before
  // any storage access) and enforces absolute and idle expiry.
  Result<Principal> Authenticate(std::string_view token);

  Status SignOut(const Principal& who, const Client& client);
  Result<std::vector<store::Session>> ListSessions(const Principal& who);
  Status RevokeSession(const Principal& who, std::string_view session_id, const Client& client);
  Result<int> RevokeOtherSessions(const Principal& who, const Client& client);

  // ChangePassword needs the current password; it revokes every other
  // session and voids pending reset links.
  boost::asio::awaitable<Status> ChangePassword(const Principal& who, std::string current,
                                                std::string next, Client client);

  // RequestPasswordReset always succeeds from the caller's view; the work
  // (token, e-mail) happens only for a known address.
  boost::asio::awaitable<Status> RequestPasswordReset(std::string email, Client client);
  // CompletePasswordReset consumes the link, sets the password (policy
  // applies), revokes every session and lifts a brute-force lockout.
  boost::asio::awaitable<Status> CompletePasswordReset(std::string token, std::string password,
                                                       Client client);

  // CompleteEmailVerification consumes a verification or e-mail change link.
  Status CompleteEmailVerification(std::string_view token, const Client& client);
  Status ResendVerification(const Principal& who, const Client& client);

  // ChangeEmail and RequestDeletion are sensitive: they need a sign-in
  // within recent_auth or the current password.
  boost::asio::awaitable<Status> ChangeEmail(const Principal& who, std::string new_email,
                                             std::optional<std::string> current_password,
                                             Client client);
  boost::asio::awaitable<Status> RequestDeletion(const Principal& who,
                                                 std::optional<std::string> current_password,
                                                 Client client);

  // RequireRecentAuth passes if the session proved the password within
  // recent_auth, or if `password` is the account's current password
  // (throttled like sign-in; failures audited as `event_type`).
  boost::asio::awaitable<Status> RequireRecentAuth(const Principal& who,
                                                   const std::optional<std::string>& password,
                                                   const Client& client,
                                                   std::string_view event_type);

 private:
  // CheckCurrentPassword verifies the signed-in user's password under the
  // same throttling as sign-in, recording failures and lockouts; failures
  // are audited as `event_type`.
  boost::asio::awaitable<Status> CheckCurrentPassword(const Principal& who,
                                                      std::string_view password,
                                                      const Client& client,
                                                      std::string_view event_type);
  void RecordPasswordFailure(std::string_view key, std::string_view ip,
                             std::string_view account_id, const Client& client);
  // ThrottledEventDue coalesces throttled-attempt events: at most one per
  // client per minute reaches the audit log (with how many it stands for),
  // so a flood cannot turn the log into a write storm. Returns the count of
  // attempts the event covers, or 0 when this one is folded into a later one.
  std::int64_t ThrottledEventDue(std::string_view ip);
  // ResetRateAllows limits reset links per account (5 per hour) so nobody
  // can flood an inbox or keep voiding the owner's link.
  bool ResetRateAllows(std::string_view account_id);
  Status SendLink(const store::Account& account, std::string_view purpose, std::string_view email,
                  std::chrono::seconds ttl, const Client& client);
  void Audit(std::string_view type, std::string_view account_id, const Client& client,
             std::string_view outcome, std::string detail = "{}");
  std::int64_t Now() const;

  AccountOptions options_;
  AccountDeps deps_;
  struct Coalesced {
    std::int64_t last_written = 0;
    std::int64_t folded = 0;
  };
  std::mutex throttled_events_mutex_;
  std::unordered_map<std::string, Coalesced> throttled_events_;
  std::mutex reset_rate_mutex_;
  std::unordered_map<std::string, std::vector<std::int64_t>> reset_requests_;
};

}  // namespace sr::accounts
