#pragma once
// CodexRepository stores workspaces and their file trees: folder and file
// nodes (parent, encrypted name, keyed blind index of the name) and the
// versions of each file. It never sees a plaintext name or a content byte:
// names arrive sealed by NodeNameCipher and content lives in the blob store.
// The tables are described in docs/formats/codex.md. Thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr::content {

using Sha256 = std::array<std::uint8_t, 32>;
using NameIndex = std::array<std::uint8_t, 32>;

struct Workspace {
  std::string id;  // "wsp_" + 22 base62
  std::optional<std::string> owner_account_id;
  bool personal = false;
  std::vector<std::uint8_t> name_ct;  // sealed by NodeNameCipher (node id = workspace id)
  std::string default_domain_id;      // erasure domain of its content
  std::vector<std::uint8_t> names_key_wrapped;  // data key that seals node names
  std::int64_t used_bytes = 0;  // stored bytes, every kept version
  std::int64_t created_at = 0;
};

enum class NodeKind { kFolder, kFile };

// kRootParent is the parent id of top-level nodes.
inline constexpr std::string_view kRootParent = "";

struct Node {
  std::int64_t seq = 0;  // creation order; listing cursor
  std::string id;        // "fld_"/"obj_" + 22 base62; a file's immutable object id
  std::string workspace_id;
  std::string parent_id;  // kRootParent at the top
  NodeKind kind = NodeKind::kFile;
  std::vector<std::uint8_t> name_ct;
  NameIndex name_index{};
  std::int64_t created_at = 0;
  std::optional<std::int64_t> deleted_at;
  std::optional<std::uint64_t> current_version;  // newest committed version
};

struct ObjectVersion {
  std::string node_id;
  std::uint64_t version = 0;
  std::string workspace_id;
  std::string blob_name;
  std::uint64_t size = 0;         // plaintext bytes
  std::uint64_t stored_size = 0;  // blob bytes (counted against the quota)
  Sha256 sha256{};                // of the plaintext: the ETag
  std::string content_type;
  std::string erasure_domain_id;
  std::int64_t created_at = 0;
};

// CommitCondition is a request's precondition, checked atomically with the
// commit (RFC 9110 section 13).
struct CommitCondition {
  std::optional<Sha256> if_match;  // current version must have this hash
  bool if_match_any = false;       // there must be a current version
  bool if_none_match_any = false;  // there must be no current version
};

// CommitOutcome says what the commit displaced: blobs of versions pruned by
// the retention setting, to be removed from the blob store afterwards.
struct CommitOutcome {
  bool became_current = false;
  std::vector<std::string> pruned_blobs;
};

class CodexRepository {
 public:
  virtual ~CodexRepository() = default;

  // Workspaces. A second personal workspace for an account is kAlreadyExists.
  virtual Status CreateWorkspace(const Workspace& workspace) = 0;
  virtual Result<Workspace> FindWorkspace(std::string_view id) = 0;
  virtual Result<Workspace> FindPersonalWorkspace(std::string_view account_id) = 0;
  // ListWorkspaces returns the workspaces `account_id` can reach.
  virtual Result<std::vector<Workspace>> ListWorkspaces(std::string_view account_id) = 0;
  // DeleteWorkspace removes the workspace with every node and version row.
  virtual Status DeleteWorkspace(std::string_view id) = 0;

  // Nodes. Lookups see live (not deleted) nodes only.
  virtual Result<Node> FindChild(std::string_view workspace_id, std::string_view parent_id,
                                 const NameIndex& name_index) = 0;
  virtual Result<Node> FindNode(std::string_view workspace_id, std::string_view node_id) = 0;
  // CreateNode: a live sibling with the same name index is kAlreadyExists.
  virtual Status CreateNode(const Node& node) = 0;
  // ListChildren returns live children with seq > after_seq, by seq, at most
  // `limit`; files without a committed version are left out.
  virtual Result<std::vector<Node>> ListChildren(std::string_view workspace_id,
                                                 std::string_view parent_id,
                                                 std::int64_t after_seq, int limit) = 0;
  // ListFiles is ListChildren over the whole workspace, files only.
  virtual Result<std::vector<Node>> ListFiles(std::string_view workspace_id,
                                              std::int64_t after_seq, int limit) = 0;
  // HasLiveChildren says whether a folder still holds anything.
  virtual Result<bool> HasLiveChildren(std::string_view workspace_id,
                                       std::string_view folder_id) = 0;
  // SoftDelete marks a live node deleted at `at` (kNotFound if not live),
  // checking `condition` against a file's current version.
  virtual Status SoftDelete(std::string_view workspace_id, std::string_view node_id,
                            std::int64_t at, const CommitCondition& condition) = 0;
  // MoveNode gives a live node a new parent and name (kAlreadyExists if the
  // target name is taken).
  virtual Status MoveNode(std::string_view workspace_id, std::string_view node_id,
                          std::string_view new_parent_id, std::span<const std::uint8_t> name_ct,
                          const NameIndex& name_index) = 0;

  // DeleteUnusedFile removes a file node that never got a version, if no
  // version after `reserved` was reserved meanwhile (a concurrent upload).
  virtual Status DeleteUnusedFile(std::string_view workspace_id, std::string_view node_id,
                                  std::uint64_t reserved) = 0;
  // PurgeDeleted removes at most `limit` nodes soft-deleted at or before `before`:
  // their version rows (refunding the quota) and node rows. It returns the
  // (workspace id, blob name) pairs whose blobs the caller must remove.
  virtual Result<std::vector<std::pair<std::string, std::string>>> PurgeDeleted(
      std::int64_t before, int limit) = 0;

  // ReserveVersion returns the next version number of a file, never reused.
  virtual Result<std::uint64_t> ReserveVersion(std::string_view workspace_id,
                                               std::string_view node_id) = 0;
  // CommitVersion records a written version atomically with `condition`
  // (kFailedPrecondition), the quota (kResourceExhausted when used bytes
  // would exceed `quota_bytes`) and retention: beyond the newest
  // `keep_older` older versions, the oldest are deleted and returned.
  virtual Result<CommitOutcome> CommitVersion(const ObjectVersion& version,
                                              const CommitCondition& condition,
                                              std::int64_t quota_bytes, int keep_older) = 0;
  virtual Result<ObjectVersion> FindVersion(std::string_view node_id, std::uint64_t version) = 0;
  // ListVersions returns a file's versions, newest first.
  virtual Result<std::vector<ObjectVersion>> ListVersions(std::string_view node_id) = 0;
};

}  // namespace sr::content
