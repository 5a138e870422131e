#include "audit/sqlite_audit_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/testing/temp_dir.h"
#include "crypto/field_cipher.h"
#include "crypto/random.h"
#include "crypto/subkeys.h"
#include "store/sqlite.h"

namespace sr::audit {
namespace {

constexpr std::int64_t kStart = 1'700'000'000;

std::shared_ptr<const crypto::FieldCipher> NewCipher() {
  auto deriver = crypto::KeyDeriver::Create(crypto::RandomKey());
  EXPECT_TRUE(deriver);
  auto cipher = crypto::FieldCipher::Create(*deriver);
  EXPECT_TRUE(cipher);
  return std::make_shared<const crypto::FieldCipher>(*std::move(cipher));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class SqliteAuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::SqliteStore>> store =
        store::OpenSqliteStore({.path = path_, .clock = clock_}, NewCipher());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = *std::move(store);
    log_ = std::make_unique<SqliteAuditLog>(*store_);
  }
  void TearDown() override {
    log_.reset();
    store_.reset();
  }

  store::Database Raw() {
    Result<store::Database> db = store::Database::Open(path_, SQLITE_OPEN_READWRITE);
    EXPECT_TRUE(db) << db.error().ToString();
    return *std::move(db);
  }

  static SecurityEvent Event(std::string type, std::string account_id, std::int64_t at) {
    SecurityEvent e;
    e.at = at;
    e.type = std::move(type);
    e.account_id = std::move(account_id);
    e.actor_id = e.account_id;
    e.ip = "192.0.2.44";
    e.user_agent = "AuditAgent/2.0";
    e.outcome = "success";
    e.detail = R"({"session_id":"ses_1"})";
    return e;
  }

  sr::testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "strongroom.db";
  std::shared_ptr<FakeClock> clock_ =
      std::make_shared<FakeClock>(Clock::TimePoint(std::chrono::seconds(kStart)));
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<SqliteAuditLog> log_;
};

TEST_F(SqliteAuditLogTest, AppendsAndReadsBack) {
  Result<std::int64_t> id = log_->Append(Event("signin.success", "acc_a", kStart + 1));
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_GT(*id, 0);
  Result<std::vector<SecurityEvent>> events = log_->ListForAccount("acc_a", 10, std::nullopt);
  ASSERT_TRUE(events) << events.error().ToString();
  ASSERT_EQ(events->size(), 1u);
  const SecurityEvent& e = (*events)[0];
  EXPECT_EQ(e.id, *id);
  EXPECT_EQ(e.at, kStart + 1);
  EXPECT_EQ(e.type, "signin.success");
  EXPECT_EQ(e.account_id, "acc_a");
  EXPECT_EQ(e.actor_id, "acc_a");
  EXPECT_EQ(e.ip, "192.0.2.44");
  EXPECT_EQ(e.user_agent, "AuditAgent/2.0");
  EXPECT_EQ(e.outcome, "success");
  EXPECT_EQ(e.detail, R"({"session_id":"ses_1"})");
}

TEST_F(SqliteAuditLogTest, DefaultsForOptionalFields) {
  SecurityEvent e;
  e.type = "signin.failure";
  e.outcome = "failure";
  e.account_id = "acc_a";
  ASSERT_TRUE(log_->Append(e));
  Result<std::vector<SecurityEvent>> events = log_->ListForAccount("acc_a", 10, std::nullopt);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].at, kStart);  // 0 means now, by the store's clock
  EXPECT_EQ((*events)[0].actor_id, "");
  EXPECT_EQ((*events)[0].ip, "");
  EXPECT_EQ((*events)[0].user_agent, "");
  EXPECT_EQ((*events)[0].detail, "{}");
  EXPECT_EQ(*Raw().QueryText("SELECT count(*) FROM security_events WHERE ip_ct IS NULL AND "
                             "user_agent_ct IS NULL AND actor_id IS NULL"),
            "1");
}

