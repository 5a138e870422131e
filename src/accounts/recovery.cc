// AccountService flows that change credentials or contact details: password
// change and reset, e-mail verification and change, deletion requests.

#include <nlohmann/json.hpp>

#include "accounts/account_service.h"
#include "accounts/mail_templates.h"
#include "common/hex.h"
#include "common/log.h"
#include "identity/email.h"
#include "identity/token.h"

namespace sr::accounts {

namespace asio = boost::asio;

namespace {

Error InvalidLink() {
  return Error(ErrorCode::kInvalidArgument, "the link is invalid, used or expired")
      .WithProblemType("invalid-token");
}

void QueueNotice(mail::Mailer& mailer, const mail::MailMessage& message) {
  if (auto sent = mailer.Send(message); !sent) {
    sr::log::Warn("notice mail not queued", {{"error", sent.error().ToString()}});
  }
}

}  // namespace

asio::awaitable<Status> AccountService::CheckCurrentPassword(const Principal& who,
                                                             std::string_view password,
                                                             const Client& client,
                                                             std::string_view event_type) {
  const std::string key = ThrottleKey(who.account.email);
  const std::string ip = ThrottleIp(client.ip);
  if (auto decision = deps_.throttle.Check(key, ip); !decision.allowed) {
    if (std::int64_t attempts = ThrottledEventDue(ip); attempts > 0) {
      Audit(event_type, who.account.id, client, "throttled",
            nlohmann::json{{"layer", decision.reason}, {"attempts", attempts}}.dump());
    }
    co_return std::unexpected(
        Error(ErrorCode::kResourceExhausted, "too many attempts; try again later")
            .WithRetryAfter(std::max(decision.retry_after, std::chrono::seconds(1))));
  }
  auto account = deps_.accounts.FindAccountById(who.account.id);
  if (!account) co_return std::unexpected(account.error());
  auto ok = co_await deps_.hasher.Verify(account->password_hash, std::string(password));
  if (!ok) co_return std::unexpected(ok.error());
  if (!*ok) {
    RecordPasswordFailure(key, ip, account->id, client);
    Audit(event_type, account->id, client, "failure", R"({"reason":"invalid_credentials"})");
    co_return std::unexpected(
        Error(ErrorCode::kPermissionDenied, "the current password is incorrect")
            .WithProblemType("wrong-password"));
  }
  co_return Ok();
}

asio::awaitable<Status> AccountService::RequireRecentAuth(
    const Principal& who, const std::optional<std::string>& password, const Client& client,
    std::string_view event_type) {
  if (Now() - who.session.auth_at <= options_.recent_auth.count()) co_return Ok();
  if (!password) {
    Audit(event_type, who.account.id, client, "failure",
          R"({"reason":"reauthentication_required"})");
    co_return std::unexpected(
        Error(ErrorCode::kPermissionDenied,
              "this action needs a recent sign-in or the current password")
            .WithProblemType("reauthentication-required"));
  }
  SR_CO_TRY(co_await CheckCurrentPassword(who, *password, client, event_type));
  SR_CO_TRY(deps_.sessions.SetSessionAuth(who.session.id, Now(), who.session.aal));
  co_return Ok();
}

bool AccountService::ResetRateAllows(std::string_view account_id) {
  constexpr std::size_t kMaxPerHour = 5;
  const std::int64_t now = Now();
  std::lock_guard lock(reset_rate_mutex_);
  if (reset_requests_.size() > 100000) reset_requests_.clear();  // bounded memory
  auto& times = reset_requests_[std::string(account_id)];
  std::erase_if(times, [now](std::int64_t t) { return now - t >= 3600; });
  if (times.size() >= kMaxPerHour) return false;
  times.push_back(now);
  return true;
}

asio::awaitable<Status> AccountService::ChangePassword(const Principal& who, std::string current,
                                                       std::string next, Client client) {
  SR_CO_TRY(co_await CheckCurrentPassword(who, current, client, "password.changed"));
  auto account = deps_.accounts.FindAccountById(who.account.id);
  if (!account) co_return std::unexpected(account.error());
  SR_CO_TRY(deps_.policy.Check(next, identity::EmailLocalPart(account->email)));
  auto hash = co_await deps_.hasher.Hash(std::move(next));
  if (!hash) co_return std::unexpected(hash.error());
  const std::int64_t now = Now();
  SR_CO_TRY(deps_.accounts.UpdatePasswordHash(account->id, *hash, now));
  SR_CO_TRY(deps_.sessions.RevokeSessions(account->id, who.session.id));
  SR_CO_TRY(deps_.tokens.InvalidateTokens(account->id, "password_reset"));
  SR_CO_TRY(deps_.sessions.SetSessionAuth(who.session.id, now, who.session.aal));
  QueueNotice(deps_.mailer, PasswordChangedMail(account->email));
  Audit("password.changed", account->id, client, "success");
  co_return Ok();
}

asio::awaitable<Status> AccountService::RequestPasswordReset(std::string email, Client client) {
  auto normalized = identity::NormalizeEmail(email);
  if (!normalized) co_return Ok();  // same answer for anything
  auto account = deps_.accounts.FindAccountByEmail(*normalized);
  if (!account) {
    if (account.error().code() != ErrorCode::kNotFound) co_return std::unexpected(account.error());
    Audit("password_reset.requested", "", client, "failure", R"({"reason":"unknown_account"})");
    co_return Ok();
  }
  if (!ResetRateAllows(account->id)) {
    Audit("password_reset.requested", account->id, client, "throttled",
          R"({"reason":"rate_limited"})");
    co_return Ok();
  }
  if (auto sent = SendLink(*account, "password_reset", account->email, options_.reset_ttl, client);
      !sent) {
    // The caller's answer must not depend on whether the address is known.
    sr::log::Warn("password reset link not sent", {{"error", sent.error().ToString()}});
  }
  co_return Ok();
}

asio::awaitable<Status> AccountService::CompletePasswordReset(std::string token,
                                                              std::string password,
                                                              Client client) {
  if (!identity::CheckToken(token, identity::TokenType::kPasswordReset)) {
    co_return std::unexpected(InvalidLink());
  }
  const auto token_hash = identity::HashToken(token);
  // The whole policy is checked before the link is spent.
  auto pending = deps_.tokens.FindToken(token_hash, "password_reset", Now());
  if (!pending) {
    if (pending.error().code() == ErrorCode::kNotFound) co_return std::unexpected(InvalidLink());
    co_return std::unexpected(pending.error());
  }
  auto account = deps_.accounts.FindAccountById(pending->account_id);
  if (!account) co_return std::unexpected(account.error());
  SR_CO_TRY(deps_.policy.Check(password, identity::EmailLocalPart(account->email)));
  auto record = deps_.tokens.ConsumeToken(token_hash, "password_reset", Now());
  if (!record) {
    if (record.error().code() == ErrorCode::kNotFound) co_return std::unexpected(InvalidLink());
    co_return std::unexpected(record.error());
  }
  auto hash = co_await deps_.hasher.Hash(std::move(password));
  if (!hash) co_return std::unexpected(hash.error());
  SR_CO_TRY(deps_.accounts.UpdatePasswordHash(account->id, *hash, Now()));
  SR_CO_TRY(deps_.accounts.SetResetRequired(account->id, false));
  deps_.throttle.ResetAccount(ThrottleKey(account->email));
  SR_CO_TRY(deps_.sessions.RevokeSessions(account->id, std::nullopt));
  SR_CO_TRY(deps_.tokens.InvalidateTokens(account->id, "password_reset"));
  // Receiving the link proves control of the address.
  if (!account->email_verified_at && record->email == account->email) {
    SR_CO_TRY(deps_.accounts.SetEmailVerified(account->id, Now()));
  }
  QueueNotice(deps_.mailer, PasswordChangedMail(account->email));
  Audit("password_reset.completed", account->id, client, "success");
  co_return Ok();
}

Status AccountService::CompleteEmailVerification(std::string_view token, const Client& client) {
  if (!identity::CheckToken(token, identity::TokenType::kEmailVerification)) {
    return std::unexpected(InvalidLink());
  }
  const auto hash = identity::HashToken(token);
  auto record = deps_.tokens.ConsumeToken(hash, "email_verification", Now());
  if (!record && record.error().code() == ErrorCode::kNotFound) {
    record = deps_.tokens.ConsumeToken(hash, "email_change", Now());
  }
  if (!record) {
    if (record.error().code() == ErrorCode::kNotFound) return std::unexpected(InvalidLink());
    return std::unexpected(record.error());
  }
  SR_ASSIGN_OR_RETURN(store::Account account, deps_.accounts.FindAccountById(record->account_id));
  if (record->purpose == "email_change") {
    if (auto changed = deps_.accounts.UpdateEmail(account.id, record->email); !changed) {
      if (changed.error().code() == ErrorCode::kAlreadyExists) {
        return Fail(ErrorCode::kAlreadyExists, "this address now belongs to another account");
      }
      return changed;
    }
    // Links sent to the old address no longer speak for the account.
    SR_TRY(deps_.tokens.InvalidateTokens(account.id, "password_reset"));
    Audit("email.changed", account.id, client, "success");
  } else if (record->email != account.email) {
    return std::unexpected(InvalidLink());  // the address changed since
  }
  SR_TRY(deps_.accounts.SetEmailVerified(account.id, Now()));
  Audit("email.verified", account.id, client, "success");
  return Ok();
}

Status AccountService::ResendVerification(const Principal& who, const Client& client) {
  if (who.account.email_verified_at) return Ok();
  return SendLink(who.account, "email_verification", who.account.email,
                  options_.verification_ttl, client);
}

asio::awaitable<Status> AccountService::ChangeEmail(const Principal& who, std::string new_email,
                                                    std::optional<std::string> current_password,
                                                    Client client) {
  SR_CO_TRY(co_await RequireRecentAuth(who, current_password, client,
                                       "email.change_requested"));
  auto normalized = identity::NormalizeEmail(new_email);
  if (!normalized) co_return std::unexpected(normalized.error());
  if (*normalized == who.account.email) co_return Ok();
  auto taken = deps_.accounts.FindAccountByEmail(*normalized);
  if (taken) {
    // Do not reveal that the address has an account; tell its owner.
    QueueNotice(deps_.mailer,
                SignUpAttemptMail(*normalized, "Someone tried to move another account to it."));
  } else {
    SR_CO_TRY(SendLink(who.account, "email_change", *normalized, options_.verification_ttl, client));
    QueueNotice(deps_.mailer, EmailChangeNoticeMail(who.account.email, *normalized));
  }
  Audit("email.change_requested", who.account.id, client, "success");
  co_return Ok();
}

asio::awaitable<Status> AccountService::RequestDeletion(
    const Principal& who, std::optional<std::string> current_password, Client client) {
  SR_CO_TRY(co_await RequireRecentAuth(who, current_password, client,
                                       "account.deletion_requested"));
  SR_CO_TRY(deps_.accounts.MarkDeletionRequested(who.account.id, Now()));
  SR_CO_TRY(deps_.sessions.RevokeSessions(who.account.id, std::nullopt));
  QueueNotice(deps_.mailer, DeletionRequestedMail(who.account.email));
  Audit("account.deletion_requested", who.account.id, client, "success");
  co_return Ok();
}

}  // namespace sr::accounts
