#include "content/sqlite_codex_repository.h"

#include <algorithm>

#include "store/sqlite.h"

namespace sr::content {
namespace {

using store::CachedStatement;
using store::ConnectionPool;
using store::Statement;
using store::StepResult;

#define SR_WORKSPACE_COLUMNS                                                            \
  "SELECT id, owner_account_id, personal, name_ct, default_domain_id, names_key_wrapped, " \
  "used_bytes, created_at FROM workspaces "
#define SR_NODE_COLUMNS                                                                  \
  "SELECT seq, id, workspace_id, parent_id, kind, name_ct, name_bidx, created_at, "      \
  "deleted_at, current_version FROM nodes "
#define SR_VERSION_COLUMNS                                                              \
  "SELECT node_id, version, workspace_id, blob_name, size, stored_size, sha256, "       \
  "content_type, erasure_domain_id, created_at FROM object_versions "

Status Done(Statement& statement) {
  SR_ASSIGN_OR_RETURN(StepResult step, statement.Step());
  if (step != StepResult::kDone) return Fail(ErrorCode::kInternal, "statement returned a row");
  return Ok();
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> ColumnArray(const Statement& row, int column) {
  const std::vector<std::uint8_t> bytes = row.ColumnBlob(column);
  std::array<std::uint8_t, N> out{};
  if (bytes.size() != N) return Fail(ErrorCode::kDataLoss, "stored digest has the wrong size");
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Workspace ReadWorkspace(const Statement& row) {
  Workspace w;
  w.id = row.ColumnText(0);
  if (!row.ColumnIsNull(1)) w.owner_account_id = row.ColumnText(1);
  w.personal = row.ColumnInt64(2) != 0;
  w.name_ct = row.ColumnBlob(3);
  w.default_domain_id = row.ColumnText(4);
  w.names_key_wrapped = row.ColumnBlob(5);
  w.used_bytes = row.ColumnInt64(6);
  w.created_at = row.ColumnInt64(7);
  return w;
}

Result<Node> ReadNode(const Statement& row) {
  Node n;
  n.seq = row.ColumnInt64(0);
  n.id = row.ColumnText(1);
  n.workspace_id = row.ColumnText(2);
  n.parent_id = row.ColumnText(3);
  n.kind = row.ColumnText(4) == "folder" ? NodeKind::kFolder : NodeKind::kFile;
  n.name_ct = row.ColumnBlob(5);
  SR_ASSIGN_OR_RETURN(n.name_index, ColumnArray<32>(row, 6));
  n.created_at = row.ColumnInt64(7);
  if (!row.ColumnIsNull(8)) n.deleted_at = row.ColumnInt64(8);
  if (!row.ColumnIsNull(9)) n.current_version = static_cast<std::uint64_t>(row.ColumnInt64(9));
  return n;
}

Result<ObjectVersion> ReadVersion(const Statement& row) {
  ObjectVersion v;
  v.node_id = row.ColumnText(0);
  v.version = static_cast<std::uint64_t>(row.ColumnInt64(1));
  v.workspace_id = row.ColumnText(2);
  v.blob_name = row.ColumnText(3);
  v.size = static_cast<std::uint64_t>(row.ColumnInt64(4));
  v.stored_size = static_cast<std::uint64_t>(row.ColumnInt64(5));
  SR_ASSIGN_OR_RETURN(v.sha256, ColumnArray<32>(row, 6));
  v.content_type = row.ColumnText(7);
  v.erasure_domain_id = row.ColumnText(8);
  v.created_at = row.ColumnInt64(9);
  return v;
}

template <typename T, typename Read>
Result<std::vector<T>> ReadAll(Statement& statement, Read read) {
  std::vector<T> out;
  for (;;) {
    SR_ASSIGN_OR_RETURN(StepResult step, statement.Step());
    if (step == StepResult::kDone) return out;
    SR_ASSIGN_OR_RETURN(T item, read(statement));
    out.push_back(std::move(item));
  }
}

std::string_view KindName(NodeKind kind) { return kind == NodeKind::kFolder ? "folder" : "file"; }

// CheckCondition evaluates a precondition against a node's current version.
Status CheckCondition(store::Database& db, std::string_view node_id,
                      std::optional<std::int64_t> current, const CommitCondition& condition) {
  if (condition.if_none_match_any && current) {
    return Fail(ErrorCode::kFailedPrecondition, "the object already exists");
  }
  if (condition.if_match_any && !current) {
    return Fail(ErrorCode::kFailedPrecondition, "the object does not exist");
  }
  if (condition.if_match) {
    if (!current) return Fail(ErrorCode::kFailedPrecondition, "the object does not exist");
    SR_ASSIGN_OR_RETURN(CachedStatement hash,
                        db.PrepareCached("SELECT sha256 FROM object_versions "
                                         "WHERE node_id = ?1 AND version = ?2"));
    SR_TRY(hash->BindText(1, node_id));
    SR_TRY(hash->BindInt64(2, *current));
    SR_ASSIGN_OR_RETURN(StepResult step, hash->Step());
    if (step != StepResult::kRow) return Fail(ErrorCode::kDataLoss, "current version is missing");
    SR_ASSIGN_OR_RETURN(Sha256 stored, ColumnArray<32>(*hash, 0));
    if (stored != *condition.if_match) {
      return Fail(ErrorCode::kFailedPrecondition, "the object has changed");
    }
  }
  return Ok();
}

}  // namespace

Status SqliteCodexRepository::CreateWorkspace(const Workspace& w) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement insert,
      db->PrepareCached("INSERT INTO workspaces(id, owner_account_id, personal, name_ct, "
                        "default_domain_id, names_key_wrapped, used_bytes, created_at) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)"));
  SR_TRY(insert->BindText(1, w.id));
  SR_TRY(w.owner_account_id ? insert->BindText(2, *w.owner_account_id) : insert->BindNull(2));
  SR_TRY(insert->BindInt64(3, w.personal ? 1 : 0));
  SR_TRY(insert->BindBlob(4, w.name_ct));
  SR_TRY(insert->BindText(5, w.default_domain_id));
  SR_TRY(insert->BindBlob(6, w.names_key_wrapped));
  SR_TRY(insert->BindInt64(7, w.created_at));
  return Done(*insert);
}

Result<Workspace> SqliteCodexRepository::FindWorkspace(std::string_view id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement select, db->PrepareCached(SR_WORKSPACE_COLUMNS "WHERE id = ?1"));
  SR_TRY(select->BindText(1, id));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "workspace not found");
  return ReadWorkspace(*select);
}

