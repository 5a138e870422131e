// The real FileSystem: thin wrappers over POSIX calls, reporting errno.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "blob/file_system.h"

namespace sr::blob {
namespace {

namespace fs = std::filesystem;

std::unexpected<int> Errno() { return std::unexpected<int>(errno); }

FileInfo InfoOf(const struct stat& st) {
  return FileInfo{.size = static_cast<std::uint64_t>(st.st_size),
                  .regular = S_ISREG(st.st_mode),
                  .directory = S_ISDIR(st.st_mode)};
}

class RealFileSystem final : public FileSystem {
 public:
  SysResult<int> Open(const fs::path& path, int flags, mode_t mode) override {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) return Errno();
    if ((flags & O_CREAT) != 0 && ::fchmod(fd, mode) != 0) {
      const int err = errno;
      ::close(fd);
      // Only O_EXCL guarantees the file is ours to remove.
      if ((flags & O_EXCL) != 0) ::unlink(path.c_str());
      return std::unexpected<int>(err);
    }
    return fd;
  }

  SysResult<std::size_t> Write(int fd, std::span<const std::uint8_t> data) override {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) return Errno();
    return static_cast<std::size_t>(n);
  }

  SysResult<std::size_t> ReadAt(int fd, std::span<std::uint8_t> out,
                                std::uint64_t offset) override {
    const ssize_t n = ::pread(fd, out.data(), out.size(), static_cast<off_t>(offset));
    if (n < 0) return Errno();
    return static_cast<std::size_t>(n);
  }

  SysResult<void> Sync(int fd) override {
    if (::fsync(fd) != 0) return Errno();
    return {};
  }

  SysResult<void> Close(int fd) override {
    // Linux releases the descriptor even when close fails; never retry it.
    if (::close(fd) != 0) return Errno();
    return {};
  }

  SysResult<FileInfo> Stat(int fd) override {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return Errno();
    return InfoOf(st);
  }

  SysResult<FileInfo> LinkStat(const fs::path& path) override {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return Errno();
    return InfoOf(st);
  }

  SysResult<void> Rename(const fs::path& from, const fs::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Errno();
    return {};
  }

  SysResult<void> Unlink(const fs::path& path) override {
    if (::unlink(path.c_str()) != 0) return Errno();
    return {};
  }

  SysResult<void> MakeDirectory(const fs::path& path, mode_t mode) override {
    if (::mkdir(path.c_str(), mode) != 0) return Errno();
    if (::chmod(path.c_str(), mode) != 0) return Errno();
    return {};
  }

  SysResult<void> RemoveDirectory(const fs::path& path) override {
    if (::rmdir(path.c_str()) != 0) return Errno();
    return {};
  }

  SysResult<std::vector<std::string>> ListDirectory(const fs::path& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return Errno();
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(dir);
      if (entry == nullptr) break;
      if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
      names.emplace_back(entry->d_name);
    }
    const int err = errno;
    ::closedir(dir);
    if (err != 0) return std::unexpected<int>(err);
    return names;
  }

  SysResult<void> SyncDirectory(const fs::path& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno();
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return std::unexpected<int>(err);
    return {};
  }

  void AdviseSequential(int fd) override { (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL); }
};

}  // namespace

FileSystem& PosixFileSystem() {
  static RealFileSystem* const instance = new RealFileSystem();  // never destroyed
  return *instance;
}

}  // namespace sr::blob
