#pragma once
// ConnectionPool lends SQLite connections to threads, one thread per
// connection at a time, opening them lazily up to a fixed maximum.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "common/error.h"
#include "store/sqlite.h"

namespace sr::store {

class ConnectionPool {
 public:
  // Factory opens and configures a new connection.
  using Factory = std::function<Result<Database>()>;

  // Lease is exclusive use of one connection; it returns the connection to
  // the pool when destroyed. A lease must not outlive its pool.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Database& operator*() const { return *db_; }
    Database* operator->() const { return db_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
    void Return();

    ConnectionPool* pool_ = nullptr;
    std::unique_ptr<Database> db_;
  };

  // The pool opens at most `max_size` (>= 1) connections with `factory`;
  // Acquire waits up to `wait` for one to become free.
  ConnectionPool(Factory factory, int max_size, std::chrono::milliseconds wait);

  // Acquire lends an idle connection, opens a new one if fewer than
  // max_size are open, or else waits. Times out with kUnavailable; a factory
  // error is returned as is. Thread-safe.
  Result<Lease> Acquire();

  // OpenCount returns how many connections exist (idle or leased).
  int OpenCount() const;

 private:
  // Release takes a connection back. One left inside a transaction (a caller
  // returned early) is rolled back, or discarded if that fails.
  void Release(std::unique_ptr<Database> db);

  const Factory factory_;
  const int max_size_;
  const std::chrono::milliseconds wait_;
  mutable std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Database>> idle_;  // guarded by mu_
  int open_ = 0;                                 // guarded by mu_
};

}  // namespace sr::store
