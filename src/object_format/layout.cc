#include "object_format/layout.h"

#include "object_format/object_format.h"

namespace sr::object_format {

Result<SegmentLayout> SegmentLayout::ForPlaintext(std::uint64_t header_size,
                                                  std::uint32_t segment_size,
                                                  std::uint64_t plaintext_size) {
  if (!IsValidSegmentSize(segment_size)) {
    return Fail(ErrorCode::kInvalidArgument, "invalid object segment size");
  }
  // n = max(1, ceil(P / S)), written so that it cannot overflow.
  std::uint64_t count = plaintext_size / segment_size + (plaintext_size % segment_size != 0);
  if (count == 0) count = 1;
  if (count > kMaxSegments) {
    return Fail(ErrorCode::kResourceExhausted, "object too large for one blob");
  }
  return SegmentLayout(header_size, segment_size, plaintext_size, count);
}

Result<SegmentLayout> SegmentLayout::ForBlob(std::uint64_t header_size, std::uint32_t segment_size,
                                             std::uint64_t blob_size) {
  constexpr char kImpossible[] = "object blob size is impossible";
  if (!IsValidSegmentSize(segment_size)) {
    return Fail(ErrorCode::kDataLoss, "invalid object segment size");
  }
  if (blob_size < header_size || blob_size - header_size < kTag) {
    return Fail(ErrorCode::kDataLoss, kImpossible);
  }
  const std::uint64_t body = blob_size - header_size;             // T
  const std::uint64_t full = std::uint64_t{segment_size} + kTag;  // F
  const std::uint64_t count = body / full + (body % full != 0);   // ceil(T / F) >= 1
  if (count > kMaxSegments) return Fail(ErrorCode::kDataLoss, kImpossible);
  const std::uint64_t final_size = body - (count - 1) * full;  // in (0, F]
  // Only a lone final segment may be empty (the empty object).
  if (count > 1 && final_size <= kTag) return Fail(ErrorCode::kDataLoss, kImpossible);
  return SegmentLayout(header_size, segment_size, body - count * kTag, count);
}

Result<SegmentRange> SegmentLayout::Plan(std::uint64_t first_byte, std::uint64_t last_byte) const {
  if (first_byte > last_byte || last_byte >= plaintext_size_) {
    return Fail(ErrorCode::kOutOfRange, "byte range outside the object");
  }
  SegmentRange r;
  r.first_segment = first_byte / segment_size_;
  r.last_segment = last_byte / segment_size_;
  r.blob_offset = SegmentOffset(r.first_segment);
  r.blob_length =
      SegmentOffset(r.last_segment) + SegmentCiphertextSize(r.last_segment) - r.blob_offset;
  r.skip = first_byte - r.first_segment * segment_size_;
  r.length = last_byte - first_byte + 1;
  r.includes_final = r.last_segment == final_segment();
  return r;
}

}  // namespace sr::object_format