Result<Workspace> SqliteCodexRepository::FindPersonalWorkspace(std::string_view account_id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement select,
      db->PrepareCached(SR_WORKSPACE_COLUMNS "WHERE owner_account_id = ?1 AND personal = 1"));
  SR_TRY(select->BindText(1, account_id));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "workspace not found");
  return ReadWorkspace(*select);
}

Result<std::vector<Workspace>> SqliteCodexRepository::ListWorkspaces(std::string_view account_id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement select,
      db->PrepareCached(SR_WORKSPACE_COLUMNS "WHERE owner_account_id = ?1 ORDER BY created_at, id"));
  SR_TRY(select->BindText(1, account_id));
  return ReadAll<Workspace>(*select, [](const Statement& row) -> Result<Workspace> {
    return ReadWorkspace(row);
  });
}

Status SqliteCodexRepository::DeleteWorkspace(std::string_view id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db));
  for (std::string_view sql : {"DELETE FROM object_versions WHERE workspace_id = ?1",
                               "DELETE FROM nodes WHERE workspace_id = ?1",
                               "DELETE FROM workspaces WHERE id = ?1"}) {
    SR_ASSIGN_OR_RETURN(CachedStatement del, db->PrepareCached(sql));
    SR_TRY(del->BindText(1, id));
    SR_TRY(Done(*del));
  }
  return tx.Commit();
}

