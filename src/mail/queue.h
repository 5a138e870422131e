#pragma once
// QueuedMailer is the Mailer of strongroom: Send renders the message,
// encrypts it and stores it in a small SQLite queue of its own (format in
// docs/formats/mail-queue.md); a worker thread hands due messages to a
// Transport, deletes them on success, and retries failures with exponential
// back-off. Messages survive a restart. Logs carry message ids, counts and
// transport errors only — never addresses, subjects or bodies.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "crypto/field_cipher.h"
#include "mail/mailer.h"
#include "mail/transport.h"
#include "store/connection_pool.h"

namespace sr::mail {

struct QueueOptions {
  std::filesystem::path path;  // the queue database, e.g. <data>/mail-queue.db
  std::string from;            // the From mailbox of every message
  int max_attempts = 10;       // failed attempts after which a message is dropped
  int max_queued = 10'000;     // Send fails with kResourceExhausted beyond this
  std::chrono::milliseconds base_backoff{30'000};  // wait after the first failure
  std::chrono::milliseconds max_backoff{3'600'000};
};

// DeliveryStats counts what one DeliverDue call did.
struct DeliveryStats {
  int delivered = 0;  // accepted by the transport and removed
  int retried = 0;    // failed and scheduled again
  int dropped = 0;    // failed for the max_attempts-th time and removed
  bool operator==(const DeliveryStats&) const = default;
};

class QueuedMailer final : public Mailer {
 public:
  // Create opens (creating with mode 0600 if needed) the queue database at
  // options.path and returns a mailer whose worker is not yet running; see
  // Start. `clock` must outlive the mailer. kInvalidArgument for bad options
  // (including an unparsable `from`); kFailedPrecondition for a database
  // written by a newer format version; SQLite errors as store maps them.
  static Result<std::unique_ptr<QueuedMailer>> Create(
      QueueOptions options, std::unique_ptr<Transport> transport,
      std::shared_ptr<const crypto::FieldCipher> cipher, const Clock& clock);

  // The destructor stops the worker (see Stop).
  ~QueuedMailer() override;
  QueuedMailer(const QueuedMailer&) = delete;
  QueuedMailer& operator=(const QueuedMailer&) = delete;

  // Send renders `message` (RenderMessage's errors are returned as they
  // are), stores it encrypted, due now, and wakes the worker. It does not
  // wait for delivery. kResourceExhausted if max_queued messages are waiting.
  // Thread-safe.
  Status Send(const MailMessage& message) override;

  // Start launches the worker thread, which first delivers whatever an
  // earlier run left due, then sleeps until the next message is due or Send
  // wakes it. No effect if already started or stopped.
  void Start();

  // Stop aborts an in-flight delivery (it is neither counted as an attempt
  // nor removed, so it is retried on the next run), wakes the worker and
  // joins it; it returns within about a second however slow the transport
  // is. Final: the worker cannot be started again. Send still enqueues.
  void Stop();

  // DeliverDue delivers, in id order, every message due at the clock's
  // current time, one at a time, and returns what it did. Tests call it
  // instead of Start to drive the queue synchronously. Thread-safe (calls
  // are serialised). Does nothing after Stop. Fails only on a database error,
  // which may leave a delivered message queued: delivery is at least once.
  Result<DeliveryStats> DeliverDue();

  // PendingCount returns how many messages wait in the queue.
  Result<std::int64_t> PendingCount();

 private:
  QueuedMailer(QueueOptions options, std::unique_ptr<Transport> transport,
               std::shared_ptr<const crypto::FieldCipher> cipher, const Clock& clock);

  std::int64_t NowMillis() const;
  bool Stopping();
  // Attempt delivers one row and records the outcome in `stats`.
  Status Attempt(std::int64_t id, const std::string& uid, const std::vector<std::uint8_t>& ct,
                 std::int64_t attempts, DeliveryStats& stats);
  Result<std::int64_t> NextDueMillis();
  void Run();
  void RunLoop();

  const QueueOptions options_;
  const std::unique_ptr<Transport> transport_;
  const std::shared_ptr<const crypto::FieldCipher> cipher_;
  const Clock& clock_;
  store::ConnectionPool pool_;

  std::mutex deliver_mu_;       // serialises DeliverDue
  std::mt19937_64 jitter_rng_;  // guarded by deliver_mu_

  std::mutex mu_;
  std::condition_variable wake_cv_;
  bool wake_ = false;      // guarded by mu_: Send happened since the worker looked
  bool started_ = false;   // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::mutex join_mu_;     // serialises joining worker_
  std::thread worker_;
};

}  // namespace sr::mail
