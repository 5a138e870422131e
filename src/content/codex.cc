// Codex: workspaces, path resolution, listing, deletion and moves. Uploads
// are in codex_upload.cc, reads in codex_read.cc.

#include "content/codex.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "common/hex.h"
#include "identity/token.h"

namespace sr::content {
namespace {

constexpr std::string_view kNamesObjectId = "names";  // the names key's binding
constexpr std::string_view kPersonalName = "Personal";
// kMaxScannedPerPage bounds the rows one listing page decrypts when a name
// prefix filters most of them out; the page then ends early with a cursor.
constexpr int kMaxScannedPerPage = 5000;

keys::DataKeyBinding NamesBinding(const Workspace& w) {
  return {w.id, std::string(kNamesObjectId), 1, w.default_domain_id};
}

std::unexpected<Error> NotFound() { return Fail(ErrorCode::kNotFound, "no object exists at this path"); }

}  // namespace

Codex::Codex(CodexRepository& repo, keys::KeyService& keys, blob::BlobStore& blobs,
             const Clock& clock, CodexOptions options)
    : repo_(repo), keys_(keys), blobs_(blobs), clock_(clock), options_(options) {}

std::int64_t Codex::NowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

Result<NodeNameCipher> Codex::NamesFor(const Workspace& workspace) {
  SR_ASSIGN_OR_RETURN(SecretBytes key,
                      keys_.UnwrapDataKey(NamesBinding(workspace), workspace.names_key_wrapped));
  return NodeNameCipher::Create(key);
}

Result<WorkspaceInfo> Codex::Describe(const Workspace& workspace) {
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NamesFor(workspace));
  SR_ASSIGN_OR_RETURN(std::string name, names.Open(workspace.id, workspace.id, workspace.name_ct));
  return WorkspaceInfo{workspace.id,         std::move(name),
                       workspace.personal,   workspace.used_bytes,
                       options_.workspace_quota_bytes, workspace.created_at};
}

Result<WorkspaceInfo> Codex::EnsurePersonalWorkspace(std::string_view account_id) {
  auto existing = repo_.FindPersonalWorkspace(account_id);
  if (existing) return Describe(*existing);
  if (existing.error().code() != ErrorCode::kNotFound) return std::unexpected(existing.error());

  Workspace w;
  w.id = identity::NewId("wsp");
  w.owner_account_id = std::string(account_id);
  w.personal = true;
  w.created_at = NowSeconds();
  SR_ASSIGN_OR_RETURN(w.default_domain_id, keys_.CreateWorkspace(w.id));
  SR_ASSIGN_OR_RETURN(keys::DataKey names_key, keys_.NewDataKey(NamesBinding(w)));
  w.names_key_wrapped = std::move(names_key.wrapped);
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NodeNameCipher::Create(names_key.key));
  SR_ASSIGN_OR_RETURN(w.name_ct, names.Seal(w.id, w.id, kPersonalName));
  Status created = repo_.CreateWorkspace(w);
  if (!created) {
    (void)keys_.ShredWorkspace(w.id);  // nothing refers to these keys
    if (created.error().code() != ErrorCode::kAlreadyExists) return std::unexpected(created.error());
    SR_ASSIGN_OR_RETURN(Workspace winner, repo_.FindPersonalWorkspace(account_id));
    return Describe(winner);
  }
  return Describe(w);
}

Result<std::vector<WorkspaceInfo>> Codex::ListWorkspaces(std::string_view account_id) {
  SR_TRY(EnsurePersonalWorkspace(account_id));
  SR_ASSIGN_OR_RETURN(std::vector<Workspace> all, repo_.ListWorkspaces(account_id));
  std::vector<WorkspaceInfo> out;
  for (const Workspace& w : all) {
    auto info = Describe(w);
    if (!info && keys::IsKeyDestroyed(info.error())) {
      // A deletion that shredded the keys but stopped before removing the
      // rest: finish it (every step is idempotent) and leave it out.
      (void)DeleteWorkspace(w);
      continue;
    }
    if (!info) return std::unexpected(info.error());
    out.push_back(std::move(*info));
  }
  return out;
}

