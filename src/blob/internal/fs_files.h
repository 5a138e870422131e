#pragma once
// The writer and reader of FsBlobStore, and what they share with it. Private
// to the blob module.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "blob/blob_store.h"
#include "blob/file_system.h"
#include "common/error.h"

namespace sr::blob::internal {

// kWriteBufferSize bounds what a writer holds in memory; Append calls of at
// least this size go straight to write(2).
inline constexpr std::size_t kWriteBufferSize = 256 * 1024;

// IoError turns errno `err` from operation `what` on `rel` (a path relative
// to the store root, so the message never shows the data directory) into an
// Error: ENOSPC/EDQUOT are kResourceExhausted, the rest kUnavailable.
Error IoError(std::string_view what, std::string_view rel, int err);

// LiveTemporaries is the set of temporary files owned by open writers,
// keyed by their root-relative path, so that SweepTemporaries skips them.
// Thread-safe.
class LiveTemporaries {
 public:
  void Add(const std::string& rel);
  void Erase(const std::string& rel);
  bool Contains(const std::string& rel) const;

 private:
  mutable std::mutex mu_;
  std::set<std::string> names_;
};

// DurableDirectories remembers the directories (root-relative) whose entry
// in their parent this process has fsync'd, so that a writer that finds a
// directory made by another thread (or before a crash) syncs the parent once
// instead of trusting it. Thread-safe.
class DurableDirectories {
 public:
  bool Contains(const std::string& rel) const;
  void Add(const std::string& rel);
  // ForgetWorkspace drops `workspace_id` and everything under it.
  void ForgetWorkspace(std::string_view workspace_id);

 private:
  mutable std::mutex mu_;
  std::set<std::string, std::less<>> dirs_;
};

// FsBlobWriter writes the temporary file `temp_rel` (already open as `fd`
// and registered in `live`) and commits it by renaming it to `final_rel`.
// Paths are relative to `root`. See BlobWriter for the contract.
class FsBlobWriter final : public BlobWriter {
 public:
  FsBlobWriter(FileSystem& fs, LiveTemporaries& live, std::filesystem::path root,
               std::string temp_rel, std::string final_rel, int fd);
  ~FsBlobWriter() override;
  FsBlobWriter(const FsBlobWriter&) = delete;
  FsBlobWriter& operator=(const FsBlobWriter&) = delete;

  Status Append(std::span<const std::uint8_t> data) override;
  Status Commit() override;
  std::uint64_t bytes_written() const override { return bytes_written_; }

 private:
  enum class State { kOpen, kDead, kCommitted };

  Status WriteAll(std::span<const std::uint8_t> data);
  Status Flush();
  // Discard closes and unlinks the temporary file; the writer is then dead.
  void Discard();
  // Die discards and returns the error for `what` failing with `err`.
  std::unexpected<Error> Die(std::string_view what, int err);
  Status CheckOpen() const;

  FileSystem& fs_;
  LiveTemporaries& live_;
  const std::filesystem::path root_;
  const std::string temp_rel_;
  const std::string final_rel_;
  int fd_;
  State state_ = State::kOpen;
  std::uint64_t bytes_written_ = 0;
  std::vector<std::uint8_t> buffer_;
};

// FsBlobReader reads the open file `fd` of size `size`, showing `rel` in
// errors. It owns `fd`. See BlobReader for the contract.
class FsBlobReader final : public BlobReader {
 public:
  FsBlobReader(FileSystem& fs, int fd, std::uint64_t size, std::string rel)
      : fs_(fs), fd_(fd), size_(size), rel_(std::move(rel)) {}
  ~FsBlobReader() override;
  FsBlobReader(const FsBlobReader&) = delete;
  FsBlobReader& operator=(const FsBlobReader&) = delete;

  std::uint64_t size() const override { return size_; }
  Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) const override;
  void HintSequential() const override { fs_.AdviseSequential(fd_); }

 private:
  FileSystem& fs_;
  const int fd_;
  const std::uint64_t size_;
  const std::string rel_;
};

}  // namespace sr::blob::internal
