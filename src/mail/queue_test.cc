#include "mail/queue.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <sstream>

#include "common/log.h"
#include "common/testing/temp_dir.h"
#include "mail/create_mailer.h"
#include "mail/internal/test_util.h"
#include "store/sqlite.h"

namespace sr::mail {
namespace {

using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::FakeTransportState;
using testing::FileMode;
using testing::ReadFile;

constexpr std::string_view kFrom = "strongroom <no-reply@example.org>";

MailMessage Message(std::string to, std::string body = "Hello there.\n") {
  return MailMessage{.to = std::move(to),
                     .subject = "Verify your address",
                     .text_body = std::move(body),
                     .html_body = "<p>Hello</p>"};
}

// LogCapture sends sr::log lines to a string for the life of the object.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_pattern("{%v}");
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string Text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

class QueueTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<QueuedMailer>> Open(std::shared_ptr<FakeTransportState> state,
                                             int max_attempts = 10) {
    QueueOptions options;
    options.path = path_;
    options.from = std::string(kFrom);
    options.max_attempts = max_attempts;
    options.max_queued = max_queued_;
    return QueuedMailer::Create(options, std::make_unique<FakeTransport>(std::move(state)), cipher_,
                                clock_);
  }

  // Column reads a value straight from the queue file, as an operator would.
  std::string Column(std::string_view sql) {
    auto db = store::Database::Open(path_, SQLITE_OPEN_READONLY);
    EXPECT_TRUE(db);
    auto value = db->QueryText(sql);
    EXPECT_TRUE(value) << value.error().ToString();
    return value ? *value : "";
  }

  sr::testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "mail-queue.db";
  std::shared_ptr<const crypto::FieldCipher> cipher_ = testing::MakeCipher();
  FakeClock clock_{Clock::TimePoint{std::chrono::seconds(1751371200)}};
  int max_queued_ = 10'000;
};

TEST_F(QueueTest, DeliversDueMessagesInOrderAndRemovesThem) {
  auto state = std::make_shared<FakeTransportState>();
  auto mailer = Open(state);
  ASSERT_TRUE(mailer) << mailer.error().ToString();
  for (std::string to : {"a@example.com", "b@example.com", "c@example.com"}) {
    ASSERT_TRUE((*mailer)->Send(Message(to)));
  }
  EXPECT_EQ((*mailer)->PendingCount(), 3);
  EXPECT_EQ(state->Calls(), 0);  // Send only enqueues
  auto stats = (*mailer)->DeliverDue();
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(*stats, (DeliveryStats{.delivered = 3}));
  const auto delivered = state->Delivered();
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_EQ(delivered[0].envelope_to, "a@example.com");
  EXPECT_EQ(delivered[1].envelope_to, "b@example.com");
  EXPECT_EQ(delivered[2].envelope_to, "c@example.com");
  EXPECT_EQ(delivered[0].envelope_from, "no-reply@example.org");
  EXPECT_NE(delivered[0].data.find("Date: Tue, 01 Jul 2025 12:00:00 +0000\r\n"), std::string::npos);
  EXPECT_EQ((*mailer)->PendingCount(), 0);
  EXPECT_EQ(*(*mailer)->DeliverDue(), DeliveryStats{});
}

TEST_F(QueueTest, MessagesSurviveARestart) {
  std::string message_id;
  {
    auto failing = std::make_shared<FakeTransportState>();
    failing->fail = true;
    auto mailer = Open(failing);
    ASSERT_TRUE(mailer);
    ASSERT_TRUE((*mailer)->Send(Message("alice@example.com")));
    EXPECT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.retried = 1}));
  }  // the process "exits" with the message still queued
  EXPECT_EQ(Column("SELECT attempts FROM mail_queue"), "1");
  EXPECT_EQ(Column("SELECT last_error FROM mail_queue"), "fake relay refused (421)");

  auto working = std::make_shared<FakeTransportState>();
  auto mailer = Open(working);
  ASSERT_TRUE(mailer);
  EXPECT_EQ((*mailer)->PendingCount(), 1);
  EXPECT_EQ(*(*mailer)->DeliverDue(), DeliveryStats{});  // not due yet
  clock_.Advance(30s);
  EXPECT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.delivered = 1}));
  ASSERT_EQ(working->Delivered().size(), 1u);
  EXPECT_EQ(working->Delivered()[0].envelope_to, "alice@example.com");
  EXPECT_EQ((*mailer)->PendingCount(), 0);
}