Result<Node> SqliteCodexRepository::FindChild(std::string_view workspace_id,
                                              std::string_view parent_id,
                                              const NameIndex& name_index) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement select,
                      db->PrepareCached(SR_NODE_COLUMNS
                                        "WHERE workspace_id = ?1 AND parent_id = ?2 "
                                        "AND name_bidx = ?3 AND deleted_at IS NULL"));
  SR_TRY(select->BindText(1, workspace_id));
  SR_TRY(select->BindText(2, parent_id));
  SR_TRY(select->BindBlob(3, name_index));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "not found");
  return ReadNode(*select);
}

Result<Node> SqliteCodexRepository::FindNode(std::string_view workspace_id,
                                             std::string_view node_id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement select,
                      db->PrepareCached(SR_NODE_COLUMNS
                                        "WHERE id = ?1 AND workspace_id = ?2 "
                                        "AND deleted_at IS NULL"));
  SR_TRY(select->BindText(1, node_id));
  SR_TRY(select->BindText(2, workspace_id));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "not found");
  return ReadNode(*select);
}

Status SqliteCodexRepository::CreateNode(const Node& node) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement insert,
      db->PrepareCached("INSERT INTO nodes(id, workspace_id, parent_id, kind, name_ct, name_bidx, "
                        "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  SR_TRY(insert->BindText(1, node.id));
  SR_TRY(insert->BindText(2, node.workspace_id));
  SR_TRY(insert->BindText(3, node.parent_id));
  SR_TRY(insert->BindText(4, KindName(node.kind)));
  SR_TRY(insert->BindBlob(5, node.name_ct));
  SR_TRY(insert->BindBlob(6, node.name_index));
  SR_TRY(insert->BindInt64(7, node.created_at));
  return Done(*insert);
}

Result<std::vector<Node>> SqliteCodexRepository::ListChildren(std::string_view workspace_id,
                                                              std::string_view parent_id,
                                                              std::int64_t after_seq, int limit) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement select,
      db->PrepareCached(SR_NODE_COLUMNS
                        "WHERE workspace_id = ?1 AND parent_id = ?2 AND seq > ?3 "
                        "AND deleted_at IS NULL AND (kind = 'folder' OR current_version IS NOT NULL) "
                        "ORDER BY seq LIMIT ?4"));
  SR_TRY(select->BindText(1, workspace_id));
  SR_TRY(select->BindText(2, parent_id));
  SR_TRY(select->BindInt64(3, after_seq));
  SR_TRY(select->BindInt64(4, limit));
  return ReadAll<Node>(*select, ReadNode);
}

Result<std::vector<Node>> SqliteCodexRepository::ListFiles(std::string_view workspace_id,
                                                           std::int64_t after_seq, int limit) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement select,
      db->PrepareCached(SR_NODE_COLUMNS
                        "WHERE workspace_id = ?1 AND seq > ?2 AND kind = 'file' "
                        "AND deleted_at IS NULL AND current_version IS NOT NULL "
                        "ORDER BY seq LIMIT ?3"));
  SR_TRY(select->BindText(1, workspace_id));
  SR_TRY(select->BindInt64(2, after_seq));
  SR_TRY(select->BindInt64(3, limit));
  return ReadAll<Node>(*select, ReadNode);
}

Result<bool> SqliteCodexRepository::HasLiveChildren(std::string_view workspace_id,
                                                    std::string_view folder_id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement select,
      db->PrepareCached("SELECT 1 FROM nodes WHERE workspace_id = ?1 AND parent_id = ?2 "
                        "AND deleted_at IS NULL AND (kind = 'folder' OR current_version IS NOT NULL) "
                        "LIMIT 1"));
  SR_TRY(select->BindText(1, workspace_id));
  SR_TRY(select->BindText(2, folder_id));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  return step == StepResult::kRow;
}

