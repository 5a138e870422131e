#pragma once
// BlobStore keeps opaque byte strings ("blobs") per workspace, with atomic
// replacement: a reader sees either the previous complete blob or the new
// complete one, never a partial write, even after a crash. Blobs are already
// encrypted by the content layer; the store does not interpret them. The
// local-disk backend is FsBlobStore (blob_store_fs.h); an S3-compatible
// backend will implement the same interface.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr::blob {

// kMaxNameLength bounds workspace ids and blob names.
inline constexpr std::size_t kMaxNameLength = 128;

// ValidateName accepts 1 to kMaxNameLength characters from [A-Za-z0-9_-] and
// fails with kInvalidArgument otherwise (empty, too long, dots, slashes, '%',
// NUL, non-ASCII...). `what` names the argument in the message ("workspace
// id", "blob name"); the rejected value is never echoed. Every BlobStore
// method validates its names this way before building any path.
Status ValidateName(std::string_view name, std::string_view what);

// BlobWriter streams one new blob. It is invisible to readers until Commit
// succeeds, and then replaces any previous blob of the same name atomically.
// Destroying a writer without a successful Commit discards what was written.
// Not thread-safe: one writer is used by one thread at a time. A writer must
// not outlive the store that created it.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;

  // Append adds `data` at the end of the blob. Memory use is bounded
  // (a small internal buffer, never the whole blob). After any failure the
  // writer is dead: the partial data is discarded and every later call fails
  // with kFailedPrecondition. Fails with kFailedPrecondition after Commit.
  virtual Status Append(std::span<const std::uint8_t> data) = 0;

  // Commit makes the blob durable and visible under its name, replacing the
  // previous one atomically. On failure nothing new is visible (the previous
  // blob, or none, remains) and the writer is dead — except when only the
  // final durability step failed: then the error says so, and the new blob
  // may be visible but is not known to be durable. Commit is allowed once.
  virtual Status Commit() = 0;

  // bytes_written returns the number of bytes appended so far.
  virtual std::uint64_t bytes_written() const = 0;
};

// BlobReader reads one committed blob as it was when it was opened: a later
// replacement or removal does not affect an open reader. Thread-safe:
// concurrent ReadAt calls on one reader are allowed. A reader must not
// outlive the store that created it.
class BlobReader {
 public:
  virtual ~BlobReader() = default;

  // size returns the blob's length in bytes.
  virtual std::uint64_t size() const = 0;

  // ReadAt fills all of `out` with the bytes at [offset, offset + out.size()).
  // A range beyond size() fails with kOutOfRange and reads nothing; a blob
  // that turns out shorter than size() fails with kDataLoss; an I/O error is
  // kUnavailable. `out`'s contents are unspecified after a failure.
  virtual Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) const = 0;

  // HintSequential tells the backend the blob will be read front to back
  // (read-ahead). A hint: it cannot fail, and may do nothing.
  virtual void HintSequential() const {}
};

// BlobStore is the interface. All methods are thread-safe. Names are checked
// with ValidateName (kInvalidArgument). Operations on different names never
// interfere; concurrent writers of one name each produce a complete blob and
// the last Commit wins.
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Create starts a new blob `blob_name` in workspace `workspace_id`. Nothing
  // is visible until the writer's Commit.
  virtual Result<std::unique_ptr<BlobWriter>> Create(std::string_view workspace_id,
                                                     std::string_view blob_name) = 0;

  // Open opens the committed blob for reading; kNotFound if there is none.
  virtual Result<std::unique_ptr<BlobReader>> Open(std::string_view workspace_id,
                                                   std::string_view blob_name) = 0;

  // Remove deletes the blob durably. Removing a missing blob succeeds.
  virtual Status Remove(std::string_view workspace_id, std::string_view blob_name) = 0;

  // RemoveWorkspace deletes every blob and uncommitted write of the
  // workspace. A missing workspace succeeds. Writers still open on the
  // workspace fail at Commit.
  virtual Status RemoveWorkspace(std::string_view workspace_id) = 0;

  // List returns the names of the workspace's committed blobs, sorted; empty
  // for a workspace that has none. For consistency checks, not hot paths.
  virtual Result<std::vector<std::string>> List(std::string_view workspace_id) = 0;

  // SweepTemporaries discards uncommitted writes left behind by a crash and
  // returns how many it removed. Call it at start-up; writers open in this
  // process are not touched, so a later call is safe too.
  virtual Result<std::size_t> SweepTemporaries() = 0;
};

}  // namespace sr::blob
