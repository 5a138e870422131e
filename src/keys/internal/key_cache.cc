#include "keys/internal/key_cache.h"

#include <iterator>

namespace sr::keys::internal {

std::uint64_t KeyCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::optional<SecretBytes> KeyCache::FindKek(std::string_view workspace_id, std::uint32_t version) {
  std::lock_guard lock(mu_);
  auto it = keks_.find({std::string(workspace_id), version});
  if (it == keks_.end()) return std::nullopt;
  if (clock_.Now() >= it->second.expires_at) {
    keks_.erase(it);
    return std::nullopt;
  }
  return it->second.key.Clone();
}

void KeyCache::PutKek(std::string_view workspace_id, std::uint32_t version, const SecretBytes& key,
                      std::uint64_t generation) {
  if (ttl_.count() <= 0) return;
  std::lock_guard lock(mu_);
  if (generation != generation_) return;
  const Clock::TimePoint now = clock_.Now();
  PruneLocked(now, keks_.size() >= kMaxEntries);
  if (keks_.size() >= kMaxEntries) return;
  keks_.insert_or_assign({std::string(workspace_id), version}, Kek{key.Clone(), now + ttl_});
}

std::optional<KeyCache::CachedDomain> KeyCache::FindDomain(std::string_view domain_id) {
  std::lock_guard lock(mu_);
  auto it = domains_.find(std::string(domain_id));
  if (it == domains_.end()) return std::nullopt;
  if (clock_.Now() >= it->second.expires_at) {
    domains_.erase(it);
    return std::nullopt;
  }
  return CachedDomain{it->second.workspace_id, it->second.key.Clone()};
}

void KeyCache::PutDomain(std::string_view domain_id, std::string_view workspace_id,
                         const SecretBytes& key, std::uint64_t generation) {
  if (ttl_.count() <= 0) return;
  std::lock_guard lock(mu_);
  if (generation != generation_) return;
  const Clock::TimePoint now = clock_.Now();
  PruneLocked(now, domains_.size() >= kMaxEntries);
  if (domains_.size() >= kMaxEntries) return;
  domains_.insert_or_assign(std::string(domain_id),
                            Domain{std::string(workspace_id), key.Clone(), now + ttl_});
}

void KeyCache::EraseWorkspace(std::string_view workspace_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  auto first = keks_.lower_bound({std::string(workspace_id), 0});
  auto last = first;
  while (last != keks_.end() && last->first.first == workspace_id) ++last;
  keks_.erase(first, last);
  std::erase_if(domains_,
                [&](const auto& entry) { return entry.second.workspace_id == workspace_id; });
}

void KeyCache::EraseDomain(std::string_view domain_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  domains_.erase(std::string(domain_id));
}

void KeyCache::EraseKek(std::string_view workspace_id, std::uint32_t version) {
  std::lock_guard lock(mu_);
  ++generation_;
  keks_.erase({std::string(workspace_id), version});
}

void KeyCache::Clear() {
  std::lock_guard lock(mu_);
  ++generation_;
  keks_.clear();
  domains_.clear();
}

std::size_t KeyCache::size() const {
  std::lock_guard lock(mu_);
  return keks_.size() + domains_.size();
}

void KeyCache::PruneLocked(Clock::TimePoint now, bool force) {
  if (now < next_prune_ && !force) return;
  next_prune_ = now + ttl_;
  std::erase_if(keks_, [&](const auto& entry) { return now >= entry.second.expires_at; });
  std::erase_if(domains_, [&](const auto& entry) { return now >= entry.second.expires_at; });
}

}  // namespace sr::keys::internal