Status SqliteCodexRepository::SoftDelete(std::string_view workspace_id, std::string_view node_id,
                                         std::int64_t at, const CommitCondition& condition) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db));
  SR_ASSIGN_OR_RETURN(CachedStatement select,
                      db->PrepareCached("SELECT current_version FROM nodes WHERE id = ?1 "
                                        "AND workspace_id = ?2 AND deleted_at IS NULL"));
  SR_TRY(select->BindText(1, node_id));
  SR_TRY(select->BindText(2, workspace_id));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "not found");
  std::optional<std::int64_t> current;
  if (!select->ColumnIsNull(0)) current = select->ColumnInt64(0);
  SR_TRY(select->Reset());
  SR_TRY(CheckCondition(*db, node_id, current, condition));
  SR_ASSIGN_OR_RETURN(CachedStatement update,
                      db->PrepareCached("UPDATE nodes SET deleted_at = ?2 WHERE id = ?1"));
  SR_TRY(update->BindText(1, node_id));
  SR_TRY(update->BindInt64(2, at));
  SR_TRY(Done(*update));
  return tx.Commit();
}

Status SqliteCodexRepository::MoveNode(std::string_view workspace_id, std::string_view node_id,
                                       std::string_view new_parent_id,
                                       std::span<const std::uint8_t> name_ct,
                                       const NameIndex& name_index) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement update,
      db->PrepareCached("UPDATE nodes SET parent_id = ?3, name_ct = ?4, name_bidx = ?5 "
                        "WHERE id = ?1 AND workspace_id = ?2 AND deleted_at IS NULL"));
  SR_TRY(update->BindText(1, node_id));
  SR_TRY(update->BindText(2, workspace_id));
  SR_TRY(update->BindText(3, new_parent_id));
  SR_TRY(update->BindBlob(4, name_ct));
  SR_TRY(update->BindBlob(5, name_index));
  SR_TRY(Done(*update));
  if (db->Changes() == 0) return Fail(ErrorCode::kNotFound, "not found");
  return Ok();
}

Status SqliteCodexRepository::DeleteUnusedFile(std::string_view workspace_id,
                                               std::string_view node_id, std::uint64_t reserved) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement del,
      db->PrepareCached("DELETE FROM nodes WHERE id = ?1 AND workspace_id = ?2 AND kind = 'file' "
                        "AND current_version IS NULL AND next_version = ?3 + 1 "
                        "AND NOT EXISTS (SELECT 1 FROM object_versions WHERE node_id = ?1)"));
  SR_TRY(del->BindText(1, node_id));
  SR_TRY(del->BindText(2, workspace_id));
  SR_TRY(del->BindInt64(3, static_cast<std::int64_t>(reserved)));
  return Done(*del);
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteCodexRepository::PurgeDeleted(
    std::int64_t before, int limit) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db));
  SR_ASSIGN_OR_RETURN(CachedStatement expired,
                      db->PrepareCached("SELECT id, workspace_id FROM nodes WHERE deleted_at IS NOT "
                                        "NULL AND deleted_at <= ?1 ORDER BY deleted_at LIMIT ?2"));
  SR_TRY(expired->BindInt64(1, before));
  SR_TRY(expired->BindInt64(2, limit));
  std::vector<std::pair<std::string, std::string>> nodes;  // node id, workspace id
  for (;;) {
    SR_ASSIGN_OR_RETURN(StepResult step, expired->Step());
    if (step == StepResult::kDone) break;
    nodes.emplace_back(expired->ColumnText(0), expired->ColumnText(1));
  }
  SR_TRY(expired->Reset());
  std::vector<std::pair<std::string, std::string>> blobs;
  for (const auto& [node_id, workspace_id] : nodes) {
    SR_ASSIGN_OR_RETURN(CachedStatement versions,
                        db->PrepareCached("SELECT blob_name, stored_size FROM object_versions "
                                          "WHERE node_id = ?1"));
    SR_TRY(versions->BindText(1, node_id));
    std::int64_t stored = 0;
    for (;;) {
      SR_ASSIGN_OR_RETURN(StepResult step, versions->Step());
      if (step == StepResult::kDone) break;
      blobs.emplace_back(workspace_id, versions->ColumnText(0));
      stored += versions->ColumnInt64(1);
    }
    SR_TRY(versions->Reset());
    for (std::string_view sql : {"DELETE FROM object_versions WHERE node_id = ?1",
                                 "DELETE FROM nodes WHERE id = ?1"}) {
      SR_ASSIGN_OR_RETURN(CachedStatement del, db->PrepareCached(sql));
      SR_TRY(del->BindText(1, node_id));
      SR_TRY(Done(*del));
    }
    SR_ASSIGN_OR_RETURN(CachedStatement refund,
                        db->PrepareCached("UPDATE workspaces SET used_bytes = used_bytes - ?2 "
                                          "WHERE id = ?1"));
    SR_TRY(refund->BindText(1, workspace_id));
    SR_TRY(refund->BindInt64(2, stored));
    SR_TRY(Done(*refund));
  }
  SR_TRY(tx.Commit());
  return blobs;
}

