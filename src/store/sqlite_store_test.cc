#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "store/internal/test_temp_dir.h"
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
  Result<std::unique_ptr<MetadataStore>> Open() {
    return OpenSqliteStore({.path = path_, .pool_size = 4});
  }
  // Raw opens a separate connection for looking behind the interface.
  Database Raw() {
    Result<Database> db = Database::Open(path_, SQLITE_OPEN_READWRITE);
    EXPECT_TRUE(db) << db.error().ToString();
    return *std::move(db);
  }

  internal::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "strongroom.db";
};

TEST_F(SqliteStoreTest, FreshStoreIsMigratedAndPings) {
  Result<std::unique_ptr<MetadataStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_TRUE((*store)->Ping());
  EXPECT_EQ((*store)->SchemaVersion(), BuiltinMigrations().back().version);
}

TEST_F(SqliteStoreTest, UsesWalAndPragmas) {
  Result<std::unique_ptr<MetadataStore>> store = Open();
  ASSERT_TRUE(store) << store.error().ToString();
  Database raw = Raw();
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_TRUE(std::filesystem::exists(path_.string() + "-wal"));
}

TEST_F(SqliteStoreTest, FilesArePrivate) {
  const mode_t old_umask = ::umask(0);  // the widest umask must not matter
  Result<std::unique_ptr<MetadataStore>> store = Open();
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
  Result<std::unique_ptr<MetadataStore>> store = Open();
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
  Result<std::unique_ptr<MetadataStore>> again = Open();
  ASSERT_TRUE(again) << again.error().ToString();
  Database raw = Raw();
  EXPECT_EQ(raw.QueryText("SELECT group_concat(version || applied_at) FROM schema_migrations"),
            applied);
  EXPECT_EQ(raw.QueryText("SELECT count(*) FROM server_meta"), "1");
}

TEST_F(SqliteStoreTest, RefusesNewerSchema) {
  ASSERT_TRUE(Open());
  ASSERT_TRUE(Raw().Exec("INSERT INTO schema_migrations VALUES(1000, 'future', 'x')"));
  Result<std::unique_ptr<MetadataStore>> store = Open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("database schema version 1000 is newer"),
            std::string::npos);
}

TEST_F(SqliteStoreTest, PingWorksFromManyThreads) {
  Result<std::unique_ptr<MetadataStore>> store = Open();
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
  Result<std::unique_ptr<MetadataStore>> store = Open();
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
  Result<std::unique_ptr<MetadataStore>> store = Open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kDataLoss) << store.error().message();
}

TEST_F(SqliteStoreTest, RejectsBadOptionsAndPaths) {
  EXPECT_FALSE(OpenSqliteStore({.path = path_, .pool_size = 0}));
  Result<std::unique_ptr<MetadataStore>> missing =
      OpenSqliteStore({.path = dir_.path() / "no/such/dir.db"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kUnavailable);
  Result<std::unique_ptr<MetadataStore>> directory = OpenSqliteStore({.path = dir_.path()});
  EXPECT_FALSE(directory);
}

}  // namespace
}  // namespace sr::store
