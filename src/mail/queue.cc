#include "mail/queue.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <exception>

#include "common/hex.h"
#include "common/log.h"
#include "crypto/random.h"
#include "mail/internal/backoff.h"
#include "mail/internal/file_util.h"
#include "mail/internal/payload.h"
#include "store/sqlite.h"

namespace sr::mail {
namespace {

using std::chrono::milliseconds;

constexpr int kFormatVersion = 1;  // PRAGMA user_version of the queue file
constexpr std::string_view kTable = "mail_queue";
constexpr std::string_view kColumn = "payload";
constexpr milliseconds kBusyTimeout{5'000};
constexpr milliseconds kMaxIdleWait{60'000};  // re-reads the clock at least this often
constexpr milliseconds kErrorWait{5'000};     // after a database error

constexpr std::string_view kSchema = R"sql(
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS mail_queue(
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  payload_ct BLOB NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_error TEXT);
CREATE INDEX IF NOT EXISTS mail_queue_due ON mail_queue(next_attempt_at);
PRAGMA user_version = 1;
COMMIT;
)sql";

Result<store::Database> OpenConnection(const std::filesystem::path& path) {
  // No SQLITE_OPEN_CREATE: PrepareDatabaseFile made the file with mode 0600.
  SR_ASSIGN_OR_RETURN(store::Database db, store::Database::Open(path, SQLITE_OPEN_READWRITE));
  SR_TRY(db.SetBusyTimeout(kBusyTimeout));
  SR_ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("mail queue {} cannot use WAL journal mode", path.string()));
  }
  // secure_delete zeroes the pages of delivered messages instead of leaving
  // their (encrypted) bytes in free pages.
  SR_TRY(db.Exec("PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"));
  return db;
}

Status Migrate(store::Database& db, const std::filesystem::path& path) {
  SR_ASSIGN_OR_RETURN(std::string version_text, db.QueryText("PRAGMA user_version"));
  const int version = std::atoi(version_text.c_str());
  if (version > kFormatVersion) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("mail queue {} has format version {}; this strongroom reads up to {}",
                            path.string(), version, kFormatVersion));
  }
  return db.Exec(kSchema);
}

std::unexpected<Error> Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

QueuedMailer::QueuedMailer(QueueOptions options, std::unique_ptr<Transport> transport,
                           std::shared_ptr<const crypto::FieldCipher> cipher, const Clock& clock)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      cipher_(std::move(cipher)),
      clock_(clock),
      pool_([path = options_.path] { return OpenConnection(path); }, 4, kBusyTimeout) {
  std::seed_seq seed{std::random_device{}(), std::random_device{}()};
  jitter_rng_.seed(seed);
}

Result<std::unique_ptr<QueuedMailer>> QueuedMailer::Create(
    QueueOptions options, std::unique_ptr<Transport> transport,
    std::shared_ptr<const crypto::FieldCipher> cipher, const Clock& clock) {
  if (options.path.empty()) return Invalid("mail queue path is not set");
  if (!transport || !cipher) return Invalid("mail queue needs a transport and a field cipher");
  if (options.max_attempts < 1) return Invalid("mail max_attempts must be at least 1");
  if (options.max_queued < 1) return Invalid("mail max_queued must be at least 1");
  if (options.base_backoff <= milliseconds::zero() || options.max_backoff < options.base_backoff) {
    return Invalid("mail back-off must be positive and its cap no smaller than its base");
  }
  SR_TRY(ParseMailbox(options.from));
  SR_TRY(internal::PrepareDatabaseFile(options.path));
  std::unique_ptr<QueuedMailer> mailer(
      new QueuedMailer(std::move(options), std::move(transport), std::move(cipher), clock));
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, mailer->pool_.Acquire());
  if (Status migrated = Migrate(*db, mailer->options_.path); !migrated) {
    return Fail(migrated.error().code(),
                fmt::format("mail queue {}: {}", mailer->options_.path.string(),
                            migrated.error().message()));
  }
  return mailer;
}

QueuedMailer::~QueuedMailer() { Stop(); }

std::int64_t QueuedMailer::NowMillis() const {
  return std::chrono::duration_cast<milliseconds>(clock_.Now().time_since_epoch()).count();
}

bool QueuedMailer::Stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

Status QueuedMailer::Send(const MailMessage& message) {
  SR_ASSIGN_OR_RETURN(RenderedMessage rendered,
                      RenderMessage(message, options_.from, clock_.Now()));
  const std::string uid = HexEncode(crypto::RandomBytes(16));
  SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> ct,
                      cipher_->Encrypt(kTable, kColumn, uid, internal::EncodePayload(rendered)));
  {
    SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, pool_.Acquire());
    SR_ASSIGN_OR_RETURN(std::string count, db->QueryText("SELECT COUNT(*) FROM mail_queue"));
    if (std::atoll(count.c_str()) >= options_.max_queued) {
      log::Warn("mail queue full", {{"max_queued", options_.max_queued}});
      return Fail(ErrorCode::kResourceExhausted, "the mail queue is full");
    }
    SR_ASSIGN_OR_RETURN(store::Statement insert,
                        db->Prepare("INSERT INTO mail_queue(uid, payload_ct, attempts, "
                                    "next_attempt_at, created_at) VALUES(?1, ?2, 0, ?3, ?3)"));
    SR_TRY(insert.BindText(1, uid));
    SR_TRY(insert.BindBlob(2, ct));
    SR_TRY(insert.BindInt64(3, NowMillis()));
    SR_TRY(insert.Step());
  }
  log::Info("mail queued", {{"message_id", rendered.message_id}});
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  wake_cv_.notify_all();
  return Ok();
}

Result<std::int64_t> QueuedMailer::PendingCount() {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(std::string count, db->QueryText("SELECT COUNT(*) FROM mail_queue"));
  return std::atoll(count.c_str());
}

