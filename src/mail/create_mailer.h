#pragma once
// CreateMailer builds the configured mailer: a QueuedMailer over the outbox
// or the SMTP transport, with its worker already running. The server wires
// it from the [mail] configuration table.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "crypto/field_cipher.h"
#include "mail/queue.h"

namespace sr::mail {

struct MailOptions {
  std::string transport = "outbox";  // "outbox" or "smtp"
  std::filesystem::path outbox_dir;  // required for "outbox"
  std::filesystem::path queue_path;  // required: the queue database file
  std::string from = "strongroom <no-reply@localhost>";
  std::string smtp_host;  // required for "smtp"
  std::uint16_t smtp_port = 587;
  std::string smtp_security = "starttls";    // "starttls", "tls" or "none" (no credentials)
  std::string smtp_user;                     // empty: no AUTH
  std::filesystem::path smtp_password_file;  // required with smtp_user; mode 0600
  std::filesystem::path smtp_ca_file;        // empty: the system trust store
  int max_attempts = 10;
  int max_queued = 10'000;
  // start_worker false leaves delivery to an explicit Start(), for commands
  // that build the server's components without serving.
  bool start_worker = true;
};

// CreateMailer validates `options`, creates the transport (the outbox
// directory, or the SMTP settings with the password read from its file),
// opens the queue and starts its worker (unless start_worker is false). `clock` must outlive the mailer;
// call Stop() (or destroy it) before the process exits. Errors are those of
// OutboxTransport::Create, SmtpTransport::Create and QueuedMailer::Create,
// plus kInvalidArgument for an unknown transport or security name.
Result<std::unique_ptr<QueuedMailer>> CreateMailer(
    const MailOptions& options, std::shared_ptr<const crypto::FieldCipher> cipher,
    const Clock& clock);

}  // namespace sr::mail
