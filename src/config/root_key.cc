#include "config/root_key.h"

#include "crypto/random.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include "config/internal/file_util.h"

namespace sr::config {
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

// ReadFully fills `out` from `fd`, returning how many bytes were read before EOF.
Result<std::size_t> ReadFully(int fd, std::span<std::uint8_t> out, const std::string& name) {
  std::size_t total = 0;
  while (total < out.size()) {
    const ssize_t n = ::read(fd, out.data() + total, out.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Fail(ErrorCode::kUnavailable, fmt::format("cannot read root key file {}: {}", name,
                                                       std::generic_category().message(errno)));
    }
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
  }
  return total;
}

}  // namespace

Result<SecretBytes> LoadRootKey(const std::filesystem::path& path) {
  const std::string name = path.string();
  // O_NONBLOCK keeps a FIFO planted at the path from hanging the open.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    const int err = errno;
    return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kPermissionDenied,
                fmt::format("cannot open root key file {}: {}", name,
                            std::generic_category().message(err)));
  }
  // fstat on the open descriptor checks the file we will read, not a
  // different one swapped in after a stat of the path.
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
  SecretBytes key(kRootKeySize);
  SR_ASSIGN_OR_RETURN(std::size_t got, ReadFully(fd.get(), key.RevealMutable(), name));
  std::uint8_t extra[1];
  SR_ASSIGN_OR_RETURN(std::size_t more, ReadFully(fd.get(), extra, name));
  if (got != kRootKeySize || more != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("root key file {} must contain exactly {} bytes (it has {})", name,
                            kRootKeySize, st.st_size));
  }
  return key;
}

Status CreateRootKeyFile(const std::filesystem::path& path) {
  SecretBytes key = crypto::RandomKey(kRootKeySize);
  Status written = internal::WriteNewFile(path, key.Reveal(), 0600);
  if (!written && written.error().code() == ErrorCode::kAlreadyExists) {
    return Fail(
        ErrorCode::kAlreadyExists,
        fmt::format("root key file {} already exists; refusing to overwrite it", path.string()));
  }
  return written;
}

}  // namespace sr::config
