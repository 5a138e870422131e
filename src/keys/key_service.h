#pragma once
// KeyService is the key hierarchy below the root (docs/formats/keys.md):
// workspace KEKs, erasure-domain keys and per-object-version data keys, with
// rotation, rewrap, status and crypto-shredding. It is what the content
// module calls for data keys, the CLI for `strongroom keys`, and the
// rotation job for the schedule.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/secret.h"
#include "keys/internal/key_cache.h"
#include "keys/key_repository.h"
#include "keys/root_keyring.h"

namespace sr::keys {

// kKeyDestroyedProblem is the problem type of a not_found error that means
// "this key existed and was shredded" rather than "no such key".
inline constexpr std::string_view kKeyDestroyedProblem = "key-destroyed";

// IsKeyDestroyed reports whether `error` says a key was crypto-shredded.
bool IsKeyDestroyed(const Error& error);

struct KeyServiceOptions {
  std::chrono::seconds rotate_after{std::chrono::days(90)};        // workspace KEKs
  std::chrono::seconds root_rotate_after{std::chrono::days(365)};  // the root
  std::chrono::seconds cache_ttl{300};                             // 0: no caching
};

// DataKeyBinding names the one object version a data key belongs to; all of
// it is bound into the wrapped key.
struct DataKeyBinding {
  std::string workspace_id;
  std::string object_id;  // immutable object id, not a path
  std::uint64_t version = 0;
  std::string erasure_domain_id;
};

// DataKey is a fresh data key and its wrapped form (kWrappedKeySize bytes),
// which belongs in the object header.
struct DataKey {
  SecretBytes key;
  std::vector<std::uint8_t> wrapped;
};

// RewrapProgress counts what a Rewrap has done so far.
struct RewrapProgress {
  std::int64_t domains_rewrapped = 0;  // moved to their workspace's current KEK
  std::int64_t keks_destroyed = 0;     // old KEK versions no domain needed any more
  std::int64_t keks_rewrapped = 0;     // moved to the current root version
  std::int64_t skipped = 0;            // changed or shredded by someone else meanwhile
};

// RewrapCallback is called after every row Rewrap commits; an error it
// returns stops the rewrap there (and is returned), leaving a state that a
// later Rewrap resumes from.
using RewrapCallback = std::function<Status(const RewrapProgress&)>;

struct RotateDueReport {
  std::optional<std::uint32_t> root_version;  // set if the root was rotated
  std::vector<std::string> workspaces;        // workspaces given a new KEK
};

struct RootStatus {
  std::uint32_t version = 0;
  std::int64_t created_at = 0;  // Unix seconds
  bool current = false;
  std::int64_t keks = 0;  // KEK versions wrapped under it
};

struct KeyStatus {
  std::vector<RootStatus> roots;
  std::vector<KekSummary> keks;
};

struct ShredReport {
  std::int64_t domains_destroyed = 0;
  bool wal_truncated = false;  // false: retry, or the next checkpoint finishes it
};

// KeyService is thread-safe. It owns its keyring and repository; `clock`
// must outlive it. No method's error ever contains key bytes.
class KeyService {
 public:
  // Create checks `options` (non-negative TTL, positive rotation periods).
  static Result<std::unique_ptr<KeyService>> Create(std::unique_ptr<RootKeyring> root,
                                                    std::unique_ptr<KeyRepository> repository,
                                                    const Clock& clock, KeyServiceOptions options);

  // CreateWorkspace makes KEK version 1 and the default erasure domain of a
  // new workspace and returns the domain's id. kAlreadyExists if the
  // workspace has keys; kFailedPrecondition if its keys were shredded.
  Result<std::string> CreateWorkspace(std::string_view workspace_id);
  // CreateErasureDomain makes the domain of one data subject (an opaque id,
  // never personal data) in a workspace and returns its id. kAlreadyExists
  // if the subject has one (FindErasureDomain).
  Result<std::string> CreateErasureDomain(std::string_view workspace_id, std::string_view subject);
  // FindErasureDomain returns the id of the subject's domain, or of the
  // default domain for nullopt; kNotFound if there is none.
  Result<std::string> FindErasureDomain(std::string_view workspace_id,
                                        std::optional<std::string_view> subject);

