#include "store/sqlite.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/testing/temp_dir.h"

namespace sr::store {
namespace {

Database OpenMemory() {
  Result<Database> db = Database::Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  EXPECT_TRUE(db) << db.error().ToString();
  return *std::move(db);
}

TEST(SqliteTest, BindStepAndReadEveryType) {
  Database db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(i INTEGER, s TEXT, b BLOB, n TEXT)"));
  Result<Statement> insert = db.Prepare("INSERT INTO t VALUES(?1, ?2, ?3, ?4)");
  ASSERT_TRUE(insert) << insert.error().ToString();
  const std::vector<std::uint8_t> blob = {0, 1, 2, 255};
  ASSERT_TRUE(insert->BindInt64(1, -7'000'000'000));
  ASSERT_TRUE(insert->BindText(2, std::string_view("h\0llo", 5)));
  ASSERT_TRUE(insert->BindBlob(3, blob));
  ASSERT_TRUE(insert->BindNull(4));
  EXPECT_EQ(insert->Step(), StepResult::kDone);

  ASSERT_TRUE(insert->Reset());
  ASSERT_TRUE(insert->BindInt64(1, 2));
  ASSERT_TRUE(insert->BindText(2, ""));
  ASSERT_TRUE(insert->BindBlob(3, {}));
  EXPECT_EQ(insert->Step(), StepResult::kDone);

  Result<Statement> select = db.Prepare("SELECT i, s, b, n FROM t ORDER BY rowid");
  ASSERT_TRUE(select);
  EXPECT_EQ(select->ColumnCount(), 4);
  ASSERT_EQ(select->Step(), StepResult::kRow);
  EXPECT_EQ(select->ColumnInt64(0), -7'000'000'000);
  EXPECT_EQ(select->ColumnText(1), std::string("h\0llo", 5));
  EXPECT_EQ(select->ColumnBlob(2), blob);
  EXPECT_TRUE(select->ColumnIsNull(3));
  ASSERT_EQ(select->Step(), StepResult::kRow);
  EXPECT_EQ(select->ColumnText(1), "");
  EXPECT_FALSE(select->ColumnIsNull(2));  // an empty blob is not NULL
  EXPECT_TRUE(select->ColumnBlob(2).empty());
  EXPECT_TRUE(select->ColumnIsNull(3));  // Reset cleared the binding
  EXPECT_EQ(select->Step(), StepResult::kDone);
}

TEST(SqliteTest, ErrorsNeverContainBoundValues) {
  Database db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE users(email TEXT PRIMARY KEY CHECK(length(email) < 40))"));
  const std::string_view email = "alice.private@example.com";
  for (int i = 0; i < 2; ++i) {
    Result<Statement> insert = db.Prepare("INSERT INTO users VALUES(?)");
    ASSERT_TRUE(insert);
    ASSERT_TRUE(insert->BindText(1, email));
    Result<StepResult> step = insert->Step();
    if (i == 0) {
      EXPECT_TRUE(step);
      continue;
    }
    ASSERT_FALSE(step);
    EXPECT_EQ(step.error().code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(step.error().message().find("alice"), std::string::npos) << step.error().message();
    EXPECT_NE(step.error().message().find("UNIQUE constraint failed"), std::string::npos);
  }
  Result<Statement> insert = db.Prepare("INSERT INTO users VALUES(?)");
  ASSERT_TRUE(insert);
  Status bad_index = insert->BindText(2, email);
  ASSERT_FALSE(bad_index);
  EXPECT_EQ(bad_index.error().message().find("alice"), std::string::npos);
  ASSERT_TRUE(insert->BindText(1, "bob.private.with.a.very.long.name@example.com"));
  Result<StepResult> check = insert->Step();
  ASSERT_FALSE(check);
  EXPECT_EQ(check.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(check.error().message().find("bob"), std::string::npos);
}

TEST(SqliteTest, PrepareTakesExactlyOneStatement) {
  Database db = OpenMemory();
  EXPECT_TRUE(db.Prepare("SELECT 1;  \n"));
  EXPECT_FALSE(db.Prepare("SELECT 1; SELECT 2"));
  EXPECT_FALSE(db.Prepare(""));
  Result<Statement> syntax = db.Prepare("SELEC 1");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message().find("syntax error"), std::string::npos);
}

TEST(SqliteTest, ExecRunsSeveralStatementsAndReportsErrors) {
  Database db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE a(x); INSERT INTO a VALUES(1); INSERT INTO a VALUES(2);"));
  EXPECT_EQ(db.QueryText("SELECT sum(x) FROM a"), "3");
  Status missing = db.Exec("INSERT INTO nonexistent VALUES(1)");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("no such table"), std::string::npos);
  EXPECT_FALSE(db.QueryText("SELECT 1 WHERE 0"));
}

TEST(SqliteTest, InTransactionTracksExplicitTransactions) {
  Database db = OpenMemory();
  EXPECT_FALSE(db.InTransaction());
  ASSERT_TRUE(db.Exec("BEGIN"));
  EXPECT_TRUE(db.InTransaction());
  ASSERT_TRUE(db.Exec("ROLLBACK"));
  EXPECT_FALSE(db.InTransaction());
  EXPECT_TRUE(db.SetBusyTimeout(std::chrono::milliseconds(100)));
}

TEST(SqliteTest, OpenFailsCleanly) {
  sr::testing::TempDir dir;
  Result<Database> db =
      Database::Open(dir.path() / "no/such/dir/x.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(db.error().message().find("x.db"), std::string::npos);
}

TEST(SqliteTest, MovedFromObjectsAreInert) {
  Database a = OpenMemory();
  Database b = std::move(a);
  ASSERT_TRUE(b.Exec("CREATE TABLE t(x)"));
  Result<Statement> s = b.Prepare("SELECT 1");
  ASSERT_TRUE(s);
  Statement moved = *std::move(s);
  EXPECT_EQ(moved.Step(), StepResult::kRow);
  a = std::move(b);
  EXPECT_TRUE(a.Exec("INSERT INTO t VALUES(1)"));
}

TEST(SqliteTest, CachedStatementsAreReusedAndResetAfterUse) {
  Database db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES(1), (2), (3);"));
  const Statement* first = nullptr;
  {
    Result<CachedStatement> s = db.PrepareCached("SELECT x FROM t WHERE x >= ?1 ORDER BY x");
    ASSERT_TRUE(s);
    first = &**s;
    ASSERT_TRUE((*s)->BindInt64(1, 2));
    ASSERT_EQ((*s)->Step(), StepResult::kRow);  // left mid-result on purpose
    EXPECT_EQ((*s)->ColumnInt64(0), 2);
  }
  Result<CachedStatement> again = db.PrepareCached("SELECT x FROM t WHERE x >= ?1 ORDER BY x");
  ASSERT_TRUE(again);
  EXPECT_EQ(&**again, first);
  // Reset and unbound: NULL matches nothing, and the scan starts over.
  EXPECT_EQ((*again)->Step(), StepResult::kDone);
  EXPECT_FALSE(db.PrepareCached("SELECT nope FROM t"));
  EXPECT_FALSE(db.PrepareCached("SELECT 1; SELECT 2"));
}

TEST(SqliteTest, CachedStatementEndsItsReadSoOthersSeeNewData) {
  sr::testing::TempDir dir;
  const auto path = dir.path() / "c.db";
  Result<Database> reader = Database::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_TRUE(reader);
  ASSERT_TRUE(reader->QueryText("PRAGMA journal_mode=WAL"));
  ASSERT_TRUE(reader->Exec("CREATE TABLE t(x); INSERT INTO t VALUES(1), (2);"));
  Result<Database> writer = Database::Open(path, SQLITE_OPEN_READWRITE);
  ASSERT_TRUE(writer);
  auto count = [&] {
    Result<CachedStatement> s = reader->PrepareCached("SELECT x FROM t");
    EXPECT_TRUE(s);
    int rows = 0;
    // Read only the first row, then drop the handle mid-result.
    if ((*s)->Step() == StepResult::kRow) ++rows;
    return rows;
  };
  EXPECT_EQ(count(), 1);
  ASSERT_TRUE(writer->Exec("DELETE FROM t"));
  EXPECT_EQ(count(), 0);
  EXPECT_TRUE(writer->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
}

TEST(SqliteTest, ChangesCountsRowsOfTheLastStatement) {
  Database db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES(1), (2), (3);"));
  EXPECT_EQ(db.Changes(), 3);
  ASSERT_TRUE(db.Exec("UPDATE t SET x = x WHERE x > 1"));
  EXPECT_EQ(db.Changes(), 2);
  ASSERT_TRUE(db.Exec("DELETE FROM t WHERE x > 5"));
  EXPECT_EQ(db.Changes(), 0);
}

TEST(SqliteTest, TransactionCommitsOrRollsBack) {
  Database db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x)"));
  {
    Result<Transaction> tx = Transaction::Begin(db);
    ASSERT_TRUE(tx);
    EXPECT_TRUE(db.InTransaction());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(1)"));
  }  // dropped without Commit
  EXPECT_FALSE(db.InTransaction());
  EXPECT_EQ(db.QueryText("SELECT count(*) FROM t"), "0");
  {
    Result<Transaction> tx = Transaction::Begin(db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(1)"));
    ASSERT_TRUE(tx->Commit());
    EXPECT_FALSE(tx->Commit());  // only once
  }
  EXPECT_FALSE(db.InTransaction());
  EXPECT_EQ(db.QueryText("SELECT count(*) FROM t"), "1");
  // A second BEGIN inside a transaction fails and leaves the first alone.
  Result<Transaction> outer = Transaction::Begin(db);
  ASSERT_TRUE(outer);
  EXPECT_FALSE(Transaction::Begin(db));
  EXPECT_TRUE(db.InTransaction());
}

}  // namespace
}  // namespace sr::store
