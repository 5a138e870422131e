#pragma once
// SmtpTransport submits messages to an SMTP relay through libcurl, over
// implicit TLS (RFC 8314, usually port 465), STARTTLS (RFC 3207, usually
// port 587), or — only when configured explicitly, for a local test relay —
// no TLS at all. Certificates are always verified (peer and host name,
// TLS 1.2 or later); a private CA may be named. The password comes from a
// file that only its owner may read, never from the configuration itself.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/secret.h"
#include "mail/transport.h"

namespace sr::mail {

enum class SmtpSecurity {
  kStartTls,     // "starttls": plain connect, then STARTTLS, required
  kImplicitTls,  // "tls": TLS from the first byte (smtps://)
  kNone,         // "none": cleartext, no credentials allowed; for local test relays
};

// ParseSmtpSecurity maps "starttls", "tls" and "none" to SmtpSecurity;
// anything else is kInvalidArgument.
Result<SmtpSecurity> ParseSmtpSecurity(std::string_view name);

struct SmtpOptions {
  std::string host;  // DNS name, IPv4 address, or IPv6 address (brackets optional)
  std::uint16_t port = 587;
  SmtpSecurity security = SmtpSecurity::kStartTls;
  std::string user;                     // empty: no AUTH
  std::filesystem::path password_file;  // required with user; mode 0600 or stricter
  std::filesystem::path ca_file;        // empty: the system's trust store
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
};

class SmtpTransport final : public Transport {
 public:
  // Create checks `options` and reads the password file. kInvalidArgument for
  // a bad host, port, user, or a user (credentials) with security kNone;
  // kFailedPrecondition for a password file that others may read, that is
  // empty or too large, or a CA file that cannot be opened.
  static Result<std::unique_ptr<SmtpTransport>> Create(const SmtpOptions& options);

  // Deliver sends MAIL FROM, RCPT TO and DATA in one connection. Every
  // failure is kUnavailable with a message naming the relay and curl's
  // reason, never the password, an address or message text. Thread-safe
  // (one curl handle per call).
  Status Deliver(const RenderedMessage& message) override;

  void Abort() override { aborted_.store(true); }

 private:
  SmtpTransport(SmtpOptions options, SecretBytes password)
      : options_(std::move(options)), password_(std::move(password)) {}

  const SmtpOptions options_;
  std::string url_;
  const SecretBytes password_;  // NUL-terminated; empty when there is no user
  std::atomic<bool> aborted_{false};
};

}  // namespace sr::mail
