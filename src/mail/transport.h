#pragma once
// Transport moves a rendered message to its destination: an SMTP relay, or
// the outbox directory of the embedded default. The queue calls Deliver from
// its single worker thread; implementations must still be safe to call from
// any thread, and must keep secrets, addresses and message text out of every
// error message, because the queue logs and stores those messages as is.

#include "common/error.h"
#include "mail/mime.h"

namespace sr::mail {

class Transport {
 public:
  virtual ~Transport() = default;

  // Deliver hands `message` over. Success means the destination has taken
  // responsibility for it (an SMTP 250 to DATA, or a durable file). Failure is
  // kUnavailable (retry may help) with a message safe to log and store.
  virtual Status Deliver(const RenderedMessage& message) = 0;

  // Abort makes an in-flight Deliver give up promptly and every later one
  // fail; used at shutdown so that a slow relay cannot hold the process.
  // Thread-safe. The default does nothing (for transports that never block long).
  virtual void Abort() {}
};

}  // namespace sr::mail