Result<Workspace> Codex::Authorize(std::string_view account_id, std::string_view workspace_id) {
  auto hidden = [] { return Fail(ErrorCode::kNotFound, "no such workspace"); };
  if (!identity::IsWellFormedId(workspace_id, "wsp")) return hidden();
  auto workspace = repo_.FindWorkspace(workspace_id);
  if (!workspace) {
    if (workspace.error().code() == ErrorCode::kNotFound) return hidden();
    return std::unexpected(workspace.error());
  }
  // Personal workspaces belong to their owner alone; organisation
  // workspaces (memberships) arrive with organisations.
  if (!workspace->owner_account_id || *workspace->owner_account_id != account_id) return hidden();
  return workspace;
}

Result<std::size_t> Codex::PurgeDeleted(std::chrono::seconds retention, int limit) {
  const std::int64_t before = NowSeconds() - retention.count();
  SR_ASSIGN_OR_RETURN(auto blobs, repo_.PurgeDeleted(before, limit));
  for (const auto& [workspace_id, blob_name] : blobs) {
    // The rows are gone, so a blob left here (removal failed) is an orphan
    // that nothing can reach; it is not a dangling reference.
    (void)blobs_.Remove(workspace_id, blob_name);
  }
  return blobs.size();
}

Status Codex::DeleteWorkspace(const Workspace& workspace) {
  // Keys first: from here on no blob or sealed name of the workspace can be
  // decrypted, whatever happens to the steps after.
  SR_TRY(keys_.ShredWorkspace(workspace.id));
  SR_TRY(blobs_.RemoveWorkspace(workspace.id));
  return repo_.DeleteWorkspace(workspace.id);
}

Result<Node> Codex::Resolve(const Workspace& workspace, const NodeNameCipher& names,
                            std::span<const std::string> segments) {
  std::string parent(kRootParent);
  Node node;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    auto found = repo_.FindChild(workspace.id, parent, names.Index(parent, segments[i]));
    if (!found) {
      if (found.error().code() == ErrorCode::kNotFound) return NotFound();
      return std::unexpected(found.error());
    }
    node = std::move(*found);
    if (i + 1 < segments.size() && node.kind != NodeKind::kFolder) return NotFound();
    parent = node.id;
  }
  return node;
}

Result<std::string> Codex::EnsureFolders(const Workspace& workspace, const NodeNameCipher& names,
                                         std::span<const std::string> segments) {
  std::string parent(kRootParent);
  for (const std::string& segment : segments) {
    const NameIndex index = names.Index(parent, segment);
    auto found = repo_.FindChild(workspace.id, parent, index);
    if (!found && found.error().code() == ErrorCode::kNotFound) {
      Node folder;
      folder.id = identity::NewId("fld");
      folder.workspace_id = workspace.id;
      folder.parent_id = parent;
      folder.kind = NodeKind::kFolder;
      SR_ASSIGN_OR_RETURN(folder.name_ct, names.Seal(workspace.id, folder.id, segment));
      folder.name_index = index;
      folder.created_at = NowSeconds();
      Status created = repo_.CreateNode(folder);
      // Another request may have created it meanwhile: use theirs.
      if (!created && created.error().code() != ErrorCode::kAlreadyExists) {
        return std::unexpected(created.error());
      }
      found = created ? Result<Node>(std::move(folder))
                      : repo_.FindChild(workspace.id, parent, index);
    }
    if (!found) return std::unexpected(found.error());
    if (found->kind != NodeKind::kFolder) {
      return std::unexpected(Error(ErrorCode::kAlreadyExists, "a file is in the way of this path")
                                 .WithProblemType("path-conflict"));
    }
    parent = found->id;
  }
  return parent;
}

Result<Node> Codex::EnsureFile(const Workspace& workspace, const NodeNameCipher& names,
                               const ObjectPath& path) {
  const std::span<const std::string> all(path.segments);
  SR_ASSIGN_OR_RETURN(std::string parent, EnsureFolders(workspace, names, all.first(all.size() - 1)));
  const std::string& name = path.segments.back();
  const NameIndex index = names.Index(parent, name);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto found = repo_.FindChild(workspace.id, parent, index);
    if (found) {
      if (found->kind != NodeKind::kFile) {
        return std::unexpected(Error(ErrorCode::kAlreadyExists, "a folder exists at this path")
                                   .WithProblemType("path-conflict"));
      }
      return found;
    }
    if (found.error().code() != ErrorCode::kNotFound) return std::unexpected(found.error());
    Node file;
    file.id = identity::NewId("obj");
    file.workspace_id = workspace.id;
    file.parent_id = parent;
    file.kind = NodeKind::kFile;
    SR_ASSIGN_OR_RETURN(file.name_ct, names.Seal(workspace.id, file.id, name));
    file.name_index = index;
    file.created_at = NowSeconds();
    Status created = repo_.CreateNode(file);
    if (created) return file;
    if (created.error().code() != ErrorCode::kAlreadyExists) return std::unexpected(created.error());
  }
  return Fail(ErrorCode::kUnavailable, "the path is changing; try again");
}

