#include "accounts/account_service.h"

#include <algorithm>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include "accounts/mail_templates.h"
#include "common/hex.h"
#include "common/log.h"
#include "identity/email.h"
#include "identity/token.h"

namespace sr::accounts {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kBadCredentials = "the e-mail address or password is incorrect";
constexpr std::size_t kMaxDisplayNameChars = 100;
constexpr std::size_t kMaxUserAgentBytes = 256;

}  // namespace

std::string ThrottleKey(std::string_view normalized_email) {
  return HexEncode(identity::HashToken(normalized_email));
}

std::string ThrottleIp(std::string_view ip) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(ip, ec);
  if (ec || !address.is_v6() || address.to_v6().is_v4_mapped()) return std::string(ip);
  // One IPv6 client usually holds a whole /64: throttle the prefix.
  auto bytes = address.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::make_address_v6(bytes).to_string() + "/64";
}

namespace {

Result<std::string> CheckDisplayName(std::string_view name) {
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  std::size_t chars = 0;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument, "display_name must not contain control characters");
    }
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars == 0 || chars > kMaxDisplayNameChars) {
    return Fail(ErrorCode::kInvalidArgument, "display_name must have 1 to 100 characters");
  }
  return std::string(name);
}

}  // namespace

AccountService::AccountService(AccountOptions options, AccountDeps deps)
    : options_(std::move(options)), deps_(deps) {
  // Last-seen must be written often enough for the idle timeout to hold.
  options_.touch_interval = std::min(options_.touch_interval, options_.session_idle / 2);
}

std::int64_t AccountService::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             deps_.clock.Now().time_since_epoch())
      .count();
}

void AccountService::Audit(std::string_view type, std::string_view account_id,
                           const Client& client, std::string_view outcome, std::string detail) {
  audit::SecurityEvent event;
  event.at = Now();
  event.type = std::string(type);
  event.account_id = std::string(account_id);
  event.actor_id = std::string(account_id);
  event.ip = client.ip;
  event.user_agent = client.user_agent.substr(0, kMaxUserAgentBytes);
  event.outcome = std::string(outcome);
  event.detail = std::move(detail);
  if (auto appended = deps_.audit.Append(event); !appended) {
    // Losing a security event is itself worth an alert in the logs.
    sr::log::Error("security event not recorded",
                   {{"type", event.type}, {"error", appended.error().ToString()}});
  }
}

Status AccountService::SendLink(const store::Account& account, std::string_view purpose,
                                std::string_view email, std::chrono::seconds ttl,
                                const Client& client) {
  const bool reset = purpose == "password_reset";
  const std::string token = identity::NewToken(reset ? identity::TokenType::kPasswordReset
                                                     : identity::TokenType::kEmailVerification);
  store::OneTimeToken record;
  record.token_hash = identity::HashToken(token);
  record.purpose = std::string(purpose);
  record.account_id = account.id;
  record.email = std::string(email);
  record.created_at = Now();
  record.expires_at = record.created_at + ttl.count();
  SR_TRY(deps_.tokens.IssueToken(record));
  const std::string link = options_.public_url + (reset ? "/reset-password?token=" : "/verify-email?token=") + token;
  mail::MailMessage message =
      reset ? PasswordResetMail(email, link, static_cast<int>(ttl.count() / 60))
      : purpose == "email_change" ? EmailChangeMail(email, link)
                                  : VerificationMail(email, link);
  SR_TRY(deps_.mailer.Send(message));
  Audit(reset ? "password_reset.requested" : "email.verification_sent", account.id, client,
        "success", nlohmann::json{{"purpose", purpose}}.dump());
  return Ok();
}

