#include "store/connection_pool.h"

#include <algorithm>
#include <utility>

namespace sr::store {

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), db_(std::move(other.db_)) {}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Return();
    pool_ = std::exchange(other.pool_, nullptr);
    db_ = std::move(other.db_);
  }
  return *this;
}

ConnectionPool::Lease::~Lease() { Return(); }

void ConnectionPool::Lease::Return() {
  if (pool_ != nullptr && db_ != nullptr) pool_->Release(std::move(db_));
  pool_ = nullptr;
}

ConnectionPool::ConnectionPool(Factory factory, int max_size, std::chrono::milliseconds wait)
    : factory_(std::move(factory)), max_size_(std::max(max_size, 1)), wait_(wait) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::unique_lock lock(mu_);
  const bool ready =
      available_.wait_for(lock, wait_, [this] { return !idle_.empty() || open_ < max_size_; });
  if (!ready) {
    return Fail(ErrorCode::kUnavailable, "all metadata store connections are busy");
  }
  if (!idle_.empty()) {
    std::unique_ptr<Database> db = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(db));
  }
  // Reserve the slot, then open outside the lock: opening does file I/O.
  ++open_;
  lock.unlock();
  Result<Database> db = factory_();
  if (!db) {
    lock.lock();
    --open_;
    available_.notify_one();
    return std::unexpected(db.error());
  }
  return Lease(this, std::make_unique<Database>(*std::move(db)));
}

int ConnectionPool::OpenCount() const {
  std::lock_guard lock(mu_);
  return open_;
}

void ConnectionPool::Release(std::unique_ptr<Database> db) {
  if (db->InTransaction() && (!db->Exec("ROLLBACK") || db->InTransaction())) db.reset();
  std::lock_guard lock(mu_);
  if (db) {
    idle_.push_back(std::move(db));
  } else {
    --open_;
  }
  available_.notify_one();
}

}  // namespace sr::store
