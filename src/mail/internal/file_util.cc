#include "mail/internal/file_util.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "common/hex.h"
#include "crypto/random.h"

namespace sr::mail::internal {
namespace {

namespace fs = std::filesystem;

std::unexpected<Error> IoError(std::string_view what, const fs::path& path, int err) {
  return Fail(ErrorCode::kUnavailable, fmt::format("cannot {} {}: {}", what, path.string(),
                                                   std::generic_category().message(err)));
}

// Fd closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Close closes now and reports the error, which matters after writes.
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status Tighten(const fs::path& path, mode_t mode) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT ? Ok() : IoError("stat", path, errno);
  if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), mode) != 0) {
    return IoError("chmod", path, errno);
  }
  return Ok();
}

Status SyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return IoError("fsync directory", dir, errno);
  return Ok();
}

}  // namespace

Status MakePrivateDirectory(const fs::path& dir) {
  std::error_code ec;
  if (dir.has_parent_path()) {
    fs::create_directories(dir.parent_path(), ec);
    if (ec) return IoError("create directory", dir.parent_path(), ec.value());
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError("create directory", dir, errno);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return IoError("stat", dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("{} exists and is not a directory", dir.string()));
  }
  if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) {
    return IoError("chmod", dir, errno);
  }
  return Ok();
}

Status WriteFileAtomically(const fs::path& dir, std::string_view name, std::string_view data) {
  const fs::path final_path = dir / name;
  const fs::path temp_path = dir / (".tmp-" + HexEncode(crypto::RandomBytes(8)));
  Fd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return IoError("create", temp_path, errno);
  auto fail = [&](std::string_view what, int err) {
    ::unlink(temp_path.c_str());
    return IoError(what, temp_path, err);
  };
  // The umask can only narrow 0600; make the mode exact anyway.
  if (::fchmod(fd.get(), 0600) != 0) return fail("chmod", errno);
  while (!data.empty()) {
    const ssize_t n = ::write(fd.get(), data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write", n < 0 ? errno : EIO);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd.get()) != 0) return fail("fsync", errno);
  if (fd.Close() != 0) return fail("close", errno);
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) return fail("rename", errno);
  return SyncDirectory(dir);
}

Result<SecretBytes> ReadSecretFile(const fs::path& path, std::size_t max_size) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return IoError("open secret file", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("stat secret file", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("secret file {} is not a regular file", path.string()));
  }
  if ((st.st_mode & 077) != 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("secret file {} has mode {:04o}; it must not be accessible by "
                            "group or others (chmod 600)",
                            path.string(), st.st_mode & 07777));
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_size) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("secret file {} is larger than {} bytes", path.string(), max_size));
  }
  // Read into a SecretBytes sized for the limit, so no unwiped copy exists.
  SecretBytes buffer(max_size + 2);
  std::span<std::uint8_t> out = buffer.RevealMutable();
  std::size_t size = 0;
  while (size <= max_size) {
    const ssize_t n = ::read(fd.get(), out.data() + size, max_size + 1 - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("read secret file", path, errno);
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  if (size > max_size) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("secret file {} is larger than {} bytes", path.string(), max_size));
  }
  if (size > 0 && out[size - 1] == '\n') {
    --size;
    if (size > 0 && out[size - 1] == '\r') --size;
  }
  if (size == 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("secret file {} is empty", path.string()));
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (out[i] == 0) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("secret file {} contains a NUL byte", path.string()));
    }
  }
  SecretBytes secret(size + 1);
  std::copy(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size),
            secret.RevealMutable().begin());
  secret.RevealMutable()[size] = 0;
  return secret;
}

Status PrepareDatabaseFile(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600));
  if (fd.get() < 0) return IoError("create", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("{} is not a regular file", path.string()));
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    SR_TRY(Tighten(path.string() + suffix, 0600));
  }
  return Ok();
}

}  // namespace sr::mail::internal
