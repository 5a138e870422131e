#pragma once
// AccountServiceTest builds an AccountService on real components — a
// SqliteStore and SqliteAuditLog in a fresh temporary directory, the default
// PasswordPolicy, a PasswordHasher at the Argon2id floor, a SignInThrottle —
// all on one FakeClock. The only double is RecordingMailer, which keeps the
// messages instead of queueing them. Tests only.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>  // Boost 1.74's awaitable.hpp needs it first.
#include <vector>

#include "accounts/account_service.h"
#include "audit/sqlite_audit_log.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/testing/temp_dir.h"
#include "crypto/field_cipher.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "crypto/subkeys.h"
#include "identity/password_hasher.h"
#include "identity/password_policy.h"
#include "identity/throttle.h"
#include "mail/mailer.h"
#include "store/sqlite_store.h"

// SR_ASSERT_OK / SR_EXPECT_OK check a Status or Result and print its error.
#define SR_ASSERT_OK(expr)                            \
  do {                                                \
    const auto& sr_ok_ = (expr);                      \
    ASSERT_TRUE(sr_ok_) << sr_ok_.error().ToString(); \
  } while (0)
#define SR_EXPECT_OK(expr)                            \
  do {                                                \
    const auto& sr_ok_ = (expr);                      \
    EXPECT_TRUE(sr_ok_) << sr_ok_.error().ToString(); \
  } while (0)
// SR_EXPECT_ERROR checks that a Status or Result failed with `code`.
#define SR_EXPECT_ERROR(expr, expected_code)                                          \
  do {                                                                                \
    const auto& sr_err_ = (expr);                                                     \
    ASSERT_FALSE(sr_err_) << "expected " #expected_code;                              \
    EXPECT_EQ(sr_err_.error().code(), (expected_code)) << sr_err_.error().ToString(); \
  } while (0)

namespace sr::accounts::internal {

// RecordingMailer keeps every message it accepts. SetFailing makes Send fail
// like a full queue, for fault injection. Thread-safe.
class RecordingMailer final : public mail::Mailer {
 public:
  Status Send(const mail::MailMessage& message) override {
    std::lock_guard lock(mu_);
    if (failing_) return Fail(ErrorCode::kResourceExhausted, "mail queue is full");
    sent_.push_back(message);
    return Ok();
  }

  std::vector<mail::MailMessage> Sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::vector<mail::MailMessage> SentTo(std::string_view to) const {
    std::lock_guard lock(mu_);
    std::vector<mail::MailMessage> out;
    for (const auto& m : sent_) {
      if (m.to == to) out.push_back(m);
    }
    return out;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    sent_.clear();
  }
  void SetFailing(bool failing) {
    std::lock_guard lock(mu_);
    failing_ = failing;
  }

 private:
  mutable std::mutex mu_;
  std::vector<mail::MailMessage> sent_;
  bool failing_ = false;
};

// TokenIn returns the `token` query parameter of the link in `message`'s
// text body, or "" when it has none.
inline std::string TokenIn(const mail::MailMessage& message) {
  const std::string_view body = message.text_body;
  const auto at = body.find("token=");
  if (at == std::string_view::npos) return "";
  std::string token;
  for (char c : body.substr(at + 6)) {
    const bool base62 = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!base62 && c != '_') break;
    token += c;
  }
  return token;
}

// RunTask runs `task` to completion on a fresh io_context in this thread.
template <typename T>
T RunTask(boost::asio::awaitable<T> task) {
  boost::asio::io_context ioc;
  std::future<T> future = boost::asio::co_spawn(ioc, std::move(task), boost::asio::use_future);
  ioc.run();
  return future.get();
}

// The cheapest Argon2id parameters the hasher accepts (ASVS floor).
inline constexpr crypto::Argon2Params kFloorParams{.memory_kib = crypto::kMinArgon2MemoryKib,
                                                   .iterations = crypto::kMinArgon2Iterations};

class AccountServiceTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kStart = 1'700'000'000;
  static constexpr std::string_view kPublicUrl = "https://vault.example.com";
  static constexpr std::string_view kEmail = "alice@example.com";
  static constexpr std::string_view kPassword = "violet-Harbor-71-quartz-Drum";
  static constexpr std::string_view kNewPassword = "amber-Glacier-38-falcon-Reed";

  void SetUp() override {
    Result<crypto::KeyDeriver> deriver = crypto::KeyDeriver::Create(crypto::RandomKey());
    SR_ASSERT_OK(deriver);
    Result<crypto::FieldCipher> cipher = crypto::FieldCipher::Create(*deriver);
    SR_ASSERT_OK(cipher);
    Result<std::unique_ptr<store::SqliteStore>> store =
        store::OpenSqliteStore({.path = dir_.path() / "strongroom.db", .clock = clock_},
                               std::make_shared<const crypto::FieldCipher>(*std::move(cipher)));
    SR_ASSERT_OK(store);
    store_ = *std::move(store);
    audit_ = std::make_unique<audit::SqliteAuditLog>(*store_);

    Result<std::unique_ptr<identity::PasswordPolicy>> policy = identity::PasswordPolicy::Create({});
    SR_ASSERT_OK(policy);
    policy_ = *std::move(policy);

    Result<std::unique_ptr<identity::PasswordHasher>> hasher =
        identity::PasswordHasher::Create(kFloorParams, 2, 16);
    SR_ASSERT_OK(hasher);
    hasher_ = *std::move(hasher);

    UseThrottle({});
  }

  void TearDown() override {
    service_.reset();
    throttle_.reset();
    hasher_.reset();
    audit_.reset();
    store_.reset();
  }

  // UseThrottle replaces the throttle (and the service that uses it).
  void UseThrottle(identity::ThrottleOptions options) {
    service_.reset();
    throttle_ = std::make_unique<identity::SignInThrottle>(options, *clock_);
    service_ = NewService(*hasher_);
  }

  // NewService builds another service over the same store, audit log,
  // throttle, mailer and clock, with `hasher`.
  std::unique_ptr<AccountService> NewService(identity::PasswordHasher& hasher) {
    AccountOptions options;
    options.public_url = std::string(kPublicUrl);
    return std::make_unique<AccountService>(options, AccountDeps{.accounts = *store_,
                                                                 .sessions = *store_,
                                                                 .tokens = *store_,
                                                                 .audit = *audit_,
                                                                 .mailer = mailer_,
                                                                 .policy = *policy_,
                                                                 .hasher = hasher,
                                                                 .throttle = *throttle_,
                                                                 .clock = *clock_});
  }

  void Advance(std::chrono::seconds by) { clock_->Advance(by); }
  std::int64_t NowSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_->Now().time_since_epoch())
        .count();
  }

  // The flows, run to completion.
  Result<store::Account> SignUp(std::string_view email = kEmail,
                                std::string_view password = kPassword,
                                std::string_view name = "Alice") {
    return RunTask(
        service_->SignUp(std::string(email), std::string(password), std::string(name), client_));
  }
  Result<SignedIn> SignIn(std::string_view email = kEmail, std::string_view password = kPassword) {
    return RunTask(service_->SignIn(std::string(email), std::string(password), client_));
  }
  // SignInPrincipal signs in and authenticates the new token.
  Result<Principal> SignInPrincipal(std::string_view email = kEmail,
                                    std::string_view password = kPassword) {
    Result<SignedIn> in = SignIn(email, password);
    if (!in) return std::unexpected(in.error());
    return service_->Authenticate(in->token);
  }
  Status RequestReset(std::string_view email = kEmail) {
    return RunTask(service_->RequestPasswordReset(std::string(email), client_));
  }
  Status CompleteReset(std::string_view token, std::string_view password = kNewPassword) {
    return RunTask(
        service_->CompletePasswordReset(std::string(token), std::string(password), client_));
  }
  Status ChangePassword(const Principal& who, std::string_view current, std::string_view next) {
    return RunTask(service_->ChangePassword(who, std::string(current), std::string(next), client_));
  }
  Status ChangeEmail(const Principal& who, std::string_view new_email,
                     std::optional<std::string> password = std::nullopt) {
    return RunTask(
        service_->ChangeEmail(who, std::string(new_email), std::move(password), client_));
  }
  Status RequestDeletion(const Principal& who, std::optional<std::string> password = std::nullopt) {
    return RunTask(service_->RequestDeletion(who, std::move(password), client_));
  }

  // LastTokenTo returns the token of the newest message to `to` that has one.
  std::string LastTokenTo(std::string_view to) const {
    std::vector<mail::MailMessage> sent = mailer_.SentTo(to);
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      if (std::string token = TokenIn(*it); !token.empty()) return token;
    }
    return "";
  }

  // Events returns the account's security events, newest first.
  std::vector<audit::SecurityEvent> Events(std::string_view account_id) {
    Result<std::vector<audit::SecurityEvent>> events =
        audit_->ListForAccount(account_id, audit::kMaxEventsPerPage, std::nullopt);
    EXPECT_TRUE(events) << events.error().ToString();
    return events ? *std::move(events) : std::vector<audit::SecurityEvent>{};
  }
  int CountEvents(std::string_view account_id, std::string_view type, std::string_view outcome) {
    int n = 0;
    for (const auto& e : Events(account_id)) {
      if (e.type == type && e.outcome == outcome) ++n;
    }
    return n;
  }

  store::Account StoredAccount(std::string_view id) {
    Result<store::Account> account = store_->FindAccountById(id);
    EXPECT_TRUE(account) << account.error().ToString();
    return account ? *std::move(account) : store::Account{};
  }

  sr::testing::TempDir dir_;
  std::shared_ptr<FakeClock> clock_ =
      std::make_shared<FakeClock>(Clock::TimePoint(std::chrono::seconds(kStart)));
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<audit::SqliteAuditLog> audit_;
  std::unique_ptr<identity::PasswordPolicy> policy_;
  std::unique_ptr<identity::PasswordHasher> hasher_;
  std::unique_ptr<identity::SignInThrottle> throttle_;
  RecordingMailer mailer_;
  Client client_{.ip = "198.51.100.7", .user_agent = "TestAgent/1.0"};
  std::unique_ptr<AccountService> service_;
};

}  // namespace sr::accounts::internal
