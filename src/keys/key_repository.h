#pragma once
// KeyRepository stores the wrapped keys of the hierarchy below the root:
// workspace KEKs, erasure-domain keys and the tombstones of shredded ones.
// It holds only wrapped bytes and ids, never an unwrapped key. The SQLite
// implementation is sqlite_key_repository.h; the tables are in
// docs/formats/keys.md.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr::keys {

// KekRecord is one version of a workspace key-encryption key.
struct KekRecord {
  std::string workspace_id;
  std::uint32_t version = 0;
  std::vector<std::uint8_t> wrapped;  // under the root
  std::uint32_t root_version = 0;
  std::int64_t created_at = 0;  // Unix seconds
};

// DomainRecord is one erasure-domain key.
struct DomainRecord {
  std::string id;
  std::string workspace_id;
  std::optional<std::string> subject;  // nullopt: the workspace's default domain
  std::uint32_t kek_version = 0;
  std::vector<std::uint8_t> wrapped;  // under that KEK version
  std::int64_t created_at = 0;
};

// KekSummary is a KEK version with the number of domains wrapped under it.
struct KekSummary {
  std::string workspace_id;
  std::uint32_t version = 0;
  std::uint32_t root_version = 0;
  std::int64_t created_at = 0;
  bool current = false;
  std::int64_t domains = 0;
};

// StaleDomain is a domain not wrapped under its workspace's current KEK.
struct StaleDomain {
  DomainRecord domain;
  std::uint32_t current_kek_version = 0;
};

enum class ShredKind { kWorkspace, kErasureDomain };

// Implementations are thread-safe; every method is atomic. Errors never hold
// key bytes.
class KeyRepository {
 public:
  virtual ~KeyRepository() = default;

  // CreateWorkspace inserts KEK version 1 and the default domain together.
  // A workspace with a KEK already is kAlreadyExists.
  virtual Status CreateWorkspace(const KekRecord& kek, const DomainRecord& default_domain) = 0;
  // InsertKek adds a KEK version; an existing (workspace, version) is
  // kAlreadyExists, a shredded workspace kFailedPrecondition.
  virtual Status InsertKek(const KekRecord& kek) = 0;
  // FindKek returns one KEK version, or kNotFound.
  virtual Result<KekRecord> FindKek(std::string_view workspace_id, std::uint32_t version) = 0;
  // CurrentKek returns the workspace's highest KEK version, or kNotFound.
  virtual Result<KekRecord> CurrentKek(std::string_view workspace_id) = 0;
  // ListCurrentKeks returns every workspace's current KEK, by workspace id.
  virtual Result<std::vector<KekRecord>> ListCurrentKeks() = 0;
  // ListKeksNotUnderRoot returns every KEK whose root_version differs from `root_version`.
  virtual Result<std::vector<KekRecord>> ListKeksNotUnderRoot(std::uint32_t root_version) = 0;
  // ReplaceKekWrap sets a KEK's wrapped bytes and root version if its wrapped
  // bytes are still `old_wrapped`; returns whether the row changed.
  virtual Result<bool> ReplaceKekWrap(const KekRecord& old_kek,
                                      std::span<const std::uint8_t> new_wrapped,
                                      std::uint32_t new_root_version) = 0;
  // DeleteRetiredKeks deletes every KEK version that is not its workspace's
  // current one and that no domain references; returns the deleted versions.
  virtual Result<std::vector<KekRecord>> DeleteRetiredKeks() = 0;

  // InsertDomain adds an erasure domain. Another domain for the same
  // (workspace, subject) is kAlreadyExists; a KEK version that no longer
  // exists is kFailedPrecondition.
  virtual Status InsertDomain(const DomainRecord& domain) = 0;
  // FindDomain returns a domain by id, or kNotFound.
  virtual Result<DomainRecord> FindDomain(std::string_view id) = 0;
  // FindDomainBySubject returns the domain of (`workspace_id`, `subject`);
  // nullopt subject finds the default domain. kNotFound if there is none.
  virtual Result<DomainRecord> FindDomainBySubject(std::string_view workspace_id,
                                                   std::optional<std::string_view> subject) = 0;
  // ListStaleDomains returns up to `limit` stale domains with id > `after_id`, by id.
  virtual Result<std::vector<StaleDomain>> ListStaleDomains(std::string_view after_id,
                                                            int limit) = 0;
  // ReplaceDomainWrap sets a domain's wrapped bytes and KEK version if they
  // are still those of `old_domain`; returns whether the row changed.
  virtual Result<bool> ReplaceDomainWrap(const DomainRecord& old_domain,
                                         std::span<const std::uint8_t> new_wrapped,
                                         std::uint32_t new_kek_version) = 0;

  // ShredWorkspace deletes the workspace's domains and KEKs and records
  // tombstones for it and each domain; returns the ids of the domains
  // destroyed. An unknown workspace is kNotFound; a shredded one gives {}.
  virtual Result<std::vector<std::string>> ShredWorkspace(std::string_view workspace_id,
                                                          std::int64_t at) = 0;
  // ShredDomain deletes one domain and records its tombstone; returns its
  // workspace id. Unknown is kNotFound; already shredded gives its workspace.
  virtual Result<std::string> ShredDomain(std::string_view domain_id, std::int64_t at) = 0;
  // IsShredded reports whether a tombstone exists for (`kind`, `id`).
  virtual Result<bool> IsShredded(ShredKind kind, std::string_view id) = 0;

  // ListKekSummaries returns every KEK version with its domain count.
  virtual Result<std::vector<KekSummary>> ListKekSummaries() = 0;
  // Checkpoint moves the write-ahead log into the database file and
  // truncates it, so deleted bytes do not linger there; returns whether it
  // completed (false: a reader held an older snapshot until the busy timeout).
  virtual Result<bool> Checkpoint() = 0;
};

}  // namespace sr::keys
