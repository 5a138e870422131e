#include "identity/internal/breached_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace sr::identity::internal {
namespace {

constexpr std::size_t kHashHex = 40;
constexpr std::size_t kWindow = 256;  // longest line accepted, with its '\n'

char UpperHex(char c) { return c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c; }

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// ParseKey returns the upper-cased hash of `line` (without its line end), or
// an empty string if the line is not "<40 hex>" optionally followed by ":...".
std::string ParseKey(std::string_view line) {
  if (line.size() < kHashHex || (line.size() > kHashHex && line[kHashHex] != ':')) return {};
  std::string key(line.substr(0, kHashHex));
  for (char& c : key) {
    if (!IsHex(c)) return {};
    c = UpperHex(c);
  }
  return key;
}

std::string ToUpperHex(const Sha1Digest& digest) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(2 * digest.size());
  for (std::uint8_t b : digest) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<BreachedFile>> BreachedFile::Open(const std::filesystem::path& path) {
  const std::string name = path.string();
  const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot open breached-password file {}: {}",
                                                     name, std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kUnavailable,
                fmt::format("breached-password file {} is not a regular file", name));
  }
  std::unique_ptr<BreachedFile> file(
      new BreachedFile(fd, static_cast<std::uint64_t>(st.st_size), name));
  if (file->size_ == 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("breached-password file {} is empty", name));
  }
  // A cheap check that this is the SHA-1 list (not, say, the NTLM one).
  Result<std::optional<Line>> first = file->LineAtOrAfter(0);
  if (!first || !*first) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("breached-password file {} does not start with a "
                            "\"<40 hex digits>:<count>\" line (HIBP SHA-1 format)",
                            name));
  }
  file->reads_ = 0;
  return file;
}

BreachedFile::~BreachedFile() { ::close(fd_); }

Result<std::size_t> BreachedFile::ReadAt(std::uint64_t offset, char* buf, std::size_t n) const {
  reads_.fetch_add(1, std::memory_order_relaxed);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd_, buf + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      return Fail(ErrorCode::kUnavailable, fmt::format("cannot read breached-password file {}: {}",
                                                       name_, std::strerror(errno)));
    }
    if (r == 0) break;  // end of file
    got += static_cast<std::size_t>(r);
  }
  return got;
}

Result<std::optional<BreachedFile::Line>> BreachedFile::LineAtOrAfter(std::uint64_t pos) const {
  // Read from pos - 1, so that a line starting exactly at pos is found: the
  // line start is just after the first '\n' in the first kWindow bytes. The
  // other kWindow bytes hold the whole line that follows.
  char buf[2 * kWindow];
  const std::uint64_t offset = pos == 0 ? 0 : pos - 1;
  SR_ASSIGN_OR_RETURN(const std::size_t got, ReadAt(offset, buf, sizeof buf));
  const std::string_view text(buf, got);
  std::size_t begin = 0;
  if (pos > 0) {
    const std::size_t nl = text.substr(0, kWindow).find('\n');
    if (nl == std::string_view::npos) {
      if (offset + got >= size_) return std::nullopt;  // inside the last line
      return Fail(ErrorCode::kDataLoss,
                  fmt::format("breached-password file {} has a line longer than {} bytes "
                              "near byte {}",
                              name_, kWindow - 1, pos));
    }
    begin = nl + 1;
  }
  const std::uint64_t start = offset + begin;
  if (start >= size_) return std::nullopt;
  std::string_view line = text.substr(begin);
  std::uint64_t next;
  const std::size_t end = line.find('\n');
  if (end != std::string_view::npos && end < kWindow) {
    line = line.substr(0, end);
    next = start + end + 1;
  } else if (end == std::string_view::npos && start + line.size() >= size_ &&
             line.size() < kWindow) {
    next = size_;  // the last line has no line end
  } else {
    return Fail(ErrorCode::kDataLoss,
                fmt::format("breached-password file {} has a line longer than {} bytes at byte {}",
                            name_, kWindow - 1, start));
  }
  if (line.ends_with('\r')) line.remove_suffix(1);
  std::string key = ParseKey(line);
  if (key.empty()) {
    return Fail(
        ErrorCode::kDataLoss,
        fmt::format("breached-password file {} has a malformed line at byte {}", name_, start));
  }
  return Line{start, next, std::move(key)};
}

Result<bool> BreachedFile::Contains(const Sha1Digest& sha1) const {
  const std::string target = ToUpperHex(sha1);
  // Invariant: lo is the start of a line (or the file size), and a line
  // holding `target`, if any, starts in [lo, hi).
  std::uint64_t lo = 0;
  std::uint64_t hi = size_;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    SR_ASSIGN_OR_RETURN(const std::optional<Line> line, LineAtOrAfter(mid));
    if (!line || line->start >= hi) {
      // No line starts in [mid, hi). mid > lo here (a line starts at lo < hi),
      // so the range shrinks.
      hi = mid;
      continue;
    }
    const int cmp = line->key.compare(target);
    if (cmp == 0) return true;
    if (cmp < 0) {
      lo = line->next;
    } else {
      hi = line->start;
    }
  }
  return false;
}

}  // namespace sr::identity::internal
