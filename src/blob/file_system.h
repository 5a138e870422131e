#pragma once
// FileSystem is the seam between the local-disk blob store and the operating
// system: every call that can fail goes through it, so tests can fail a
// write, an fsync or a rename on demand and record the order of calls
// (docs/formats/blob-store.md, "Testing seam"). Calls report the errno value
// of a failure and nothing else; turning it into an sr::Error with context is
// the caller's job.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace sr::blob {

// SysResult is a value or the errno of the system call that failed.
template <typename T>
using SysResult = std::expected<T, int>;

// FileInfo is what the blob store needs from stat(2).
struct FileInfo {
  std::uint64_t size = 0;
  bool regular = false;    // S_ISREG
  bool directory = false;  // S_ISDIR
};

// FileSystem wraps the POSIX calls the local-disk blob store makes. All
// methods must be safe to call from any thread. Paths are used as given;
// descriptors are owned by the caller, who must Close them.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Open is open(2) with O_CLOEXEC added. A file it creates has exactly
  // `mode` (fchmod after creation, so the umask does not apply).
  virtual SysResult<int> Open(const std::filesystem::path& path, int flags, mode_t mode) = 0;
  // Write is one write(2): it may write fewer bytes than given, and may fail
  // with EINTR.
  virtual SysResult<std::size_t> Write(int fd, std::span<const std::uint8_t> data) = 0;
  // ReadAt is one pread(2): it may read fewer bytes than asked; 0 means end
  // of file. May fail with EINTR.
  virtual SysResult<std::size_t> ReadAt(int fd, std::span<std::uint8_t> out,
                                        std::uint64_t offset) = 0;
  // Sync is fsync(2).
  virtual SysResult<void> Sync(int fd) = 0;
  // Close is close(2). The descriptor is released even when it fails.
  virtual SysResult<void> Close(int fd) = 0;
  // Stat is fstat(2).
  virtual SysResult<FileInfo> Stat(int fd) = 0;
  // LinkStat is lstat(2): a symbolic link is neither regular nor directory.
  virtual SysResult<FileInfo> LinkStat(const std::filesystem::path& path) = 0;
  // Rename is rename(2): atomic within one file system.
  virtual SysResult<void> Rename(const std::filesystem::path& from,
                                 const std::filesystem::path& to) = 0;
  // Unlink is unlink(2).
  virtual SysResult<void> Unlink(const std::filesystem::path& path) = 0;
  // MakeDirectory is mkdir(2); a directory it creates has exactly `mode`.
  // An existing entry fails with EEXIST.
  virtual SysResult<void> MakeDirectory(const std::filesystem::path& path, mode_t mode) = 0;
  // RemoveDirectory is rmdir(2).
  virtual SysResult<void> RemoveDirectory(const std::filesystem::path& path) = 0;
  // ListDirectory returns the names in `path` except "." and "..", in no
  // particular order.
  virtual SysResult<std::vector<std::string>> ListDirectory(const std::filesystem::path& path) = 0;
  // SyncDirectory opens `path` as a directory and fsyncs it, making the
  // entries created, renamed or removed in it durable.
  virtual SysResult<void> SyncDirectory(const std::filesystem::path& path) = 0;
  // AdviseSequential is posix_fadvise(POSIX_FADV_SEQUENTIAL) on the whole
  // file; a hint, so it cannot fail.
  virtual void AdviseSequential(int fd) = 0;
};

// PosixFileSystem returns the process-wide FileSystem backed by the real
// system calls. Stateless and thread-safe; it lives until the process exits.
FileSystem& PosixFileSystem();

}  // namespace sr::blob
