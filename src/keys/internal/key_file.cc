#include "keys/internal/key_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "keys/wrapped_key.h"

namespace sr::keys::internal {
namespace {

// Fd closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string ErrnoText(int err) { return std::generic_category().message(err); }

std::unexpected<Error> IoError(std::string_view what, const std::filesystem::path& path, int err) {
  return Fail(ErrorCode::kUnavailable,
              fmt::format("cannot {} root key file {}: {}", what, path.string(), ErrnoText(err)));
}

Result<std::size_t> ReadFully(int fd, std::span<std::uint8_t> out,
                              const std::filesystem::path& path) {
  std::size_t total = 0;
  while (total < out.size()) {
    const ssize_t n = ::read(fd, out.data() + total, out.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("read", path, errno);
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
  }
  return total;
}

Status WriteFully(int fd, std::span<const std::uint8_t> data, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("write", path, errno);
    done += static_cast<std::size_t>(n);
  }
  return Ok();
}

Status SyncDirectory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return IoError("sync the directory of", dir, errno);
  return Ok();
}

Status WriteAndSync(int fd, const SecretBytes& key, Clock::TimePoint created_at,
                    const std::filesystem::path& path) {
  SR_TRY(WriteFully(fd, key.Reveal(), path));
  const auto since_epoch = created_at.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds);
  const struct timespec times[2] = {{seconds.count(), nanos.count()},
                                    {seconds.count(), nanos.count()}};
  if (::futimens(fd, times) != 0) return IoError("set the time of", path, errno);
  if (::fsync(fd) != 0) return IoError("sync", path, errno);
  return Ok();
}

}  // namespace

Result<KeyFile> ReadKeyFile(const std::filesystem::path& path) {
  const std::string name = path.string();
  // O_NONBLOCK keeps a FIFO planted at the path from hanging the open.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return Fail(ErrorCode::kNotFound, fmt::format("root key file {} does not exist", name));
    }
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("cannot open root key file {}: {}", name, ErrnoText(err)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("root key file {} is not a regular file", name));
  }
  if ((st.st_mode & 077) != 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("root key file {} is readable by group or others (mode {:04o}); "
                            "run chmod 600 {}",
                            name, st.st_mode & 07777, name));
  }
  SecretBytes key(kKeySize);
  SR_ASSIGN_OR_RETURN(std::size_t got, ReadFully(fd.get(), key.RevealMutable(), path));
  std::uint8_t extra[1];
  SR_ASSIGN_OR_RETURN(std::size_t more, ReadFully(fd.get(), extra, path));
  if (got != kKeySize || more != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("root key file {} must contain exactly {} bytes (it has {})", name,
                            kKeySize, st.st_size));
  }
  const auto mtime =
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec);
  return KeyFile{std::move(key),
                 Clock::TimePoint(std::chrono::duration_cast<Clock::TimePoint::duration>(mtime))};
}

Status CreateKeyFile(const std::filesystem::path& path, const SecretBytes& key,
                     Clock::TimePoint created_at) {
  const int raw = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (raw < 0) {
    if (errno == EEXIST) {
      return Fail(ErrorCode::kAlreadyExists,
                  fmt::format("root key file {} already exists", path.string()));
    }
    return IoError("create", path, errno);
  }
  Status written;
  {
    Fd fd(raw);
    written = WriteAndSync(fd.get(), key, created_at, path);
  }
  if (!written) {
    ::unlink(path.c_str());
    return written;
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  return SyncDirectory(dir);
}

}  // namespace sr::keys::internal