asio::awaitable<Result<store::Account>> AccountService::SignUp(std::string email,
                                                               std::string password,
                                                               std::string display_name,
                                                               Client client) {
  auto normalized = identity::NormalizeEmail(email);
  if (!normalized) co_return std::unexpected(normalized.error());
  auto name = CheckDisplayName(display_name);
  if (!name) co_return std::unexpected(name.error());
  if (auto ok = deps_.policy.Check(password, identity::EmailLocalPart(*normalized)); !ok) {
    co_return std::unexpected(ok.error());
  }
  store::Account account;
  account.id = identity::NewId("acc");
  account.email = *normalized;
  account.display_name = *name;
  account.created_at = Now();
  account.password_changed_at = account.created_at;

  auto hash = co_await deps_.hasher.Hash(std::move(password));
  if (!hash) co_return std::unexpected(hash.error());
  account.password_hash = std::move(*hash);

  auto existing = deps_.accounts.FindAccountByEmail(*normalized);
  Status created = existing ? Status(Fail(ErrorCode::kAlreadyExists, "taken"))
                            : deps_.accounts.CreateAccount(account);
  if (!created && created.error().code() == ErrorCode::kAlreadyExists) {
    // Same answer as a new account; the real owner hears about it instead.
    auto sent = deps_.mailer.Send(SignUpAttemptMail(
        *normalized, "If it was you, sign in or reset your password at " + options_.public_url));
    if (!sent) sr::log::Warn("notice mail not queued", {{"error", sent.error().ToString()}});
    Audit("account.signup_existing", existing ? existing->id : "", client, "failure",
          R"({"reason":"existing_account"})");
    account.password_hash.clear();
    co_return account;
  }
  if (!created) co_return std::unexpected(created.error());
  Audit("account.created", account.id, client, "success");
  if (deps_.on_created) {
    if (Status hooked = deps_.on_created(account.id); !hooked) {
      sr::log::Warn("account set-up step failed", {{"error", hooked.error().ToString()}});
    }
  }
  if (auto sent = SendLink(account, "email_verification", account.email,
                           options_.verification_ttl, client);
      !sent) {
    sr::log::Warn("verification mail not queued", {{"error", sent.error().ToString()}});
  }
  account.password_hash.clear();
  co_return account;
}

asio::awaitable<Result<SignedIn>> AccountService::SignIn(std::string email, std::string password,
                                                         Client client) {
  auto normalized = identity::NormalizeEmail(email);
  if (!normalized) co_return Fail(ErrorCode::kUnauthenticated, std::string(kBadCredentials));
  const std::string key = ThrottleKey(*normalized);
  const std::string ip = ThrottleIp(client.ip);
  if (auto decision = deps_.throttle.Check(key, ip); !decision.allowed) {
    if (std::int64_t attempts = ThrottledEventDue(ip); attempts > 0) {
      Audit("signin.throttled", "", client, "throttled",
            nlohmann::json{{"layer", decision.reason}, {"attempts", attempts}}.dump());
    }
    co_return std::unexpected(
        Error(ErrorCode::kResourceExhausted, "too many sign-in attempts; try again later")
            .WithRetryAfter(std::max(decision.retry_after, std::chrono::seconds(1))));
  }
  auto account = deps_.accounts.FindAccountByEmail(*normalized);
  if (!account && account.error().code() != ErrorCode::kNotFound) {
    co_return std::unexpected(account.error());
  }
  bool verified = false;
  if (account) {
    auto check = co_await deps_.hasher.Verify(account->password_hash, password);
    if (!check) co_return std::unexpected(check.error());
    verified = *check;
  } else {
    // An unknown e-mail costs the same time and meets the same queue limit.
    auto dummy = co_await deps_.hasher.VerifyAgainstDummy(password);
    if (!dummy) co_return std::unexpected(dummy.error());
  }
  if (!verified || account->deletion_requested_at) {
    const std::string id = account ? account->id : "";
    RecordPasswordFailure(key, ip, id, client);
    Audit("signin.failure", id, client, "failure",
          verified ? R"({"reason":"deletion_requested"})" : R"({"reason":"invalid_credentials"})");
    co_return Fail(ErrorCode::kUnauthenticated, std::string(kBadCredentials));
  }
  if (account->reset_required) {
    Audit("signin.failure", account->id, client, "failure", R"({"reason":"reset_required"})");
    co_return std::unexpected(
        Error(ErrorCode::kPermissionDenied,
              "too many failed sign-ins: reset the password to sign in again")
            .WithProblemType("password-reset-required"));
  }
  if (options_.require_verified_email && !account->email_verified_at) {
    Audit("signin.failure", account->id, client, "failure", R"({"reason":"email_unverified"})");
    co_return std::unexpected(
        Error(ErrorCode::kPermissionDenied, "confirm your e-mail address before signing in")
            .WithProblemType("email-not-verified"));
  }
  deps_.throttle.RecordSuccess(key, ip);

  if (deps_.hasher.NeedsRehash(account->password_hash)) {
    auto rehashed = co_await deps_.hasher.Hash(password);
    if (rehashed && deps_.accounts.UpdatePasswordHash(account->id, *rehashed,
                                                      account->password_changed_at)) {
      Audit("password.rehashed", account->id, client, "success");
    }
  }

  SignedIn out;
  out.token = identity::NewToken(identity::TokenType::kSession);
  store::Session& s = out.session;
  s.id = identity::NewId("ses");
  s.token_hash = identity::HashToken(out.token);
  s.account_id = account->id;
  s.created_at = s.last_seen_at = s.auth_at = Now();
  s.expires_at = s.created_at + options_.session_lifetime.count();
  s.aal = 1;
  s.ip = client.ip;
  s.user_agent = client.user_agent.substr(0, kMaxUserAgentBytes);
  if (auto created = deps_.sessions.CreateSession(s); !created) {
    co_return std::unexpected(created.error());
  }
  Audit("signin.success", account->id, client, "success",
        nlohmann::json{{"session_id", s.id}, {"aal", s.aal}}.dump());
  co_return out;
}