TEST_F(SqliteAuditLogTest, RejectsMalformedEvents) {
  SecurityEvent no_type = Event("", "acc_a", kStart);
  EXPECT_EQ(log_->Append(no_type).error().code(), ErrorCode::kInvalidArgument);
  SecurityEvent no_outcome = Event("signout", "acc_a", kStart);
  no_outcome.outcome.clear();
  EXPECT_EQ(log_->Append(no_outcome).error().code(), ErrorCode::kInvalidArgument);
  for (const char* detail : {"not json", "[1,2]", "\"text\"", "{\"a\":"}) {
    SecurityEvent bad = Event("signout", "acc_a", kStart);
    bad.detail = detail;
    EXPECT_EQ(log_->Append(bad).error().code(), ErrorCode::kInvalidArgument) << detail;
  }
  SecurityEvent huge = Event("signout", "acc_a", kStart);
  huge.detail = R"({"x":")" + std::string(kMaxEventDetailSize, 'x') + R"("})";
  EXPECT_EQ(log_->Append(huge).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(log_->ListForAccount("acc_a", 10, std::nullopt)->empty());
}

TEST_F(SqliteAuditLogTest, ListsNewestFirstWithLimitAndCursor) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    Result<std::int64_t> id = log_->Append(Event("signin.success", "acc_a", kStart + i));
    ASSERT_TRUE(id);
    ids.push_back(*id);
    ASSERT_TRUE(log_->Append(Event("signin.failure", "acc_b", kStart + i)));
  }
  Result<std::vector<SecurityEvent>> page = log_->ListForAccount("acc_a", 3, std::nullopt);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].id, ids[6]);
  EXPECT_EQ((*page)[1].id, ids[5]);
  EXPECT_EQ((*page)[2].id, ids[4]);

  page = log_->ListForAccount("acc_a", 3, (*page)[2].id);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].id, ids[3]);
  EXPECT_EQ((*page)[2].id, ids[1]);

  page = log_->ListForAccount("acc_a", 3, (*page)[2].id);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, ids[0]);
  EXPECT_TRUE(log_->ListForAccount("acc_a", 3, ids[0])->empty());

  Result<std::vector<SecurityEvent>> all = log_->ListForAccount("acc_a", 100, std::nullopt);
  ASSERT_TRUE(all);
  for (const SecurityEvent& e : *all) EXPECT_EQ(e.account_id, "acc_a");
  EXPECT_EQ(log_->ListForAccount("acc_a", 0, std::nullopt).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(log_->ListForAccount("acc_a", 1'000'000, std::nullopt)->size(), 7u);
  EXPECT_TRUE(log_->ListForAccount("acc_none", 10, std::nullopt)->empty());
}

TEST_F(SqliteAuditLogTest, TableIsAppendOnly) {
  ASSERT_TRUE(log_->Append(Event("signin.success", "acc_a", kStart)));
  store::Database db = Raw();
  for (const char* sql :
       {"UPDATE security_events SET outcome = 'failure'", "UPDATE security_events SET ip_ct = NULL",
        "DELETE FROM security_events", "DELETE FROM security_events WHERE account_id = 'acc_a'",
        "INSERT OR REPLACE INTO security_events(id, uid, at, type, outcome, "
        "detail) SELECT id, 'u', 0, 'x', 'x', '{}' FROM security_events",
        "INSERT OR REPLACE INTO security_events(uid, at, type, outcome, "
        "detail) SELECT uid, 0, 'x', 'x', '{}' FROM security_events",
        "REPLACE INTO security_events SELECT * FROM security_events",
        "INSERT INTO security_events SELECT * FROM security_events WHERE true "
        "ON CONFLICT DO UPDATE SET outcome = 'x'"}) {
    Status status = db.Exec(sql);
    ASSERT_FALSE(status) << sql;
    EXPECT_NE(status.error().message().find("security_events is append-only"), std::string::npos)
        << sql << ": " << status.error().message();
  }
  EXPECT_EQ(*db.QueryText("SELECT outcome FROM security_events"), "success");
}

TEST_F(SqliteAuditLogTest, IpAndUserAgentAreEncryptedAtRest) {
  SecurityEvent e = Event("signin.failure", "acc_marker", kStart);
  e.ip = "198.18.7.123";
  e.user_agent = "VeryPersonalAgent/3.1";
  ASSERT_TRUE(log_->Append(e));
  auto expect_clean = [&](std::string_view when) {
    std::string all;
    for (const char* suffix : {"", "-wal", "-shm"}) all += ReadFile(path_.string() + suffix);
    EXPECT_NE(all.find("acc_marker"), std::string::npos) << when;  // positive control
    EXPECT_EQ(all.find(e.ip), std::string::npos) << when;
    EXPECT_EQ(all.find(e.user_agent), std::string::npos) << when;
  };
  expect_clean("before checkpoint");
  ASSERT_TRUE(Raw().Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  expect_clean("after checkpoint");
}

TEST_F(SqliteAuditLogTest, CiphertextMovedToAnotherEventDoesNotOpen) {
  ASSERT_TRUE(log_->Append(Event("signin.success", "acc_a", kStart)));
  ASSERT_TRUE(log_->Append(Event("signin.success", "acc_b", kStart)));
  // Rebuild the table without its triggers, as an attacker with the file could.
  store::Database db = Raw();
  ASSERT_TRUE(db.Exec("DROP TRIGGER security_events_no_update"));
  ASSERT_TRUE(
      db.Exec("UPDATE security_events SET ip_ct = (SELECT ip_ct FROM security_events "
              "WHERE account_id = 'acc_a') WHERE account_id = 'acc_b'"));
  Result<std::vector<SecurityEvent>> events = log_->ListForAccount("acc_b", 10, std::nullopt);
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().code(), ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace sr::audit
