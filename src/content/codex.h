#pragma once
// Codex is a workspace's file tree of versioned, encrypted objects: the
// content service behind /v1/workspaces. Every object version is its own
// blob in the object format (docs/formats/object.md) under a fresh data key
// wrapped for exactly (workspace, object id, version, erasure domain), so a
// blob read in any other place fails to decrypt: tenant isolation holds
// below the access checks, not only in them.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "blob/blob_store.h"
#include "common/clock.h"
#include "common/error.h"
#include "content/codex_repository.h"
#include "content/node_name_cipher.h"
#include "content/object_path.h"
#include "crypto/hash.h"
#include "keys/key_service.h"
#include "object_format/object_format.h"
#include "object_format/reader.h"
#include "object_format/writer.h"

namespace sr::content {

struct CodexOptions {
  std::int64_t workspace_quota_bytes = std::int64_t{100} << 30;
  std::uint64_t max_object_bytes = std::uint64_t{1} << 40;
  int keep_older_versions = 10;
  std::uint32_t segment_size = object_format::kDefaultSegmentSize;
};

// WorkspaceInfo is a workspace as callers see it.
struct WorkspaceInfo {
  std::string id;
  std::string name;
  bool personal = false;
  std::int64_t used_bytes = 0;
  std::int64_t quota_bytes = 0;
  std::int64_t created_at = 0;
};

// ObjectInfo describes one version of a file.
struct ObjectInfo {
  std::string path;
  std::string object_id;
  std::uint64_t version = 0;
  std::uint64_t size = 0;
  Sha256 sha256{};
  std::string content_type;
  std::int64_t created_at = 0;
  bool current = true;
  bool created = false;  // set by Upload::Commit: no version was current before
};

// Listing is one page of a folder listing.
struct Listing {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> folders;  // common prefixes, each ending in '/'
  std::optional<std::string> next_cursor;
};

// Upload streams one new version of an object. Write plaintext in any
// pieces, then Commit; destroying it without Commit discards everything.
// Not thread-safe; it must not outlive the Codex.
class Upload {
 public:
  virtual ~Upload() = default;
  // Write encrypts and stores the next plaintext bytes. Beyond the declared
  // or maximum size it fails with kResourceExhausted.
  virtual Status Write(std::span<const std::uint8_t> plaintext) = 0;
  // Commit seals the object, checks `expected_sha256` (kInvalidArgument on
  // a mismatch: the body is not what the client hashed), makes the blob
  // durable, and records the version atomically with the request's
  // precondition and the quota.
  virtual Result<ObjectInfo> Commit(const std::optional<Sha256>& expected_sha256) = 0;
};

// ObjectStream yields the verified plaintext of a byte range, in order.
class ObjectStream {
 public:
  virtual ~ObjectStream() = default;
  // Next fills the front of `out` and returns the count, 0 at the end. Bytes
  // are returned only after their segment's tag has verified.
  virtual Result<std::size_t> Next(std::span<std::uint8_t> out) = 0;
};

// ObjectSource opens verified range streams over one object version.
class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  // Stream returns a stream of bytes [first, last] (kOutOfRange if not
  // first <= last < size). The object's length is verified first.
  virtual Result<std::unique_ptr<ObjectStream>> Stream(std::uint64_t first, std::uint64_t last) = 0;
};

// OpenedObject is a readable object version.
struct OpenedObject {
  ObjectInfo info;
  std::shared_ptr<ObjectSource> source;
};

// Codex is thread-safe. The repository, key service, blob store and clock
// must outlive it.
class Codex {
 public:
  Codex(CodexRepository& repo, keys::KeyService& keys, blob::BlobStore& blobs, const Clock& clock,
        CodexOptions options);

