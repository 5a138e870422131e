#pragma once
// FsBlobStore is the local-disk BlobStore: one directory per workspace under
// a root (the [content] blob_dir), writes to a temporary file that is
// fsync'd and renamed over the final name, then the directory fsync'd. The
// layout and the commit protocol are specified in docs/formats/blob-store.md.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "blob/blob_store.h"
#include "blob/file_system.h"
#include "common/error.h"

namespace sr::blob {

namespace internal {
class DurableDirectories;
class LiveTemporaries;
}  // namespace internal

// FsBlobStore implements BlobStore on a local file system through the
// FileSystem seam. Thread-safe, as the interface requires. Writers and
// readers it returns must not outlive it; it must not outlive its FileSystem.
class FsBlobStore final : public BlobStore {
 public:
  ~FsBlobStore() override;
  FsBlobStore(const FsBlobStore&) = delete;
  FsBlobStore& operator=(const FsBlobStore&) = delete;

  Result<std::unique_ptr<BlobWriter>> Create(std::string_view workspace_id,
                                             std::string_view blob_name) override;
  Result<std::unique_ptr<BlobReader>> Open(std::string_view workspace_id,
                                           std::string_view blob_name) override;
  Status Remove(std::string_view workspace_id, std::string_view blob_name) override;
  Status RemoveWorkspace(std::string_view workspace_id) override;
  Result<std::vector<std::string>> List(std::string_view workspace_id) override;
  Result<std::size_t> SweepTemporaries() override;

  const std::filesystem::path& root() const { return root_; }

 private:
  friend Result<std::unique_ptr<FsBlobStore>> OpenFsBlobStore(const std::filesystem::path& root,
                                                              FileSystem& fs);
  FsBlobStore(std::filesystem::path root, FileSystem& fs);

  // EnsureDirectory makes `rel` (relative to root_) a 0700 directory if it
  // is missing; an existing entry must be a real directory (not a symbolic
  // link). Either way the parent is fsync'd, once per directory and process,
  // before `rel` is trusted to hold a durable entry.
  Status EnsureDirectory(const std::filesystem::path& rel);
  // RemoveFilesIn unlinks the regular files in `rel` and then the directory.
  Status RemoveFilesIn(const std::filesystem::path& rel);

  const std::filesystem::path root_;
  FileSystem& fs_;
  std::unique_ptr<internal::LiveTemporaries> live_;
  std::unique_ptr<internal::DurableDirectories> durable_;
};

// OpenFsBlobStore opens the store rooted at `root`, creating the directory
// (mode 0700; missing parents with the default mode) if needed; an existing
// root keeps its mode. `root` may be a symbolic link to a directory. It does
// not sweep temporaries: the caller runs SweepTemporaries at start-up.
// Fails with kFailedPrecondition if `root` exists and is not a directory,
// kUnavailable on I/O errors.
Result<std::unique_ptr<FsBlobStore>> OpenFsBlobStore(const std::filesystem::path& root,
                                                     FileSystem& fs = PosixFileSystem());

// FsBlobRelativePath returns "<workspace_id>/<fan-out>/<blob_name>", where a
// committed blob lives relative to the root, after validating both names.
// For tests and operator tools; callers of the store never need it.
Result<std::string> FsBlobRelativePath(std::string_view workspace_id, std::string_view blob_name);

}  // namespace sr::blob