  // NewDataKey returns a fresh random data key wrapped for `binding`. The
  // domain must belong to the workspace (kInvalidArgument otherwise).
  Result<DataKey> NewDataKey(const DataKeyBinding& binding);
  // UnwrapDataKey returns the data key in `wrapped` if it was made for
  // exactly `binding`; any mismatch or damage is kDataLoss. A shredded
  // domain or workspace is kNotFound with problem type "key-destroyed".
  Result<SecretBytes> UnwrapDataKey(const DataKeyBinding& binding,
                                    std::span<const std::uint8_t> wrapped);

  // Rotate gives the workspace a new KEK version and returns it; new domains
  // are wrapped under it, existing ones move at the next Rewrap.
  Result<std::uint32_t> Rotate(std::string_view workspace_id);
  // RotateAll rotates every workspace and returns how many.
  Result<std::int64_t> RotateAll();
  // RotateRoot adds a root version and returns it; KEKs move at the next Rewrap.
  Result<std::uint32_t> RotateRoot();
  // Rewrap moves every domain key to its workspace's current KEK, destroys
  // KEK versions nothing needs, then moves every KEK to the current root;
  // one small transaction per row, so it is resumable and idempotent.
  Result<RewrapProgress> Rewrap(const RewrapCallback& progress = {});
  // RotateDue rotates the root and every workspace whose current version is
  // at least the configured age at `now`.
  Result<RotateDueReport> RotateDue(Clock::TimePoint now);
  // GetStatus lists every root and KEK version.
  Result<KeyStatus> GetStatus();

  // ShredWorkspace destroys every key of the workspace; ShredErasureDomain
  // one domain key. Afterwards no data key under them can be unwrapped, by
  // this process (the cache is purged before returning) or from the
  // database files (secure delete, WAL truncated). Shredding twice is fine.
  Result<ShredReport> ShredWorkspace(std::string_view workspace_id);
  Result<ShredReport> ShredErasureDomain(std::string_view domain_id);

  // root_unwraps counts root-key unwrap operations since creation.
  std::uint64_t root_unwraps() const { return root_unwraps_.load(); }
  // ClearCache drops every cached key.
  void ClearCache() { cache_.Clear(); }

 private:
  KeyService(std::unique_ptr<RootKeyring> root, std::unique_ptr<KeyRepository> repository,
             const Clock& clock, KeyServiceOptions options)
      : root_(std::move(root)),
        repo_(std::move(repository)),
        clock_(clock),
        options_(options),
        cache_(clock, options.cache_ttl) {}

  std::int64_t NowSeconds() const;
  // KekKey returns an unwrapped KEK, from the cache or by a root unwrap.
  Result<SecretBytes> KekKey(std::string_view workspace_id, std::uint32_t version);
  Result<SecretBytes> UnwrapKek(const KekRecord& kek, std::uint64_t generation);
  // DomainKey returns an unwrapped domain key and its workspace.
  Result<internal::KeyCache::CachedDomain> DomainKey(std::string_view domain_id);
  Result<internal::KeyCache::CachedDomain> LoadDomainKey(std::string_view domain_id);
  // Explain turns a kNotFound for a workspace or domain into the
  // "key-destroyed" error if a tombstone says it was shredded.
  Error Explain(ShredKind kind, std::string_view id, Error error);
  Result<bool> RewrapDomain(const StaleDomain& stale);
  Result<bool> RewrapKek(const KekRecord& kek, std::uint32_t root_version);
  sr::Status RewrapDomains(RewrapProgress& progress, const RewrapCallback& callback);

  const std::unique_ptr<RootKeyring> root_;
  const std::unique_ptr<KeyRepository> repo_;
  const Clock& clock_;
  const KeyServiceOptions options_;
  internal::KeyCache cache_;
  std::atomic<std::uint64_t> root_unwraps_{0};
};

}  // namespace sr::keys
