#pragma once
// SessionCache keeps what authenticating a request needs (a live session and
// its account, by token hash) in memory, so the per-request path needs no
// database read. It never delays a revocation: every write to a session or
// an account goes through the store, which invalidates the account's
// entries before the write call returns, and a fill that raced with any
// invalidation is dropped (generation check), so no stale entry can appear
// after a write. Valid only while this process is the database's only
// writer of sessions and accounts (one node; see docs/architecture.md).
// Thread-safe.

#include <array>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/session_repository.h"

namespace sr::store {

class SessionCache {
 public:
  // `max_entries` bounds memory; a full cache is emptied, not grown.
  explicit SessionCache(std::size_t max_entries = 100'000) : max_entries_(max_entries) {}

  // generation is read before the database read a Fill will carry.
  std::uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }

  std::optional<SessionWithAccount> Find(const TokenHash& hash) const {
    std::lock_guard lock(mu_);
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    return it->second;
  }

  // Fill caches `value`, read from the database after generation() returned
  // `read_generation`, unless an invalidation happened since.
  void Fill(const TokenHash& hash, const SessionWithAccount& value,
            std::uint64_t read_generation) {
    std::lock_guard lock(mu_);
    if (read_generation != generation_) return;
    if (by_hash_.size() >= max_entries_) ClearLocked();
    by_hash_[hash] = value;
    by_account_[value.account.id].push_back(hash);
    session_account_[value.session.id] = value.account.id;
  }

  // InvalidateAccount drops every entry of the account; call it after the
  // write to the database has committed.
  void InvalidateAccount(std::string_view account_id) {
    std::lock_guard lock(mu_);
    ++generation_;
    auto it = by_account_.find(std::string(account_id));
    if (it == by_account_.end()) return;
    for (const TokenHash& hash : it->second) {
      auto entry = by_hash_.find(hash);
      if (entry == by_hash_.end()) continue;
      session_account_.erase(entry->second.session.id);
      by_hash_.erase(entry);
    }
    by_account_.erase(it);
  }

  // InvalidateSession drops the entries of the session's account (whether
  // or not the session itself is cached).
  void InvalidateSession(std::string_view session_id) {
    std::string account;
    {
      std::lock_guard lock(mu_);
      ++generation_;
      auto it = session_account_.find(std::string(session_id));
      if (it == session_account_.end()) return;
      account = it->second;
    }
    InvalidateAccount(account);
  }

 private:
  struct HashOfHash {
    std::size_t operator()(const TokenHash& h) const {
      std::size_t out;
      std::memcpy(&out, h.data(), sizeof(out));  // a SHA-256: already uniform
      return out;
    }
  };

  void ClearLocked() {
    by_hash_.clear();
    by_account_.clear();
    session_account_.clear();
  }

  const std::size_t max_entries_;
  mutable std::mutex mu_;
  std::uint64_t generation_ = 0;
  std::unordered_map<TokenHash, SessionWithAccount, HashOfHash> by_hash_;
  std::unordered_map<std::string, std::vector<TokenHash>> by_account_;
  std::unordered_map<std::string, std::string> session_account_;  // session id -> account id
};

}  // namespace sr::store
