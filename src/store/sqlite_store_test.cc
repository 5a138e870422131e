#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "common/testing/temp_dir.h"
#include "store/internal/test_store.h"
#include "store/migrations.h"
#include "store/sqlite.h"

namespace sr::store {
namespace {

unsigned FileMode(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<SqliteStore>> Open() {
    return OpenSqliteStore({.path = path_, .pool_size = 4}, cipher_);
  }
  Database Raw() { return internal::OpenRaw(path_); }
  std::string Query(std::string_view sql) { return internal::QueryRaw(path_, sql); }

  sr::testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "strongroom.db";
  std::shared_ptr<const crypto::FieldCipher> cipher_ = internal::NewTestCipher();
};

TEST_F(SqliteStoreTest, FreshStoreIsMigratedAndPings) {
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_TRUE((*store)->Ping());
  EXPECT_EQ((*store)->SchemaVersion(), BuiltinMigrations().back().version);
}

TEST_F(SqliteStoreTest, UsesWalAndPragmas) {
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  Database raw = Raw();
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_TRUE(std::filesystem::exists(path_.string() + "-wal"));
}

TEST_F(SqliteStoreTest, FilesArePrivate) {
  const mode_t old_umask = ::umask(0);  // the widest umask must not matter
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ::umask(old_umask);
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_TRUE((*store)->Ping());
  EXPECT_EQ(FileMode(path_), 0600u);
  EXPECT_EQ(FileMode(path_.string() + "-wal"), 0600u);
  EXPECT_EQ(FileMode(path_.string() + "-shm"), 0600u);
}

TEST_F(SqliteStoreTest, TightensExistingWideFile) {
  dir_.Write("strongroom.db", "");
  ::chmod(path_.c_str(), 0644);
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_EQ(FileMode(path_), 0600u);
}

TEST_F(SqliteStoreTest, ReopeningAppliesNothingTwice) {
  ASSERT_TRUE(Open());
  std::string applied;
  {
    Database raw = Raw();
    applied = *raw.QueryText("SELECT group_concat(version || applied_at) FROM schema_migrations");
  }
  Result<std::unique_ptr<SqliteStore>> again = Open();
  ASSERT_TRUE(again) << again.error().ToString();
  Database raw = Raw();
  EXPECT_EQ(raw.QueryText("SELECT group_concat(version || applied_at) FROM schema_migrations"),
            applied);
  EXPECT_EQ(raw.QueryText("SELECT count(*) FROM server_meta"), "1");
}

TEST_F(SqliteStoreTest, RefusesNewerSchema) {
  ASSERT_TRUE(Open());
  ASSERT_TRUE(Raw().Exec("INSERT INTO schema_migrations VALUES(1000, 'future', 'x')"));
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("database schema version 1000 is newer"),
            std::string::npos);
}

TEST_F(SqliteStoreTest, PingWorksFromManyThreads) {
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  MetadataStore& s = **store;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (!s.Ping()) ++failures;
        if (i % 10 == 0 && !s.SchemaVersion()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, 0);
}

TEST_F(SqliteStoreTest, NonSqliteFileGivesCleanError) {
  dir_.Write("strongroom.db", std::string(8192, 'x'));
  ::chmod(path_.c_str(), 0600);
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(store.error().message().find("not a database"), std::string::npos)
      << store.error().message();
  EXPECT_NE(store.error().message().find(path_.string()), std::string::npos);
}

TEST_F(SqliteStoreTest, CorruptedDatabaseGivesCleanError) {
  ASSERT_TRUE(Open());
  // Checkpoint into the main file, then overwrite the schema page's b-tree.
  ASSERT_TRUE(Raw().Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    const std::string garbage(8000, '\xff');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss) << store.error().message();
}

TEST_F(SqliteStoreTest, RejectsBadOptionsAndPaths) {
  EXPECT_FALSE(OpenSqliteStore({.path = path_, .pool_size = 0}, cipher_));
  Result<std::unique_ptr<SqliteStore>> no_cipher = OpenSqliteStore({.path = path_}, nullptr);
  ASSERT_FALSE(no_cipher);
  EXPECT_EQ(no_cipher.error().code(), ErrorCode::kInvalidArgument);
  Result<std::unique_ptr<SqliteStore>> missing =
      OpenSqliteStore({.path = dir_.path() / "no/such/dir.db"}, cipher_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kUnavailable);
  Result<std::unique_ptr<SqliteStore>> directory = OpenSqliteStore({.path = dir_.path()}, cipher_);
  EXPECT_FALSE(directory);
}

TEST_F(SqliteStoreTest, FreshStoreHasTheWholeSchema) {
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), 4);
  EXPECT_EQ(Query("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema "
                  "WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%' "
                  "ORDER BY name)"),
            "accounts,key_erasure_domains,key_erasure_domains_kek,key_erasure_domains_subject,"
            "key_shredded,key_workspace_keks,nodes,nodes_children,nodes_live_name,"
            "object_versions,one_time_tokens,one_time_tokens_account,schema_migrations,"
            "security_events,security_events_account,security_events_no_delete,"
            "security_events_no_replace,security_events_no_update,server_meta,sessions,"
            "sessions_account,workspaces,workspaces_personal");
}

