#include "store/connection_pool.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>

namespace sr::store {
namespace {

using std::chrono::milliseconds;

ConnectionPool::Factory MemoryFactory(std::atomic<int>* opened) {
  return [opened]() -> Result<Database> {
    ++*opened;
    return Database::Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  };
}

TEST(ConnectionPoolTest, OpensLazilyAndReuses) {
  std::atomic<int> opened = 0;
  ConnectionPool pool(MemoryFactory(&opened), 3, milliseconds(100));
  EXPECT_EQ(pool.OpenCount(), 0);
  {
    Result<ConnectionPool::Lease> a = pool.Acquire();
    ASSERT_TRUE(a);
    ASSERT_TRUE((*a)->Exec("CREATE TABLE marker(x)"));
  }
  Result<ConnectionPool::Lease> again = pool.Acquire();
  ASSERT_TRUE(again);
  // The same in-memory database comes back: the connection was reused.
  EXPECT_TRUE((*again)->Exec("INSERT INTO marker VALUES(1)"));
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(pool.OpenCount(), 1);
}

TEST(ConnectionPoolTest, TimesOutWhenExhausted) {
  std::atomic<int> opened = 0;
  ConnectionPool pool(MemoryFactory(&opened), 2, milliseconds(20));
  Result<ConnectionPool::Lease> a = pool.Acquire();
  Result<ConnectionPool::Lease> b = pool.Acquire();
  ASSERT_TRUE(a && b);
  Result<ConnectionPool::Lease> c = pool.Acquire();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(opened, 2);
  *a = *std::move(b);  // returns a's connection to the pool
  EXPECT_TRUE(pool.Acquire());
}

TEST(ConnectionPoolTest, FactoryFailureFreesTheSlot) {
  int calls = 0;
  ConnectionPool pool(
      [&calls]() -> Result<Database> {
        if (++calls == 1) return Fail(ErrorCode::kUnavailable, "disk on fire");
        return Database::Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      },
      1, milliseconds(20));
  Result<ConnectionPool::Lease> first = pool.Acquire();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().message(), "disk on fire");
  EXPECT_EQ(pool.OpenCount(), 0);
  EXPECT_TRUE(pool.Acquire());
}

TEST(ConnectionPoolTest, RollsBackAbandonedTransaction) {
  std::atomic<int> opened = 0;
  ConnectionPool pool(MemoryFactory(&opened), 1, milliseconds(100));
  {
    Result<ConnectionPool::Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease);
    ASSERT_TRUE((*lease)->Exec("CREATE TABLE t(x); BEGIN; INSERT INTO t VALUES(1);"));
  }
  Result<ConnectionPool::Lease> lease = pool.Acquire();
  ASSERT_TRUE(lease);
  EXPECT_FALSE((*lease)->InTransaction());
  EXPECT_EQ((*lease)->QueryText("SELECT count(*) FROM t"), "0");
}

TEST(ConnectionPoolTest, NeverLendsMoreThanMaxSize) {
  std::atomic<int> opened = 0;
  ConnectionPool pool(MemoryFactory(&opened), 2, milliseconds(5000));
  std::atomic<int> in_use = 0;
  std::atomic<int> peak = 0;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Result<ConnectionPool::Lease> lease = pool.Acquire();
        if (!lease) {
          ++failures;
          continue;
        }
        const int now = ++in_use;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        if (!(*lease)->QueryText("SELECT 1")) ++failures;
        --in_use;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_LE(peak, 2);
  EXPECT_LE(opened, 2);
}

}  // namespace
}  // namespace sr::store
