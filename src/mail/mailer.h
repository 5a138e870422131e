#pragma once
// Mailer accepts outgoing e-mail. Send() only enqueues: the message is
// stored (encrypted) in a persistent queue and delivered by a background
// worker with retry and back-off, so it survives a restart. Message text may
// carry single-use links: it is never logged. Thread-safe.

#include <string>

#include "common/error.h"

namespace sr::mail {

struct MailMessage {
  std::string to;  // one address
  std::string subject;
  std::string text_body;  // text/plain
  std::string html_body;  // text/html
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Send queues `message`. It fails with kInvalidArgument for a message that
  // cannot be rendered (a control character such as CR or LF in `to` or
  // `subject`, an unsupported address, text that is not UTF-8, a body over
  // 128 KiB; see mail/mime.h), kResourceExhausted when the queue is full, or
  // a storage error — never because delivery failed or is slow.
  virtual Status Send(const MailMessage& message) = 0;
};

}  // namespace sr::mail