Result<std::uint64_t> SqliteCodexRepository::ReserveVersion(std::string_view workspace_id,
                                                            std::string_view node_id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(
      CachedStatement update,
      db->PrepareCached("UPDATE nodes SET next_version = next_version + 1 "
                        "WHERE id = ?1 AND workspace_id = ?2 AND kind = 'file' "
                        "AND deleted_at IS NULL RETURNING next_version - 1"));
  SR_TRY(update->BindText(1, node_id));
  SR_TRY(update->BindText(2, workspace_id));
  SR_ASSIGN_OR_RETURN(StepResult step, update->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "not found");
  const auto version = static_cast<std::uint64_t>(update->ColumnInt64(0));
  SR_TRY(update->Reset());
  return version;
}

Result<CommitOutcome> SqliteCodexRepository::CommitVersion(const ObjectVersion& v,
                                                           const CommitCondition& condition,
                                                           std::int64_t quota_bytes,
                                                           int keep_older) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db));
  SR_ASSIGN_OR_RETURN(CachedStatement node,
                      db->PrepareCached("SELECT current_version FROM nodes WHERE id = ?1 "
                                        "AND workspace_id = ?2 AND deleted_at IS NULL"));
  SR_TRY(node->BindText(1, v.node_id));
  SR_TRY(node->BindText(2, v.workspace_id));
  SR_ASSIGN_OR_RETURN(StepResult step, node->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "not found");
  std::optional<std::int64_t> current;
  if (!node->ColumnIsNull(0)) current = node->ColumnInt64(0);
  SR_TRY(node->Reset());
  SR_TRY(CheckCondition(*db, v.node_id, current, condition));

  SR_ASSIGN_OR_RETURN(CachedStatement charge,
                      db->PrepareCached("UPDATE workspaces SET used_bytes = used_bytes + ?2 "
                                        "WHERE id = ?1 AND used_bytes + ?2 <= ?3"));
  SR_TRY(charge->BindText(1, v.workspace_id));
  SR_TRY(charge->BindInt64(2, static_cast<std::int64_t>(v.stored_size)));
  SR_TRY(charge->BindInt64(3, quota_bytes));
  SR_TRY(Done(*charge));
  if (db->Changes() == 0) {
    return std::unexpected(
        Error(ErrorCode::kResourceExhausted, "the workspace's storage quota is exhausted")
            .WithProblemType("quota-exceeded"));
  }

  SR_ASSIGN_OR_RETURN(
      CachedStatement insert,
      db->PrepareCached("INSERT INTO object_versions(node_id, version, workspace_id, blob_name, "
                        "size, stored_size, sha256, content_type, erasure_domain_id, created_at) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  SR_TRY(insert->BindText(1, v.node_id));
  SR_TRY(insert->BindInt64(2, static_cast<std::int64_t>(v.version)));
  SR_TRY(insert->BindText(3, v.workspace_id));
  SR_TRY(insert->BindText(4, v.blob_name));
  SR_TRY(insert->BindInt64(5, static_cast<std::int64_t>(v.size)));
  SR_TRY(insert->BindInt64(6, static_cast<std::int64_t>(v.stored_size)));
  SR_TRY(insert->BindBlob(7, v.sha256));
  SR_TRY(insert->BindText(8, v.content_type));
  SR_TRY(insert->BindText(9, v.erasure_domain_id));
  SR_TRY(insert->BindInt64(10, v.created_at));
  SR_TRY(Done(*insert));

  CommitOutcome outcome;
  outcome.became_current = !current || static_cast<std::int64_t>(v.version) > *current;
  if (outcome.became_current) {
    SR_ASSIGN_OR_RETURN(CachedStatement promote,
                        db->PrepareCached("UPDATE nodes SET current_version = ?2 WHERE id = ?1"));
    SR_TRY(promote->BindText(1, v.node_id));
    SR_TRY(promote->BindInt64(2, static_cast<std::int64_t>(v.version)));
    SR_TRY(Done(*promote));
  }

  // Retention: keep the newest version and `keep_older` before it.
  SR_ASSIGN_OR_RETURN(CachedStatement old,
                      db->PrepareCached("SELECT version, blob_name, stored_size FROM object_versions "
                                        "WHERE node_id = ?1 ORDER BY version DESC "
                                        "LIMIT -1 OFFSET ?2"));
  SR_TRY(old->BindText(1, v.node_id));
  SR_TRY(old->BindInt64(2, keep_older + 1));
  std::vector<std::pair<std::int64_t, std::int64_t>> pruned;  // version, stored size
  for (;;) {
    SR_ASSIGN_OR_RETURN(StepResult row, old->Step());
    if (row == StepResult::kDone) break;
    pruned.emplace_back(old->ColumnInt64(0), old->ColumnInt64(2));
    outcome.pruned_blobs.push_back(old->ColumnText(1));
  }
  SR_TRY(old->Reset());
  for (const auto& [version, stored] : pruned) {
    SR_ASSIGN_OR_RETURN(CachedStatement del,
                        db->PrepareCached("DELETE FROM object_versions "
                                          "WHERE node_id = ?1 AND version = ?2"));
    SR_TRY(del->BindText(1, v.node_id));
    SR_TRY(del->BindInt64(2, version));
    SR_TRY(Done(*del));
    SR_ASSIGN_OR_RETURN(CachedStatement refund,
                        db->PrepareCached("UPDATE workspaces SET used_bytes = used_bytes - ?2 "
                                          "WHERE id = ?1"));
    SR_TRY(refund->BindText(1, v.workspace_id));
    SR_TRY(refund->BindInt64(2, stored));
    SR_TRY(Done(*refund));
  }
  SR_TRY(tx.Commit());
  return outcome;
}

Result<ObjectVersion> SqliteCodexRepository::FindVersion(std::string_view node_id,
                                                         std::uint64_t version) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement select,
                      db->PrepareCached(SR_VERSION_COLUMNS "WHERE node_id = ?1 AND version = ?2"));
  SR_TRY(select->BindText(1, node_id));
  SR_TRY(select->BindInt64(2, static_cast<std::int64_t>(version)));
  SR_ASSIGN_OR_RETURN(StepResult step, select->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "version not found");
  return ReadVersion(*select);
}

Result<std::vector<ObjectVersion>> SqliteCodexRepository::ListVersions(std::string_view node_id) {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement select,
                      db->PrepareCached(SR_VERSION_COLUMNS "WHERE node_id = ?1 ORDER BY version DESC"));
  SR_TRY(select->BindText(1, node_id));
  return ReadAll<ObjectVersion>(*select, ReadVersion);
}

#undef SR_WORKSPACE_COLUMNS
#undef SR_NODE_COLUMNS
#undef SR_VERSION_COLUMNS

}  // namespace sr::content
