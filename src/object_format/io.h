#pragma once
// The two interfaces through which object blobs move: ByteSink receives
// bytes in order (blob bytes from ObjectWriter, plaintext from ObjectReader),
// RandomAccessSource serves a stored blob by offset. The blob store and the
// HTTP layer implement them; VectorSink and SpanSource are the in-memory
// implementations for tests, tools and small objects.

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "common/error.h"

namespace sr::object_format {

// ByteSink receives a byte stream piece by piece. Append must take all of
// `bytes` or fail; after a failure the producer stops. The span is valid only
// during the call.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Append(std::span<const std::uint8_t> bytes) = 0;
};

// RandomAccessSource reads a stored blob. ReadAt must fill all of `out` with
// the bytes at `offset`, or fail (kDataLoss when the blob is shorter than
// that, kUnavailable for I/O errors that may pass).
class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  virtual Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
};

// VectorSink appends everything to `bytes`. Not thread-safe.
class VectorSink final : public ByteSink {
 public:
  Status Append(std::span<const std::uint8_t> data) override {
    bytes.insert(bytes.end(), data.begin(), data.end());
    return Ok();
  }
  std::vector<std::uint8_t> bytes;
};

// SpanSource serves a blob held in memory, which must outlive it. Reads do
// not change it, so concurrent use is safe.
class SpanSource final : public RandomAccessSource {
 public:
  explicit SpanSource(std::span<const std::uint8_t> blob) : blob_(blob) {}
  Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (offset > blob_.size() || blob_.size() - offset < out.size()) {
      return Fail(ErrorCode::kDataLoss, "object blob shorter than expected");
    }
    if (!out.empty()) std::memcpy(out.data(), blob_.data() + offset, out.size());
    return Ok();
  }

 private:
  std::span<const std::uint8_t> blob_;
};

}  // namespace sr::object_format
