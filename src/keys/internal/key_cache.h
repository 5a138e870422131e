#pragma once
// KeyCache keeps unwrapped KEKs and erasure-domain keys in memory for a TTL,
// so that the request path needs neither a database read nor a root-key
// operation while warm. Private to src/keys.
//
// Invalidation is synchronous, and a fill that began before an invalidation
// is dropped: callers read generation() before they fetch a key from storage
// and pass it to Put*, which stores the key only if no invalidation happened
// since. Thread-safe (one mutex); keys leave only as copies.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/clock.h"
#include "common/secret.h"

namespace sr::keys::internal {

class KeyCache {
 public:
  // CachedDomain is a domain key with the workspace it belongs to.
  struct CachedDomain {
    std::string workspace_id;
    SecretBytes key;
  };

  // kMaxEntries bounds each map; when one is full of unexpired keys, new
  // keys are simply not cached (memory stays bounded, lookups still work).
  static constexpr std::size_t kMaxEntries = 100'000;

  // A zero `ttl` disables caching. `clock` must outlive the cache.
  KeyCache(const Clock& clock, std::chrono::seconds ttl) : clock_(clock), ttl_(ttl) {}

  std::uint64_t generation() const;

  std::optional<SecretBytes> FindKek(std::string_view workspace_id, std::uint32_t version);
  void PutKek(std::string_view workspace_id, std::uint32_t version, const SecretBytes& key,
              std::uint64_t generation);
  std::optional<CachedDomain> FindDomain(std::string_view domain_id);
  void PutDomain(std::string_view domain_id, std::string_view workspace_id, const SecretBytes& key,
                 std::uint64_t generation);

  // The Erase* methods drop entries at once and start a new generation.
  void EraseWorkspace(std::string_view workspace_id);  // its KEKs and domains
  void EraseDomain(std::string_view domain_id);
  void EraseKek(std::string_view workspace_id, std::uint32_t version);
  void Clear();

  // size counts entries, expired ones included until pruned.
  std::size_t size() const;

 private:
  struct Kek {
    SecretBytes key;
    Clock::TimePoint expires_at;
  };
  struct Domain {
    std::string workspace_id;
    SecretBytes key;
    Clock::TimePoint expires_at;
  };

  // PruneLocked drops expired entries, at most once per TTL unless `force`.
  void PruneLocked(Clock::TimePoint now, bool force);

  const Clock& clock_;
  const std::chrono::seconds ttl_;
  mutable std::mutex mu_;
  std::uint64_t generation_ = 0;                               // guarded by mu_
  std::map<std::pair<std::string, std::uint32_t>, Kek> keks_;  // guarded by mu_
  std::unordered_map<std::string, Domain> domains_;            // guarded by mu_
  Clock::TimePoint next_prune_{};                              // guarded by mu_
};

}  // namespace sr::keys::internal