TEST_F(QueueTest, TheWorkerDeliversWhatAnEarlierRunLeft) {
  {
    auto failing = std::make_shared<FakeTransportState>();
    failing->fail = true;
    auto mailer = Open(failing);
    ASSERT_TRUE(mailer);
    ASSERT_TRUE((*mailer)->Send(Message("alice@example.com")));
  }
  auto working = std::make_shared<FakeTransportState>();
  auto mailer = Open(working);
  ASSERT_TRUE(mailer);
  (*mailer)->Start();
  EXPECT_TRUE(testing::WaitFor([&] { return working->Delivered().size() == 1; }));
  // A message sent while the worker runs is delivered without a call to DeliverDue.
  ASSERT_TRUE((*mailer)->Send(Message("bob@example.com")));
  EXPECT_TRUE(testing::WaitFor([&] { return working->Delivered().size() == 2; }));
  (*mailer)->Stop();
  EXPECT_EQ((*mailer)->PendingCount(), 0);
}

TEST_F(QueueTest, BacksOffExponentiallyWithJitter) {
  auto state = std::make_shared<FakeTransportState>();
  state->fail = true;
  auto mailer = Open(state, /*max_attempts=*/20);
  ASSERT_TRUE(mailer);
  ASSERT_TRUE((*mailer)->Send(Message("alice@example.com")));
  ASSERT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.retried = 1}));
  const auto created = clock_.Now();
  std::chrono::seconds expected = 30s;
  for (int failures = 1; failures <= 9; ++failures) {
    const auto failed_at = clock_.Now();
    // Never due before three quarters of the nominal delay...
    clock_.Advance(expected * 3 / 4 - 1s);
    ASSERT_EQ(*(*mailer)->DeliverDue(), DeliveryStats{}) << failures;
    EXPECT_EQ(state->Calls(), failures);
    // ...and always due once the nominal delay has passed.
    clock_.Advance(failed_at + expected - clock_.Now());
    ASSERT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.retried = 1})) << failures;
    EXPECT_EQ(state->Calls(), failures + 1);
    expected = std::min<std::chrono::seconds>(expected * 2, 3600s);
  }
  EXPECT_EQ(Column("SELECT attempts FROM mail_queue"), "10");
  EXPECT_EQ(Column("SELECT created_at FROM mail_queue"),
            std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(created.time_since_epoch())
                    .count()));
}

TEST_F(QueueTest, GivesUpAfterMaxAttempts) {
  LogCapture logs;
  auto state = std::make_shared<FakeTransportState>();
  state->fail = true;
  auto mailer = Open(state, /*max_attempts=*/3);
  ASSERT_TRUE(mailer);
  ASSERT_TRUE((*mailer)->Send(Message("alice@example.com")));
  EXPECT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.retried = 1}));
  clock_.Advance(1h);
  EXPECT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.retried = 1}));
  clock_.Advance(1h);
  EXPECT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.dropped = 1}));
  EXPECT_EQ(state->Calls(), 3);
  EXPECT_EQ((*mailer)->PendingCount(), 0);
  clock_.Advance(10h);
  EXPECT_EQ(*(*mailer)->DeliverDue(), DeliveryStats{});
  EXPECT_NE(logs.Text().find("mail dropped after the last attempt"), std::string::npos);
}

TEST_F(QueueTest, PayloadIsEncryptedAndTheFileIsPrivate) {
  auto state = std::make_shared<FakeTransportState>();
  state->fail = true;
  auto mailer = Open(state);
  ASSERT_TRUE(mailer);
  MailMessage message = Message("victim-address@example.com", "BODY-MARKER-7f3a9c reset link\n");
  message.subject = "SUBJECT-MARKER-51b2";
  ASSERT_TRUE((*mailer)->Send(message));
  ASSERT_TRUE((*mailer)->DeliverDue());  // fails: the row stays, with last_error
  std::string raw;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const auto file = path_.string() + suffix;
    if (!std::filesystem::exists(file)) continue;
    EXPECT_EQ(FileMode(file), 0600u) << file;
    raw += ReadFile(file);
  }
  ASSERT_FALSE(raw.empty());
  EXPECT_NE(raw.find("fake relay refused"), std::string::npos);  // the file is readable...
  for (std::string_view secret : {"BODY-MARKER-7f3a9c", "SUBJECT-MARKER-51b2", "victim-address",
                                  "no-reply@example.org", "Hello"}) {
    EXPECT_EQ(raw.find(secret), std::string::npos) << secret;  // ...but holds no plaintext
  }
}

