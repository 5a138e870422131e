#pragma once
// BreachedFile looks SHA-1 hashes up in a local copy of Have I Been Pwned's
// Pwned Passwords list, in the "SHA-1 ordered by hash" format: one line per
// password, "<40 hex digits>:<count>", sorted by hash, LF or CRLF line ends.
// It keeps the file open and answers each lookup by binary search over byte
// offsets with pread: one 512-byte read per halving of the range, so
// O(log size) reads and constant memory, and multi-gigabyte files cost
// nothing to load. Lookups are thread-safe (pread does not move a shared
// file offset).

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/error.h"
#include "identity/internal/sha1.h"

namespace sr::identity::internal {

class BreachedFile {
 public:
  // Open opens `path` for lookups. It fails with kUnavailable if the file
  // cannot be opened or is not a regular file, and with kInvalidArgument if
  // it is empty or its first line is not "<40 hex digits>[:count]".
  static Result<std::unique_ptr<BreachedFile>> Open(const std::filesystem::path& path);

  ~BreachedFile();
  BreachedFile(const BreachedFile&) = delete;
  BreachedFile& operator=(const BreachedFile&) = delete;

  // Contains returns whether some line's hash equals `sha1` (hex digits in
  // either case). It fails with kUnavailable on a read error and with
  // kDataLoss if it meets a malformed line (longer than 255 bytes, or not
  // starting with 40 hex digits followed by ':' or the line end); an unsorted
  // file gives wrong answers, not errors.
  Result<bool> Contains(const Sha1Digest& sha1) const;

  // ReadCount returns how many reads lookups have made so far, for tests.
  std::uint64_t ReadCount() const { return reads_.load(std::memory_order_relaxed); }

 private:
  struct Line {
    std::uint64_t start;  // offset of the line's first byte
    std::uint64_t next;   // offset of the next line, or the file size
    std::string key;      // the 40 hex digits, upper-cased
  };

  BreachedFile(int fd, std::uint64_t size, std::string name)
      : fd_(fd), size_(size), name_(std::move(name)) {}

  Result<std::size_t> ReadAt(std::uint64_t offset, char* buf, std::size_t n) const;
  // LineAtOrAfter parses the first line starting at or after `pos`, with one
  // read; nullopt if no line starts there before the end of the file.
  Result<std::optional<Line>> LineAtOrAfter(std::uint64_t pos) const;

  int fd_;
  std::uint64_t size_;
  std::string name_;  // for error messages
  mutable std::atomic<std::uint64_t> reads_{0};
};

}  // namespace sr::identity::internal
