#include "blob/internal/fs_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <system_error>

namespace sr::blob::internal {

Error IoError(std::string_view what, std::string_view rel, int err) {
  const ErrorCode code =
      (err == ENOSPC || err == EDQUOT) ? ErrorCode::kResourceExhausted : ErrorCode::kUnavailable;
  return Error(code, fmt::format("blob store: cannot {} {}: {}", what, rel,
                                 std::generic_category().message(err)));
}

void LiveTemporaries::Add(const std::string& rel) {
  std::lock_guard lock(mu_);
  names_.insert(rel);
}

void LiveTemporaries::Erase(const std::string& rel) {
  std::lock_guard lock(mu_);
  names_.erase(rel);
}

bool LiveTemporaries::Contains(const std::string& rel) const {
  std::lock_guard lock(mu_);
  return names_.contains(rel);
}

bool DurableDirectories::Contains(const std::string& rel) const {
  std::lock_guard lock(mu_);
  return dirs_.contains(rel);
}

void DurableDirectories::Add(const std::string& rel) {
  std::lock_guard lock(mu_);
  dirs_.insert(rel);
}

void DurableDirectories::ForgetWorkspace(std::string_view workspace_id) {
  std::lock_guard lock(mu_);
  // "ws-x" sorts between "ws" and "ws/..", so skip rather than stop at it.
  for (auto it = dirs_.lower_bound(workspace_id);
       it != dirs_.end() && it->starts_with(workspace_id);) {
    const bool under = it->size() == workspace_id.size() || (*it)[workspace_id.size()] == '/';
    it = under ? dirs_.erase(it) : std::next(it);
  }
}

// --- writer -----------------------------------------------------------------

FsBlobWriter::FsBlobWriter(FileSystem& fs, LiveTemporaries& live, std::filesystem::path root,
                           std::string temp_rel, std::string final_rel, int fd)
    : fs_(fs),
      live_(live),
      root_(std::move(root)),
      temp_rel_(std::move(temp_rel)),
      final_rel_(std::move(final_rel)),
      fd_(fd) {}

FsBlobWriter::~FsBlobWriter() { Discard(); }

Status FsBlobWriter::CheckOpen() const {
  switch (state_) {
    case State::kOpen:
      return Ok();
    case State::kCommitted:
      return Fail(ErrorCode::kFailedPrecondition, "blob writer: already committed");
    case State::kDead:
      break;
  }
  return Fail(ErrorCode::kFailedPrecondition, "blob writer: an earlier call failed");
}

void FsBlobWriter::Discard() {
  if (fd_ >= 0) {
    (void)fs_.Close(fd_);  // the data is being thrown away; errors do not matter
    fd_ = -1;
  }
  if (state_ == State::kOpen) {
    (void)fs_.Unlink(root_ / temp_rel_);  // a leftover is swept at the next start
    live_.Erase(temp_rel_);
    state_ = State::kDead;
  }
}

std::unexpected<Error> FsBlobWriter::Die(std::string_view what, int err) {
  Discard();
  return std::unexpected<Error>(IoError(what, final_rel_, err));
}

Status FsBlobWriter::WriteAll(std::span<const std::uint8_t> data) {
  while (!data.empty()) {
    SysResult<std::size_t> n = fs_.Write(fd_, data);
    if (!n) {
      if (n.error() == EINTR) continue;
      return Die("write", n.error());
    }
    // write(2) returning 0 for a non-empty buffer would loop forever.
    if (*n == 0) return Die("write", EIO);
    data = data.subspan(std::min(*n, data.size()));
  }
  return Ok();
}

Status FsBlobWriter::Flush() {
  if (buffer_.empty()) return Ok();
  SR_TRY(WriteAll(buffer_));
  buffer_.clear();
  return Ok();
}

Status FsBlobWriter::Append(std::span<const std::uint8_t> data) {
  SR_TRY(CheckOpen());
  const std::size_t total = data.size();
  if (!buffer_.empty()) {
    const std::size_t take = std::min(kWriteBufferSize - buffer_.size(), data.size());
    buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
    if (buffer_.size() == kWriteBufferSize) SR_TRY(Flush());
  }
  if (data.size() >= kWriteBufferSize) {
    SR_TRY(WriteAll(data));
  } else if (!data.empty()) {
    if (buffer_.capacity() < kWriteBufferSize) buffer_.reserve(kWriteBufferSize);
    buffer_.insert(buffer_.end(), data.begin(), data.end());
  }
  bytes_written_ += total;
  return Ok();
}

Status FsBlobWriter::Commit() {
  SR_TRY(CheckOpen());
  SR_TRY(Flush());
  buffer_ = {};  // give the memory back now; the writer may live on
  if (SysResult<void> r = fs_.Sync(fd_); !r) return Die("fsync", r.error());
  const int fd = fd_;
  fd_ = -1;  // released even if close fails
  if (SysResult<void> r = fs_.Close(fd); !r) return Die("close", r.error());
  if (SysResult<void> r = fs_.Rename(root_ / temp_rel_, root_ / final_rel_); !r) {
    return Die("rename into", r.error());
  }
  state_ = State::kCommitted;
  live_.Erase(temp_rel_);
  const std::filesystem::path dir = (root_ / final_rel_).parent_path();
  if (SysResult<void> r = fs_.SyncDirectory(dir); !r) {
    return std::unexpected<Error>(
        IoError("make durable (committed, but the directory sync failed)", final_rel_, r.error()));
  }
  return Ok();
}

// --- reader -----------------------------------------------------------------

FsBlobReader::~FsBlobReader() { (void)fs_.Close(fd_); }

Status FsBlobReader::ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) const {
  if (offset > size_ || out.size() > size_ - offset) {
    return Fail(
        ErrorCode::kOutOfRange,
        fmt::format("blob store: read of {} bytes at offset {} is beyond the {} bytes of {}",
                    out.size(), offset, size_, rel_));
  }
  std::size_t done = 0;
  while (done < out.size()) {
    SysResult<std::size_t> n = fs_.ReadAt(fd_, out.subspan(done), offset + done);
    if (!n) {
      if (n.error() == EINTR) continue;
      return std::unexpected<Error>(IoError("read", rel_, n.error()));
    }
    if (*n == 0) {
      return Fail(
          ErrorCode::kDataLoss,
          fmt::format("blob store: {} ends before its recorded size of {} bytes", rel_, size_));
    }
    done += std::min(*n, out.size() - done);
  }
  return Ok();
}

}  // namespace sr::blob::internal