Result<DeliveryStats> QueuedMailer::DeliverDue() {
  std::lock_guard deliver_lock(deliver_mu_);
  DeliveryStats stats;
  const std::int64_t now = NowMillis();
  std::int64_t cursor = 0;  // rows are visited once each, in id order
  while (!Stopping()) {
    std::int64_t id = 0;
    std::int64_t attempts = 0;
    std::string uid;
    std::vector<std::uint8_t> ct;
    {
      SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, pool_.Acquire());
      SR_ASSIGN_OR_RETURN(store::Statement select,
                          db->Prepare("SELECT id, uid, payload_ct, attempts FROM mail_queue "
                                      "WHERE id > ?1 AND next_attempt_at <= ?2 "
                                      "ORDER BY id LIMIT 1"));
      SR_TRY(select.BindInt64(1, cursor));
      SR_TRY(select.BindInt64(2, now));
      SR_ASSIGN_OR_RETURN(store::StepResult step, select.Step());
      if (step == store::StepResult::kDone) break;
      id = select.ColumnInt64(0);
      uid = select.ColumnText(1);
      ct = select.ColumnBlob(2);
      attempts = select.ColumnInt64(3);
    }  // the connection is not held while the transport works
    cursor = id;
    SR_TRY(Attempt(id, uid, ct, attempts, stats));
  }
  return stats;
}

Status QueuedMailer::Attempt(std::int64_t id, const std::string& uid,
                             const std::vector<std::uint8_t>& ct, std::int64_t attempts,
                             DeliveryStats& stats) {
  std::string message_id;
  Status delivered;
  if (Result<std::string> payload = cipher_->Decrypt(kTable, kColumn, uid, ct); !payload) {
    delivered = Fail(payload.error().code(), fmt::format("payload cannot be decrypted ({})",
                                                         ErrorCodeName(payload.error().code())));
  } else if (Result<RenderedMessage> message = internal::DecodePayload(*payload); !message) {
    delivered = std::unexpected(message.error());
  } else {
    message_id = message->message_id;
    delivered = transport_->Deliver(*message);
    // Shutdown aborted this attempt: leave the row as it was for the next run.
    if (!delivered && Stopping()) return Ok();
  }

  nlohmann::json fields = {{"queue_id", id}};
  if (!message_id.empty()) fields["message_id"] = message_id;
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, pool_.Acquire());
  const std::int64_t tries = attempts + 1;  // this attempt included
  if (delivered || tries >= options_.max_attempts) {
    SR_ASSIGN_OR_RETURN(store::Statement remove,
                        db->Prepare("DELETE FROM mail_queue WHERE id = ?1"));
    SR_TRY(remove.BindInt64(1, id));
    SR_TRY(remove.Step());
    fields["attempts"] = tries;
    if (delivered) {
      ++stats.delivered;
      log::Info("mail delivered", fields);
    } else {
      ++stats.dropped;
      fields["error"] = delivered.error().message();
      log::Warn("mail dropped after the last attempt", fields);
    }
    return Ok();
  }

  const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(jitter_rng_);
  const milliseconds delay = internal::RetryDelay(static_cast<int>(tries), options_.base_backoff,
                                                  options_.max_backoff, jitter);
  SR_ASSIGN_OR_RETURN(store::Statement update,
                      db->Prepare("UPDATE mail_queue SET attempts = ?2, next_attempt_at = ?3, "
                                  "last_error = ?4 WHERE id = ?1"));
  SR_TRY(update.BindInt64(1, id));
  SR_TRY(update.BindInt64(2, tries));
  SR_TRY(update.BindInt64(3, NowMillis() + delay.count()));
  SR_TRY(update.BindText(4, delivered.error().message()));
  SR_TRY(update.Step());
  ++stats.retried;
  fields["attempts"] = tries;
  fields["retry_in_s"] = delay.count() / 1000;
  fields["error"] = delivered.error().message();
  log::Warn("mail delivery failed", fields);
  return Ok();
}

Result<std::int64_t> QueuedMailer::NextDueMillis() {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(std::string next,
                      db->QueryText("SELECT IFNULL(MIN(next_attempt_at), -1) FROM mail_queue"));
  return std::atoll(next.c_str());
}

void QueuedMailer::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  worker_ = std::thread([this] { Run(); });
}

void QueuedMailer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  transport_->Abort();
  wake_cv_.notify_all();
  std::lock_guard join_lock(join_mu_);
  if (worker_.joinable()) worker_.join();
}

void QueuedMailer::Run() {
  // Exceptions stop at the thread's edge (nlohmann::json or std::bad_alloc).
  try {
    RunLoop();
  } catch (const std::exception& e) {
    log::Error("mail worker stopped by an exception", {{"what", e.what()}});
  }
}

void QueuedMailer::RunLoop() {
  if (Result<std::int64_t> pending = PendingCount(); pending) {
    log::Info("mail worker started", {{"pending", *pending}});
  }
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      wake_ = false;
    }
    milliseconds wait = kMaxIdleWait;
    if (Result<DeliveryStats> stats = DeliverDue(); !stats) {
      log::Warn("mail queue error", {{"error", stats.error().message()}});
      wait = kErrorWait;
    } else if (Result<std::int64_t> next = NextDueMillis(); !next) {
      log::Warn("mail queue error", {{"error", next.error().message()}});
      wait = kErrorWait;
    } else if (*next >= 0) {
      wait = std::clamp(milliseconds(*next - NowMillis()), milliseconds::zero(), kMaxIdleWait);
    }
    std::unique_lock lock(mu_);
    wake_cv_.wait_for(lock, wait, [this] { return stopping_ || wake_; });
  }
}

}  // namespace sr::mail
