#include "mail/create_mailer.h"

#include "mail/outbox_transport.h"
#include "mail/smtp_transport.h"

namespace sr::mail {

Result<std::unique_ptr<QueuedMailer>> CreateMailer(
    const MailOptions& options, std::shared_ptr<const crypto::FieldCipher> cipher,
    const Clock& clock) {
  std::unique_ptr<Transport> transport;
  if (options.transport == "outbox") {
    SR_ASSIGN_OR_RETURN(transport, OutboxTransport::Create(options.outbox_dir, clock));
  } else if (options.transport == "smtp") {
    SmtpOptions smtp;
    smtp.host = options.smtp_host;
    smtp.port = options.smtp_port;
    SR_ASSIGN_OR_RETURN(smtp.security, ParseSmtpSecurity(options.smtp_security));
    smtp.user = options.smtp_user;
    smtp.password_file = options.smtp_password_file;
    smtp.ca_file = options.smtp_ca_file;
    SR_ASSIGN_OR_RETURN(transport, SmtpTransport::Create(smtp));
  } else {
    return Fail(ErrorCode::kInvalidArgument, "mail transport must be \"outbox\" or \"smtp\"");
  }
  QueueOptions queue;
  queue.path = options.queue_path;
  queue.from = options.from;
  queue.max_attempts = options.max_attempts;
  queue.max_queued = options.max_queued;
  SR_ASSIGN_OR_RETURN(
      std::unique_ptr<QueuedMailer> mailer,
      QueuedMailer::Create(std::move(queue), std::move(transport), std::move(cipher), clock));
  if (options.start_worker) mailer->Start();
  return mailer;
}

}  // namespace sr::mail
