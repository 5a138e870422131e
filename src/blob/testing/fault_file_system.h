#pragma once
// FaultFileSystem wraps a real FileSystem for the blob tests: it fails chosen
// calls with a chosen errno, cuts writes short, and records every call in
// order, so a test can check the commit protocol step by step. Tests only.
// Thread-safe.

#include <algorithm>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "blob/file_system.h"

namespace sr::blob::testing {

enum class Op {
  kOpen,
  kWrite,
  kReadAt,
  kSync,
  kClose,
  kStat,
  kLinkStat,
  kRename,
  kUnlink,
  kMakeDirectory,
  kRemoveDirectory,
  kListDirectory,
  kSyncDirectory,
};

// Call is one recorded call: the operation and the path it touched (for
// descriptor calls, the path the descriptor was opened with).
struct Call {
  Op op;
  std::string path;
};

class FaultFileSystem final : public FileSystem {
 public:
  explicit FaultFileSystem(FileSystem& base = PosixFileSystem()) : base_(base) {}

  // FailOp makes the `nth` next call (1 = the very next) of `op` fail with
  // `err`; with `sticky`, that call and every later one of `op` fail.
  void FailOp(Op op, int err, int nth = 1, bool sticky = false) {
    std::lock_guard lock(mu_);
    op_faults_[op] = OpFault{nth, err, sticky};
  }
  // FailCall makes the `nth` next call of any operation fail with `err`.
  void FailCall(int nth, int err) {
    std::lock_guard lock(mu_);
    call_fault_ = std::make_pair(nth, err);
  }
  // SetMaxWrite makes each Write write at most `n` bytes (0 = no limit).
  void SetMaxWrite(std::size_t n) {
    std::lock_guard lock(mu_);
    max_write_ = n;
  }
  void Reset() {
    std::lock_guard lock(mu_);
    op_faults_.clear();
    call_fault_.reset();
    max_write_ = 0;
    calls_.clear();
    injected_ = 0;
  }
  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::size_t injected() const {
    std::lock_guard lock(mu_);
    return injected_;
  }

  SysResult<int> Open(const std::filesystem::path& path, int flags, mode_t mode) override {
    if (auto err = Enter(Op::kOpen, path.string())) return std::unexpected<int>(*err);
    SysResult<int> fd = base_.Open(path, flags, mode);
    if (fd) {
      std::lock_guard lock(mu_);
      fd_paths_[*fd] = path.string();
    }
    return fd;
  }
  SysResult<std::size_t> Write(int fd, std::span<const std::uint8_t> data) override {
    if (auto err = Enter(Op::kWrite, PathOf(fd))) return std::unexpected<int>(*err);
    std::size_t limit;
    {
      std::lock_guard lock(mu_);
      limit = max_write_;
    }
    if (limit != 0 && data.size() > limit) data = data.first(limit);
    return base_.Write(fd, data);
  }
  SysResult<std::size_t> ReadAt(int fd, std::span<std::uint8_t> out,
                                std::uint64_t offset) override {
    if (auto err = Enter(Op::kReadAt, PathOf(fd))) return std::unexpected<int>(*err);
    return base_.ReadAt(fd, out, offset);
  }
  SysResult<void> Sync(int fd) override {
    if (auto err = Enter(Op::kSync, PathOf(fd))) return std::unexpected<int>(*err);
    return base_.Sync(fd);
  }
  SysResult<void> Close(int fd) override {
    const std::string path = PathOf(fd);
    {
      std::lock_guard lock(mu_);
      fd_paths_.erase(fd);
    }
    if (auto err = Enter(Op::kClose, path)) {
      (void)base_.Close(fd);  // like Linux: the descriptor is gone anyway
      return std::unexpected<int>(*err);
    }
    return base_.Close(fd);
  }
  SysResult<FileInfo> Stat(int fd) override {
    if (auto err = Enter(Op::kStat, PathOf(fd))) return std::unexpected<int>(*err);
    return base_.Stat(fd);
  }
  SysResult<FileInfo> LinkStat(const std::filesystem::path& path) override {
    if (auto err = Enter(Op::kLinkStat, path.string())) return std::unexpected<int>(*err);
    return base_.LinkStat(path);
  }
  SysResult<void> Rename(const std::filesystem::path& from,
                         const std::filesystem::path& to) override {
    if (auto err = Enter(Op::kRename, from.string() + " -> " + to.string())) {
      return std::unexpected<int>(*err);
    }
    return base_.Rename(from, to);
  }
  SysResult<void> Unlink(const std::filesystem::path& path) override {
    if (auto err = Enter(Op::kUnlink, path.string())) return std::unexpected<int>(*err);
    return base_.Unlink(path);
  }
  SysResult<void> MakeDirectory(const std::filesystem::path& path, mode_t mode) override {
    if (auto err = Enter(Op::kMakeDirectory, path.string())) return std::unexpected<int>(*err);
    return base_.MakeDirectory(path, mode);
  }
  SysResult<void> RemoveDirectory(const std::filesystem::path& path) override {
    if (auto err = Enter(Op::kRemoveDirectory, path.string())) return std::unexpected<int>(*err);
    return base_.RemoveDirectory(path);
  }
  SysResult<std::vector<std::string>> ListDirectory(const std::filesystem::path& path) override {
    if (auto err = Enter(Op::kListDirectory, path.string())) return std::unexpected<int>(*err);
    return base_.ListDirectory(path);
  }
  SysResult<void> SyncDirectory(const std::filesystem::path& path) override {
    if (auto err = Enter(Op::kSyncDirectory, path.string())) return std::unexpected<int>(*err);
    return base_.SyncDirectory(path);
  }
  void AdviseSequential(int fd) override { base_.AdviseSequential(fd); }

 private:
  struct OpFault {
    int remaining;  // calls until the fault fires; 1 = the next
    int err;
    bool sticky;
  };

  // Enter records the call and returns the errno to fail it with, if any.
  std::optional<int> Enter(Op op, std::string path) {
    std::lock_guard lock(mu_);
    calls_.push_back(Call{op, std::move(path)});
    std::optional<int> fail;
    if (call_fault_ && --call_fault_->first == 0) {
      fail = call_fault_->second;
      call_fault_.reset();
    }
    if (auto it = op_faults_.find(op); it != op_faults_.end()) {
      OpFault& f = it->second;
      if (f.remaining > 1) {
        --f.remaining;
      } else {
        fail = f.err;
        if (!f.sticky) op_faults_.erase(it);
      }
    }
    if (fail) ++injected_;
    return fail;
  }

  std::string PathOf(int fd) const {
    std::lock_guard lock(mu_);
    auto it = fd_paths_.find(fd);
    return it == fd_paths_.end() ? std::string() : it->second;
  }

  FileSystem& base_;
  mutable std::mutex mu_;
  std::map<Op, OpFault> op_faults_;
  std::optional<std::pair<int, int>> call_fault_;  // (calls until it fires, errno)
  std::size_t max_write_ = 0;
  std::size_t injected_ = 0;
  std::map<int, std::string> fd_paths_;
  std::vector<Call> calls_;
};

}  // namespace sr::blob::testing
