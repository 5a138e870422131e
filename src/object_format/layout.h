#pragma once
// SegmentLayout: where each segment of an object blob lies and how large it
// is, from either the plaintext size (writing) or the blob size (reading).
// Pure arithmetic on docs/formats/object.md "Sizes"; no keys, no I/O.

#include <cstddef>
#include <cstdint>

#include "common/error.h"

namespace sr::object_format {

// SegmentRange is the part of a blob that holds plaintext bytes
// [first_byte, last_byte]: segments first_segment..last_segment (inclusive),
// which start at blob_offset and take blob_length bytes, tags included. Of
// their plaintext, skip bytes come before the range and length bytes are in
// it. includes_final says whether last_segment is the object's final segment.
struct SegmentRange {
  std::uint64_t first_segment = 0;
  std::uint64_t last_segment = 0;
  std::uint64_t blob_offset = 0;
  std::uint64_t blob_length = 0;
  std::uint64_t skip = 0;
  std::uint64_t length = 0;
  bool includes_final = false;
};

// SegmentLayout is an immutable value; copy it freely, share it between
// threads.
class SegmentLayout {
 public:
  // ForPlaintext lays out a `plaintext_size`-byte object behind a header of
  // `header_size` bytes. kInvalidArgument for a segment size the format does
  // not allow, kResourceExhausted if it would need more than kMaxSegments
  // segments.
  static Result<SegmentLayout> ForPlaintext(std::uint64_t header_size, std::uint32_t segment_size,
                                            std::uint64_t plaintext_size);

  // ForBlob recovers the layout from the blob's total size. A size that no
  // plaintext size produces (shorter than header plus one tag, more than
  // kMaxSegments segments, or a final segment that would be empty after
  // others) gives kDataLoss; so does a segment size the format does not
  // allow. The result is unauthenticated until the final segment opens.
  static Result<SegmentLayout> ForBlob(std::uint64_t header_size, std::uint32_t segment_size,
                                       std::uint64_t blob_size);

  std::uint64_t header_size() const { return header_size_; }
  std::uint32_t segment_size() const { return segment_size_; }
  std::uint64_t plaintext_size() const { return plaintext_size_; }
  std::uint64_t segment_count() const { return segment_count_; }
  std::uint64_t final_segment() const { return segment_count_ - 1; }
  std::uint64_t blob_size() const { return header_size_ + plaintext_size_ + segment_count_ * kTag; }

  // The accessors below take an index below segment_count(); they do not
  // check it.
  // SegmentOffset is where segment `index` starts in the blob.
  std::uint64_t SegmentOffset(std::uint64_t index) const {
    return header_size_ + index * (std::uint64_t{segment_size_} + kTag);
  }
  // SegmentPlaintextSize is the plaintext held by segment `index`.
  std::size_t SegmentPlaintextSize(std::uint64_t index) const {
    return index + 1 < segment_count_
               ? segment_size_
               : static_cast<std::size_t>(plaintext_size_ - index * segment_size_);
  }
  // SegmentCiphertextSize is segment `index`'s size in the blob, tag included.
  std::size_t SegmentCiphertextSize(std::uint64_t index) const {
    return SegmentPlaintextSize(index) + kTag;
  }

  // Plan maps plaintext bytes [first_byte, last_byte] to segments. kOutOfRange
  // unless first_byte <= last_byte < plaintext_size() (so the empty object
  // has no range at all).
  Result<SegmentRange> Plan(std::uint64_t first_byte, std::uint64_t last_byte) const;

 private:
  static constexpr std::uint64_t kTag = 16;
  SegmentLayout(std::uint64_t header_size, std::uint32_t segment_size, std::uint64_t plaintext_size,
                std::uint64_t segment_count)
      : header_size_(header_size),
        segment_size_(segment_size),
        plaintext_size_(plaintext_size),
        segment_count_(segment_count) {}

  std::uint64_t header_size_;
  std::uint32_t segment_size_;
  std::uint64_t plaintext_size_;
  std::uint64_t segment_count_;
};

}  // namespace sr::object_format