Result<ObjectInfo> Codex::Info(const Node& node, const ObjectVersion& version, std::string path) {
  ObjectInfo info;
  info.path = std::move(path);
  info.object_id = node.id;
  info.version = version.version;
  info.size = version.size;
  info.sha256 = version.sha256;
  info.content_type = version.content_type;
  info.created_at = version.created_at;
  info.current = node.current_version && *node.current_version == version.version;
  return info;
}

Result<std::string> Codex::PathOf(const Workspace& workspace, const NodeNameCipher& names,
                                  const Node& node) {
  std::vector<std::string> parts;
  SR_ASSIGN_OR_RETURN(std::string name, names.Open(workspace.id, node.id, node.name_ct));
  parts.push_back(std::move(name));
  std::string parent = node.parent_id;
  while (parent != kRootParent) {
    if (parts.size() > kMaxPathDepth) return Fail(ErrorCode::kDataLoss, "the file tree has a cycle");
    SR_ASSIGN_OR_RETURN(Node folder, repo_.FindNode(workspace.id, parent));
    SR_ASSIGN_OR_RETURN(std::string folder_name,
                        names.Open(workspace.id, folder.id, folder.name_ct));
    parts.push_back(std::move(folder_name));
    parent = folder.parent_id;
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!out.empty()) out += '/';
    out += *it;
  }
  return out;
}

Result<ObjectInfo> Codex::Stat(const Workspace& workspace, const ObjectPath& path) {
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NamesFor(workspace));
  SR_ASSIGN_OR_RETURN(Node node, Resolve(workspace, names, path.segments));
  if (node.kind != NodeKind::kFile || !node.current_version) return NotFound();
  SR_ASSIGN_OR_RETURN(ObjectVersion version, repo_.FindVersion(node.id, *node.current_version));
  return Info(node, version, path.text());
}

Status Codex::Delete(const Workspace& workspace, const ObjectPath& path,
                     const CommitCondition& condition) {
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NamesFor(workspace));
  SR_ASSIGN_OR_RETURN(Node node, Resolve(workspace, names, path.segments));
  if (node.kind == NodeKind::kFolder) {
    SR_ASSIGN_OR_RETURN(bool busy, repo_.HasLiveChildren(workspace.id, node.id));
    if (busy) {
      return std::unexpected(Error(ErrorCode::kAlreadyExists, "the folder is not empty")
                                 .WithProblemType("folder-not-empty"));
    }
  } else if (!node.current_version) {
    return NotFound();
  }
  return repo_.SoftDelete(workspace.id, node.id, NowSeconds(), condition);
}

Result<std::vector<ObjectInfo>> Codex::Versions(const Workspace& workspace,
                                                const ObjectPath& path) {
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NamesFor(workspace));
  SR_ASSIGN_OR_RETURN(Node node, Resolve(workspace, names, path.segments));
  if (node.kind != NodeKind::kFile || !node.current_version) return NotFound();
  SR_ASSIGN_OR_RETURN(std::vector<ObjectVersion> versions, repo_.ListVersions(node.id));
  std::vector<ObjectInfo> out;
  for (const ObjectVersion& v : versions) {
    SR_ASSIGN_OR_RETURN(ObjectInfo info, Info(node, v, path.text()));
    out.push_back(std::move(info));
  }
  return out;
}

