#pragma once
// SqliteCodexRepository is the CodexRepository on the metadata store's SQLite
// database (tables of migration 4), sharing the store's connection pool.

#include "content/codex_repository.h"
#include "store/connection_pool.h"

namespace sr::content {

// SqliteCodexRepository borrows a pooled connection per call; `pool` must
// outlive it and its database must be migrated to version 4 or later. The
// store opens every connection with secure_delete, so removed names and
// hashes are overwritten rather than left in free pages. Thread-safe.
class SqliteCodexRepository final : public CodexRepository {
 public:
  explicit SqliteCodexRepository(store::ConnectionPool& pool) : pool_(pool) {}

  Status CreateWorkspace(const Workspace& workspace) override;
  Result<Workspace> FindWorkspace(std::string_view id) override;
  Result<Workspace> FindPersonalWorkspace(std::string_view account_id) override;
  Result<std::vector<Workspace>> ListWorkspaces(std::string_view account_id) override;
  Status DeleteWorkspace(std::string_view id) override;

  Result<Node> FindChild(std::string_view workspace_id, std::string_view parent_id,
                         const NameIndex& name_index) override;
  Result<Node> FindNode(std::string_view workspace_id, std::string_view node_id) override;
  Status CreateNode(const Node& node) override;
  Result<std::vector<Node>> ListChildren(std::string_view workspace_id,
                                         std::string_view parent_id, std::int64_t after_seq,
                                         int limit) override;
  Result<std::vector<Node>> ListFiles(std::string_view workspace_id, std::int64_t after_seq,
                                      int limit) override;
  Result<bool> HasLiveChildren(std::string_view workspace_id,
                               std::string_view folder_id) override;
  Status SoftDelete(std::string_view workspace_id, std::string_view node_id, std::int64_t at,
                    const CommitCondition& condition) override;
  Status MoveNode(std::string_view workspace_id, std::string_view node_id,
                  std::string_view new_parent_id, std::span<const std::uint8_t> name_ct,
                  const NameIndex& name_index) override;

  Status DeleteUnusedFile(std::string_view workspace_id, std::string_view node_id,
                          std::uint64_t reserved) override;
  Result<std::vector<std::pair<std::string, std::string>>> PurgeDeleted(std::int64_t before,
                                                                        int limit) override;
  Result<std::uint64_t> ReserveVersion(std::string_view workspace_id,
                                       std::string_view node_id) override;
  Result<CommitOutcome> CommitVersion(const ObjectVersion& version,
                                      const CommitCondition& condition, std::int64_t quota_bytes,
                                      int keep_older) override;
  Result<ObjectVersion> FindVersion(std::string_view node_id, std::uint64_t version) override;
  Result<std::vector<ObjectVersion>> ListVersions(std::string_view node_id) override;

 private:
  store::ConnectionPool& pool_;
};

}  // namespace sr::content