std::int64_t AccountService::ThrottledEventDue(std::string_view ip) {
  constexpr std::int64_t kWindowSeconds = 60;
  const std::int64_t now = Now();
  std::lock_guard lock(throttled_events_mutex_);
  if (throttled_events_.size() > 100000) throttled_events_.clear();  // bounded memory
  Coalesced& entry = throttled_events_[std::string(ip)];
  ++entry.folded;
  if (entry.last_written != 0 && now - entry.last_written < kWindowSeconds) return 0;
  const std::int64_t attempts = entry.folded;
  entry = Coalesced{now, 0};
  return attempts;
}

void AccountService::RecordPasswordFailure(std::string_view key, std::string_view ip,
                                           std::string_view account_id, const Client& client) {
  const bool locked = deps_.throttle.RecordFailure(key, ip);
  if (locked && !account_id.empty()) {
    if (auto set = deps_.accounts.SetResetRequired(account_id, true); !set) {
      sr::log::Error("lockout not recorded", {{"error", set.error().ToString()}});
    }
    Audit("account.locked", account_id, client, "success", R"({"reason":"too_many_failures"})");
  }
}

Result<Principal> AccountService::Authenticate(std::string_view token) {
  SR_TRY(identity::CheckToken(token, identity::TokenType::kSession));
  auto found = deps_.sessions.FindSessionWithAccount(identity::HashToken(token));
  if (!found) {
    if (found.error().code() == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kUnauthenticated, "the session is not valid");
    }
    return std::unexpected(found.error());
  }
  store::Session& session = found->session;
  const std::int64_t now = Now();
  if (now >= session.expires_at || now - session.last_seen_at >= options_.session_idle.count()) {
    (void)deps_.sessions.RevokeSession(session.account_id, session.id);
    return Fail(ErrorCode::kUnauthenticated, "the session has expired");
  }
  if (found->account.deletion_requested_at) {
    return Fail(ErrorCode::kUnauthenticated, "the session is not valid");
  }
  if (now - session.last_seen_at >= options_.touch_interval.count()) {
    SR_TRY(deps_.sessions.TouchSession(session.id, now));
    session.last_seen_at = now;
  }
  return Principal{std::move(found->session), std::move(found->account)};
}

Status AccountService::SignOut(const Principal& who, const Client& client) {
  SR_TRY(deps_.sessions.RevokeSession(who.account.id, who.session.id));
  Audit("signout", who.account.id, client, "success",
        nlohmann::json{{"session_id", who.session.id}}.dump());
  return Ok();
}

Result<std::vector<store::Session>> AccountService::ListSessions(const Principal& who) {
  SR_ASSIGN_OR_RETURN(auto sessions, deps_.sessions.ListSessions(who.account.id));
  const std::int64_t now = Now();
  std::erase_if(sessions, [&](const store::Session& s) {
    return now >= s.expires_at || now - s.last_seen_at >= options_.session_idle.count();
  });
  return sessions;
}

Status AccountService::RevokeSession(const Principal& who, std::string_view session_id,
                                     const Client& client) {
  SR_TRY(deps_.sessions.RevokeSession(who.account.id, session_id));
  Audit("session.revoked", who.account.id, client, "success",
        nlohmann::json{{"session_id", session_id}}.dump());
  return Ok();
}

Result<int> AccountService::RevokeOtherSessions(const Principal& who, const Client& client) {
  SR_ASSIGN_OR_RETURN(int revoked,
                      deps_.sessions.RevokeSessions(who.account.id, who.session.id));
  Audit("sessions.revoked_all", who.account.id, client, "success",
        nlohmann::json{{"revoked", revoked}}.dump());
  return revoked;
}

}  // namespace sr::accounts
