#pragma once
// SqliteKeyRepository is the KeyRepository on the metadata store's SQLite
// database (tables of migration 3, docs/formats/keys.md), sharing the
// store's connection pool.

#include "keys/key_repository.h"
#include "store/connection_pool.h"

namespace sr::keys {

// SqliteKeyRepository borrows a pooled connection per call; `pool` must
// outlive it and its database must be migrated to version 3 or later. Every
// connection it borrows is switched to PRAGMA secure_delete=ON before use, so
// deleted wrapped keys are overwritten, not left in free space. Thread-safe.
class SqliteKeyRepository final : public KeyRepository {
 public:
  explicit SqliteKeyRepository(store::ConnectionPool& pool) : pool_(pool) {}

  Status CreateWorkspace(const KekRecord& kek, const DomainRecord& default_domain) override;
  Status InsertKek(const KekRecord& kek) override;
  Result<KekRecord> FindKek(std::string_view workspace_id, std::uint32_t version) override;
  Result<KekRecord> CurrentKek(std::string_view workspace_id) override;
  Result<std::vector<KekRecord>> ListCurrentKeks() override;
  Result<std::vector<KekRecord>> ListKeksNotUnderRoot(std::uint32_t root_version) override;
  Result<bool> ReplaceKekWrap(const KekRecord& old_kek, std::span<const std::uint8_t> new_wrapped,
                              std::uint32_t new_root_version) override;
  Result<std::vector<KekRecord>> DeleteRetiredKeks() override;

  Status InsertDomain(const DomainRecord& domain) override;
  Result<DomainRecord> FindDomain(std::string_view id) override;
  Result<DomainRecord> FindDomainBySubject(std::string_view workspace_id,
                                           std::optional<std::string_view> subject) override;
  Result<std::vector<StaleDomain>> ListStaleDomains(std::string_view after_id, int limit) override;
  Result<bool> ReplaceDomainWrap(const DomainRecord& old_domain,
                                 std::span<const std::uint8_t> new_wrapped,
                                 std::uint32_t new_kek_version) override;

  Result<std::vector<std::string>> ShredWorkspace(std::string_view workspace_id,
                                                  std::int64_t at) override;
  Result<std::string> ShredDomain(std::string_view domain_id, std::int64_t at) override;
  Result<bool> IsShredded(ShredKind kind, std::string_view id) override;

  Result<std::vector<KekSummary>> ListKekSummaries() override;
  Result<bool> Checkpoint() override;

 private:
  // Acquire borrows a connection with secure_delete switched on.
  Result<store::ConnectionPool::Lease> Acquire();

  store::ConnectionPool& pool_;
};

}  // namespace sr::keys