  // EnsurePersonalWorkspace returns the account's personal workspace,
  // creating it (keys, names key, row) on first use.
  Result<WorkspaceInfo> EnsurePersonalWorkspace(std::string_view account_id);
  // ListWorkspaces returns what the account can reach.
  Result<std::vector<WorkspaceInfo>> ListWorkspaces(std::string_view account_id);
  // Authorize returns the workspace if `account_id` may use it. A workspace
  // that does not exist and one the account may not reach are the same
  // kNotFound, so ids cannot be probed.
  Result<Workspace> Authorize(std::string_view account_id, std::string_view workspace_id);
  // DeleteWorkspace crypto-shreds the workspace: its keys are destroyed
  // first (after which no blob of it can be decrypted), then its blobs and
  // rows are removed.
  Status DeleteWorkspace(const Workspace& workspace);

  // PurgeDeleted removes up to `limit` files deleted more than `retention`
  // ago, with every version and blob, and returns how many blobs went.
  Result<std::size_t> PurgeDeleted(std::chrono::seconds retention, int limit);

  // BeginUpload resolves `path` (creating folders and the file as needed),
  // reserves a version and starts its blob. `declared_size`, when known, is
  // checked against the object limit and the quota before any byte is read.
  Result<std::unique_ptr<Upload>> BeginUpload(const Workspace& workspace, const ObjectPath& path,
                                              std::string_view content_type,
                                              const CommitCondition& condition,
                                              std::optional<std::uint64_t> declared_size);
  // Open opens the current version of `path`, or `version`.
  Result<OpenedObject> Open(const Workspace& workspace, const ObjectPath& path,
                            std::optional<std::uint64_t> version = std::nullopt);
  // Stat describes the current version of `path` without opening its blob.
  Result<ObjectInfo> Stat(const Workspace& workspace, const ObjectPath& path);
  // Delete soft-deletes a file (its versions stay until retention ends), or
  // removes an empty folder (kFailedPrecondition if it is not empty).
  Status Delete(const Workspace& workspace, const ObjectPath& path,
                const CommitCondition& condition);
  // List lists a folder (delimiter) or everything under a prefix.
  Result<Listing> List(const Workspace& workspace, std::string_view encoded_prefix,
                       bool delimited, std::string_view cursor, int limit);
  // Versions lists the kept versions of a file, newest first.
  Result<std::vector<ObjectInfo>> Versions(const Workspace& workspace, const ObjectPath& path);
  // Copy writes the current version of `from` as a new version of `to`,
  // re-encrypted for the target's object id. Move renames a file or folder.
  Result<ObjectInfo> Copy(const Workspace& workspace, const ObjectPath& from, const ObjectPath& to,
                          const CommitCondition& condition);
  Status Move(const Workspace& workspace, const ObjectPath& from, const ObjectPath& to);

 private:
  friend class UploadImpl;
  Result<NodeNameCipher> NamesFor(const Workspace& workspace);
  Result<WorkspaceInfo> Describe(const Workspace& workspace);
  // Resolve walks `path` to a live node; kNotFound if any part is missing.
  Result<Node> Resolve(const Workspace& workspace, const NodeNameCipher& names,
                       std::span<const std::string> segments);
  // EnsureFolders walks and creates the folders of `segments`.
  Result<std::string> EnsureFolders(const Workspace& workspace, const NodeNameCipher& names,
                                    std::span<const std::string> segments);
  Result<Node> EnsureFile(const Workspace& workspace, const NodeNameCipher& names,
                          const ObjectPath& path);
  Result<ObjectInfo> Info(const Node& node, const ObjectVersion& version, std::string path);
  Result<std::string> PathOf(const Workspace& workspace, const NodeNameCipher& names,
                             const Node& node);
  std::int64_t NowSeconds() const;

  CodexRepository& repo_;
  keys::KeyService& keys_;
  blob::BlobStore& blobs_;
  const Clock& clock_;
  CodexOptions options_;
};

// EtagOf renders a SHA-256 as the quoted strong entity tag clients see.
std::string EtagOf(const Sha256& sha256);
// ParseEtag reads one quoted entity tag made by EtagOf.
std::optional<Sha256> ParseEtag(std::string_view etag);

}  // namespace sr::content