Result<Listing> Codex::List(const Workspace& workspace, std::string_view encoded_prefix,
                            bool delimited, std::string_view cursor, int limit) {
  std::vector<std::string> folder;
  std::string partial;
  SR_TRY(ParsePrefix(encoded_prefix, folder, partial));
  std::int64_t after = 0;
  if (!cursor.empty()) {
    auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), after);
    if (ec != std::errc() || end != cursor.data() + cursor.size() || after < 0) {
      return Fail(ErrorCode::kInvalidArgument, "invalid cursor");
    }
  }
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NamesFor(workspace));
  Listing listing;
  std::string folder_path;
  for (const std::string& s : folder) folder_path += s + "/";

  if (delimited) {
    std::string parent(kRootParent);
    if (!folder.empty()) {
      auto node = Resolve(workspace, names, folder);
      if (!node) {
        if (node.error().code() == ErrorCode::kNotFound) return listing;
        return std::unexpected(node.error());
      }
      if (node->kind != NodeKind::kFolder) return listing;
      parent = node->id;
    }
    int scanned = 0;
    while (static_cast<int>(listing.objects.size() + listing.folders.size()) < limit) {
      const int want = limit - static_cast<int>(listing.objects.size() + listing.folders.size());
      SR_ASSIGN_OR_RETURN(std::vector<Node> batch,
                          repo_.ListChildren(workspace.id, parent, after, want));
      for (const Node& child : batch) {
        after = child.seq;
        SR_ASSIGN_OR_RETURN(std::string name, names.Open(workspace.id, child.id, child.name_ct));
        if (!name.starts_with(partial)) continue;
        if (child.kind == NodeKind::kFolder) {
          listing.folders.push_back(folder_path + name + "/");
        } else {
          SR_ASSIGN_OR_RETURN(ObjectVersion v, repo_.FindVersion(child.id, *child.current_version));
          SR_ASSIGN_OR_RETURN(ObjectInfo info, Info(child, v, folder_path + name));
          listing.objects.push_back(std::move(info));
        }
      }
      scanned += static_cast<int>(batch.size());
      if (static_cast<int>(batch.size()) < want) return listing;  // the folder is exhausted
      if (scanned >= kMaxScannedPerPage) break;
    }
    listing.next_cursor = std::to_string(after);
    return listing;
  }

  const std::string prefix = folder_path + partial;
  int scanned = 0;
  while (static_cast<int>(listing.objects.size()) < limit) {
    const int want = limit - static_cast<int>(listing.objects.size());
    SR_ASSIGN_OR_RETURN(std::vector<Node> batch, repo_.ListFiles(workspace.id, after, want));
    for (const Node& file : batch) {
      after = file.seq;
      SR_ASSIGN_OR_RETURN(std::string path, PathOf(workspace, names, file));
      if (!path.starts_with(prefix)) continue;
      SR_ASSIGN_OR_RETURN(ObjectVersion v, repo_.FindVersion(file.id, *file.current_version));
      SR_ASSIGN_OR_RETURN(ObjectInfo info, Info(file, v, std::move(path)));
      listing.objects.push_back(std::move(info));
    }
    scanned += static_cast<int>(batch.size());
    if (static_cast<int>(batch.size()) < want) return listing;
    if (scanned >= kMaxScannedPerPage) break;
  }
  listing.next_cursor = std::to_string(after);
  return listing;
}

Status Codex::Move(const Workspace& workspace, const ObjectPath& from, const ObjectPath& to) {
  SR_ASSIGN_OR_RETURN(NodeNameCipher names, NamesFor(workspace));
  SR_ASSIGN_OR_RETURN(Node node, Resolve(workspace, names, from.segments));
  if (node.kind == NodeKind::kFile && !node.current_version) return NotFound();
  const std::span<const std::string> target(to.segments);
  SR_ASSIGN_OR_RETURN(std::string parent,
                      EnsureFolders(workspace, names, target.first(target.size() - 1)));
  // A folder cannot move into itself or below itself.
  for (std::string up = parent; up != kRootParent;) {
    if (up == node.id) {
      return Fail(ErrorCode::kInvalidArgument, "a folder cannot move into itself");
    }
    SR_ASSIGN_OR_RETURN(Node folder, repo_.FindNode(workspace.id, up));
    up = folder.parent_id;
  }
  const std::string& name = to.segments.back();
  SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> sealed, names.Seal(workspace.id, node.id, name));
  Status moved = repo_.MoveNode(workspace.id, node.id, parent, sealed, names.Index(parent, name));
  if (!moved && moved.error().code() == ErrorCode::kAlreadyExists) {
    return std::unexpected(Error(ErrorCode::kAlreadyExists, "something already exists at the target")
                               .WithProblemType("path-conflict"));
  }
  return moved;
}

std::string EtagOf(const Sha256& sha256) { return "\"" + HexEncode(sha256) + "\""; }

std::optional<Sha256> ParseEtag(std::string_view etag) {
  if (etag.starts_with("W/")) return std::nullopt;  // weak tags never match strongly
  if (etag.size() != 66 || etag.front() != '"' || etag.back() != '"') return std::nullopt;
  auto bytes = HexDecode(etag.substr(1, 64));
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Sha256 out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace sr::content
