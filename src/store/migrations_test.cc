#include "store/migrations.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/testing/temp_dir.h"

namespace sr::store {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  Database Open() {
    Result<Database> db =
        Database::Open(dir_.path() / "m.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    EXPECT_TRUE(db) << db.error().ToString();
    return *std::move(db);
  }
  static std::string Query(Database& db, std::string_view sql) {
    Result<std::string> r = db.QueryText(sql);
    return r ? *r : "error: " + r.error().message();
  }
  static bool TableExists(Database& db, std::string_view name) {
    return Query(db, fmt::format("SELECT count(*) FROM sqlite_schema WHERE name = '{}'", name)) ==
           "1";
  }

  sr::testing::TempDir dir_;
};

TEST_F(MigrationsTest, BuiltinListIsAscendingAndStartsAtOne) {
  std::span<const Migration> list = BuiltinMigrations();
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list.front().version, 1);
  EXPECT_EQ(list.front().name, "server_meta");
  for (std::size_t i = 1; i < list.size(); ++i) EXPECT_GT(list[i].version, list[i - 1].version);
}

TEST_F(MigrationsTest, FreshDatabaseGetsEveryMigration) {
  Database db = Open();
  EXPECT_EQ(SchemaVersion(db), 0);
  ASSERT_TRUE(RunMigrations(db, BuiltinMigrations()));
  EXPECT_EQ(SchemaVersion(db), BuiltinMigrations().back().version);
  EXPECT_EQ(Query(db, "SELECT count(*) FROM schema_migrations"),
            std::to_string(BuiltinMigrations().size()));
  EXPECT_EQ(Query(db, "SELECT name FROM schema_migrations WHERE version = 1"), "server_meta");
  const std::string created = Query(db, "SELECT value FROM server_meta WHERE key = 'created_at'");
  EXPECT_EQ(created.size(), 24u) << created;  // 2024-01-02T03:04:05.678Z
  EXPECT_TRUE(created.ends_with('Z'));
  EXPECT_FALSE(db.InTransaction());
}

TEST_F(MigrationsTest, RerunningAppliesNothingTwice) {
  {
    Database db = Open();
    ASSERT_TRUE(RunMigrations(db, BuiltinMigrations()));
  }
  Database db = Open();
  const std::string applied = Query(db, "SELECT group_concat(applied_at) FROM schema_migrations");
  const std::string created = Query(db, "SELECT value FROM server_meta WHERE key = 'created_at'");
  ASSERT_TRUE(RunMigrations(db, BuiltinMigrations()));
  ASSERT_TRUE(RunMigrations(db, BuiltinMigrations()));
  EXPECT_EQ(Query(db, "SELECT group_concat(applied_at) FROM schema_migrations"), applied);
  EXPECT_EQ(Query(db, "SELECT value FROM server_meta WHERE key = 'created_at'"), created);
  EXPECT_EQ(Query(db, "SELECT count(*) FROM server_meta"), "1");
}

TEST_F(MigrationsTest, AppliesOnlyPendingMigrationsInOrder) {
  const Migration first[] = {{1, "one", "CREATE TABLE log(step INTEGER);"}};
  const Migration all[] = {{1, "one", "CREATE TABLE log(step INTEGER);"},
                           {2, "two", "INSERT INTO log VALUES(2);"},
                           {5, "five", "INSERT INTO log VALUES(5);"}};
  Database db = Open();
  ASSERT_TRUE(RunMigrations(db, first));
  EXPECT_EQ(SchemaVersion(db), 1);
  ASSERT_TRUE(RunMigrations(db, all));
  EXPECT_EQ(SchemaVersion(db), 5);
  EXPECT_EQ(Query(db, "SELECT group_concat(step) FROM log"), "2,5");
}

TEST_F(MigrationsTest, FailingMigrationLeavesThePreviousVersion) {
  const Migration list[] = {
      BuiltinMigrations()[0],
      {2, "broken", "CREATE TABLE a(x); INSERT INTO nonexistent VALUES(1);"},
  };
  Database db = Open();
  Status status = RunMigrations(db, list);
  ASSERT_FALSE(status);
  const std::string& message = status.error().message();
  EXPECT_NE(message.find("migration 2 (broken) failed"), std::string::npos) << message;
  EXPECT_EQ(message.find("CREATE TABLE"), std::string::npos) << message;
  EXPECT_FALSE(db.InTransaction());
  EXPECT_EQ(SchemaVersion(db), 1);
  EXPECT_FALSE(TableExists(db, "a"));
  EXPECT_TRUE(TableExists(db, "server_meta"));
  EXPECT_EQ(Query(db, "SELECT max(version) FROM schema_migrations"), "1");
}

TEST_F(MigrationsTest, RefusesNewerSchema) {
  Database db = Open();
  ASSERT_TRUE(RunMigrations(db, BuiltinMigrations()));
  ASSERT_TRUE(db.Exec("INSERT INTO schema_migrations VALUES(999, 'future', 'x')"));
  Status status = RunMigrations(db, BuiltinMigrations());
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.error().message(),
            fmt::format("database schema version 999 is newer than this strongroom supports ({})",
                        BuiltinMigrations().back().version));
}

TEST_F(MigrationsTest, RefusesMalformedLists) {
  Database db = Open();
  const Migration duplicate[] = {{1, "a", "SELECT 1;"}, {1, "b", "SELECT 1;"}};
  const Migration descending[] = {{2, "a", "SELECT 1;"}, {1, "b", "SELECT 1;"}};
  const Migration zero[] = {{0, "a", "SELECT 1;"}};
  for (std::span<const Migration> list :
       {std::span<const Migration>(duplicate), std::span<const Migration>(descending),
        std::span<const Migration>(zero)}) {
    Status status = RunMigrations(db, list);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code(), ErrorCode::kInternal);
  }
  EXPECT_EQ(SchemaVersion(db), 0);
  EXPECT_FALSE(TableExists(db, "schema_migrations"));
}

}  // namespace
}  // namespace sr::store