TEST_F(QueueTest, CiphertextIsBoundToItsRow) {
  auto state = std::make_shared<FakeTransportState>();
  auto mailer = Open(state);
  ASSERT_TRUE(mailer);
  ASSERT_TRUE((*mailer)->Send(Message("a@example.com")));
  ASSERT_TRUE((*mailer)->Send(Message("b@example.com")));
  {
    auto db = store::Database::Open(path_, SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db);
    std::vector<std::vector<std::uint8_t>> blobs;
    auto select = db->Prepare("SELECT payload_ct FROM mail_queue ORDER BY id");
    ASSERT_TRUE(select);
    while (*select->Step() == store::StepResult::kRow) blobs.push_back(select->ColumnBlob(0));
    ASSERT_EQ(blobs.size(), 2u);
    for (int id : {1, 2}) {  // row 1 gets row 2's ciphertext and vice versa
      auto update = db->Prepare("UPDATE mail_queue SET payload_ct = ?1 WHERE id = ?2");
      ASSERT_TRUE(update);
      ASSERT_TRUE(update->BindBlob(1, blobs[static_cast<std::size_t>(2 - id)]));
      ASSERT_TRUE(update->BindInt64(2, id));
      ASSERT_TRUE(update->Step());
    }
  }
  EXPECT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.retried = 2}));
  EXPECT_EQ(state->Calls(), 0);
  EXPECT_EQ(Column("SELECT last_error FROM mail_queue LIMIT 1"),
            "payload cannot be decrypted (data_loss)");
}

TEST_F(QueueTest, AnotherKeyCannotReadTheQueue) {
  {
    auto mailer = Open(std::make_shared<FakeTransportState>());
    ASSERT_TRUE(mailer);
    ASSERT_TRUE((*mailer)->Send(Message("a@example.com")));
  }
  cipher_ = testing::MakeCipher();  // e.g. the root key was replaced
  auto state = std::make_shared<FakeTransportState>();
  auto mailer = Open(state, 1);
  ASSERT_TRUE(mailer);
  EXPECT_EQ(*(*mailer)->DeliverDue(), (DeliveryStats{.dropped = 1}));
  EXPECT_EQ(state->Calls(), 0);
}

