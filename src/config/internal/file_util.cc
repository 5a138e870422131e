#include "config/internal/file_util.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace sr::config::internal {
namespace {

namespace fs = std::filesystem;

std::unexpected<Error> IoError(std::string_view what, const fs::path& path, int err) {
  return Fail(ErrorCode::kUnavailable, fmt::format("cannot {} {}: {}", what, path.string(),
                                                   std::generic_category().message(err)));
}

// WriteAllAndSync writes every byte of `data` to `fd` and fsyncs it.
Status WriteAllAndSync(int fd, std::span<const std::uint8_t> data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("write", path, n < 0 ? errno : EIO);
    data = data.subspan(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return IoError("fsync", path, errno);
  return Ok();
}

fs::path ParentOf(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

}  // namespace

Status WriteNewFile(const fs::path& path, std::span<const std::uint8_t> data, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Fail(ErrorCode::kAlreadyExists,
                  fmt::format("{} already exists; refusing to overwrite it", path.string()));
    }
    return IoError("create", path, errno);
  }
  Status written = WriteAllAndSync(fd, data, path);
  const int close_rc = ::close(fd);
  if (written && close_rc != 0) written = IoError("close", path, errno);
  if (!written) {
    ::unlink(path.c_str());
    return written;
  }
  return SyncDirectory(ParentOf(path));
}

Status ReplaceFile(const fs::path& path, std::span<const std::uint8_t> data, mode_t mode) {
  std::string tmp = path.string() + ".tmp-XXXXXX";
  // mkstemp creates the file with mode 0600, so it is never wider than asked.
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return IoError("create a temporary file for", path, errno);
  Status written = Ok();
  if (::fchmod(fd, mode) != 0) written = IoError("chmod", tmp, errno);
  if (written) written = WriteAllAndSync(fd, data, tmp);
  const int close_rc = ::close(fd);
  if (written && close_rc != 0) written = IoError("close", tmp, errno);
  if (written && ::rename(tmp.c_str(), path.c_str()) != 0) {
    written = IoError("rename a temporary file onto", path, errno);
  }
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  return SyncDirectory(ParentOf(path));
}

Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open directory", dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return IoError("fsync directory", dir, err);
  return Ok();
}

Status MakePrivateDirectory(const fs::path& path) {
  // "data/" names the same directory as "data"; drop the empty filename.
  const fs::path dir = path.has_filename() ? path : path.parent_path();
  std::error_code ec;
  if (dir.has_parent_path()) {
    fs::create_directories(dir.parent_path(), ec);
    if (ec) return IoError("create directory", dir.parent_path(), ec.value());
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return IoError("create directory", dir, errno);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return IoError("stat", dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return Fail(ErrorCode::kFailedPrecondition, fmt::format("{} is not a directory", dir.string()));
  }
  // mkdir's mode is filtered by the umask and an existing directory may be
  // wider, so set the mode explicitly.
  if ((st.st_mode & 07777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) {
    return IoError("chmod", dir, errno);
  }
  return Ok();
}

}  // namespace sr::config::internal