TEST_F(SqliteStoreTest, MigratesADatabaseAtVersionOne) {
  std::string created;
  {
    Result<Database> db = Database::Open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db);
    ASSERT_TRUE(RunMigrations(*db, BuiltinMigrations().first(1)));
    ASSERT_EQ(store::SchemaVersion(*db), 1);
    created = *db->QueryText("SELECT value FROM server_meta WHERE key = 'created_at'");
  }
  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), 4);
  EXPECT_EQ(Query("SELECT group_concat(name, ',') FROM schema_migrations WHERE version > 1"),
            "accounts,keys,codex");
  EXPECT_EQ(Query("SELECT value FROM server_meta WHERE key = 'created_at'"), created);
  Account account;
  account.id = "acc_1";
  account.email = "m@example.org";
  ASSERT_TRUE((*store)->CreateAccount(account));
  EXPECT_TRUE((*store)->FindAccountByEmail("m@example.org"));
}

// ReadFile returns the raw bytes of `path`, or "" if it does not exist.
std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_F(SqliteStoreTest, PersonalDataNeverReachesTheFiles) {
  const std::string email = "zelda.private@example.org";
  const std::string name = "Zelda Quux-Private";
  const std::string ip = "203.0.113.199";
  const std::string agent = "SecretBrowser/9.9 (Zelda)";
  const std::string new_email = "zelda.elsewhere@example.net";
  const std::vector<std::string> needles = {email, "zelda.private", name, ip, agent, new_email};

  Result<std::unique_ptr<SqliteStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  SqliteStore& s = **store;
  Account account;
  account.id = "acc_atrest_marker";
  account.email = email;
  account.display_name = name;
  account.password_hash = "$argon2id$marker";
  ASSERT_TRUE(s.CreateAccount(account));
  Session session;
  session.id = "ses_atrest_marker";
  session.token_hash = internal::HashOf(7);
  session.account_id = account.id;
  session.ip = ip;
  session.user_agent = agent;
  ASSERT_TRUE(s.CreateSession(session));
  OneTimeToken token;
  token.token_hash = internal::HashOf(9);
  token.purpose = "email_verification";
  token.account_id = account.id;
  token.email = new_email;
  token.expires_at = 100;
  ASSERT_TRUE(s.IssueToken(token));
  ASSERT_TRUE(s.ConsumeToken(token.token_hash, token.purpose, 1));
  ASSERT_TRUE(s.UpdateEmail(account.id, new_email));
  ASSERT_TRUE(s.FindAccountByEmail(new_email));

  auto expect_clean = [&](std::string_view when) {
    std::string all;
    for (const char* suffix : {"", "-wal", "-shm"}) all += ReadFile(path_.string() + suffix);
    // Positive control: the search does see what is stored in clear.
    EXPECT_NE(all.find("acc_atrest_marker"), std::string::npos) << when;
    EXPECT_NE(all.find("$argon2id$marker"), std::string::npos) << when;
    for (const std::string& needle : needles) {
      EXPECT_EQ(all.find(needle), std::string::npos) << when << ": found " << needle;
    }
  };
  ASSERT_GT(std::filesystem::file_size(path_.string() + "-wal"), 0u);
  expect_clean("before checkpoint");
  ASSERT_TRUE(Raw().Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  EXPECT_EQ(std::filesystem::file_size(path_.string() + "-wal"), 0u);
  expect_clean("after checkpoint");
  EXPECT_NE(ReadFile(path_).find("ses_atrest_marker"), std::string::npos);
}

}  // namespace
}  // namespace sr::store