TEST_F(QueueTest, SendReturnsRenderingErrorsAndQueuesNothing) {
  auto mailer = Open(std::make_shared<FakeTransportState>());
  ASSERT_TRUE(mailer);
  auto r = (*mailer)->Send(Message("a@example.com\r\nBcc: x@example.com"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ((*mailer)->PendingCount(), 0);
}

TEST_F(QueueTest, AFullQueueRefusesMore) {
  max_queued_ = 2;
  auto mailer = Open(std::make_shared<FakeTransportState>());
  ASSERT_TRUE(mailer);
  ASSERT_TRUE((*mailer)->Send(Message("a@example.com")));
  ASSERT_TRUE((*mailer)->Send(Message("b@example.com")));
  auto r = (*mailer)->Send(Message("c@example.com"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  ASSERT_TRUE((*mailer)->DeliverDue());
  EXPECT_TRUE((*mailer)->Send(Message("c@example.com")));
}

TEST_F(QueueTest, StopAbortsAnInFlightDeliveryWithoutCountingIt) {
  auto state = std::make_shared<FakeTransportState>();
  state->block = true;
  auto mailer = Open(state);
  ASSERT_TRUE(mailer);
  (*mailer)->Start();
  ASSERT_TRUE((*mailer)->Send(Message("a@example.com")));
  ASSERT_TRUE(testing::WaitFor([&] {
    std::lock_guard lock(state->mu);
    return state->in_deliver;
  }));
  const auto started = std::chrono::steady_clock::now();
  (*mailer)->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ((*mailer)->PendingCount(), 1);
  EXPECT_EQ(Column("SELECT attempts FROM mail_queue"), "0");
  EXPECT_EQ(*(*mailer)->DeliverDue(), DeliveryStats{});  // stopped for good
}

TEST_F(QueueTest, LogsCarryIdsButNoAddressesSubjectsOrBodies) {
  LogCapture logs;
  auto state = std::make_shared<FakeTransportState>();
  state->fail = true;
  auto mailer = Open(state, 2);
  ASSERT_TRUE(mailer);
  MailMessage message = Message("private-person@example.com", "https://x/reset?token=srr_SECRET\n");
  message.subject = "Private subject line";
  ASSERT_TRUE((*mailer)->Send(message));
  ASSERT_TRUE((*mailer)->DeliverDue());
  clock_.Advance(1h);
  ASSERT_TRUE((*mailer)->DeliverDue());
  const std::string text = logs.Text();
  EXPECT_NE(text.find("mail queued"), std::string::npos) << text;
  EXPECT_NE(text.find("mail delivery failed"), std::string::npos) << text;
  EXPECT_NE(text.find("\"message_id\":\"<"), std::string::npos) << text;
  for (std::string_view secret : {"private-person", "Private subject", "srr_SECRET", "reset?"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

TEST_F(QueueTest, RefusesBadOptionsAndNewerFormats) {
  auto state = std::make_shared<FakeTransportState>();
  QueueOptions options{.path = path_, .from = "not an address"};
  EXPECT_EQ(QueuedMailer::Create(options, std::make_unique<FakeTransport>(state), cipher_, clock_)
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
  options.from = std::string(kFrom);
  options.max_attempts = 0;
  EXPECT_FALSE(
      QueuedMailer::Create(options, std::make_unique<FakeTransport>(state), cipher_, clock_));
  options.max_attempts = 10;
  EXPECT_FALSE(QueuedMailer::Create(options, nullptr, cipher_, clock_));
  EXPECT_FALSE(
      QueuedMailer::Create(options, std::make_unique<FakeTransport>(state), nullptr, clock_));

  ASSERT_TRUE(Open(state));
  {
    auto db = store::Database::Open(path_, SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 2"));
  }
  auto r = Open(state);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
}

// --- CreateMailer ---

TEST_F(QueueTest, CreateMailerWithTheOutboxDeliversToFiles) {
  MailOptions options;
  options.outbox_dir = dir_.path() / "outbox";
  options.queue_path = path_;
  SystemClock clock;
  auto mailer = CreateMailer(options, cipher_, clock);
  ASSERT_TRUE(mailer) << mailer.error().ToString();
  ASSERT_TRUE((*mailer)->Send(Message("alice@example.com")));
  auto eml_count = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(options.outbox_dir)) {
      n += e.path().extension() == ".eml" ? 1 : 0;
    }
    return n;
  };
  EXPECT_TRUE(testing::WaitFor([&] { return eml_count() == 1; }));
  (*mailer)->Stop();
  EXPECT_EQ(FileMode(options.outbox_dir), 0700u);
  EXPECT_EQ(FileMode(path_), 0600u);
}

TEST_F(QueueTest, CreateMailerRefusesBadSettings) {
  SystemClock clock;
  MailOptions base;
  base.outbox_dir = dir_.path() / "outbox";
  base.queue_path = path_;
  auto expect_invalid = [&](const MailOptions& options, std::string_view what) {
    auto r = CreateMailer(options, cipher_, clock);
    ASSERT_FALSE(r) << what;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument)
        << what << ": " << r.error().ToString();
  };
  MailOptions o = base;
  o.transport = "sendmail";
  expect_invalid(o, "transport");
  o = base;
  o.from = "x <a@b>\r\nBcc: c@d";
  expect_invalid(o, "from");
  o = base;
  o.queue_path.clear();
  expect_invalid(o, "queue_path");
  o = base;
  o.transport = "smtp";
  expect_invalid(o, "no smtp_host");
  o.smtp_host = "smtp.example.org";
  o.smtp_security = "ssl";
  expect_invalid(o, "security");
  o.smtp_security = "none";
  o.smtp_user = "mailer";
  o.smtp_password_file = dir_.path() / "pw";
  expect_invalid(o, "credentials in cleartext");
}

}  // namespace
}  // namespace sr::mail
