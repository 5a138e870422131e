#include "object_format/reader.h"

#include "object_format/internal/object_keys.h"

namespace sr::object_format {

Result<ObjectReader> ObjectReader::Open(const ParsedHeader& header, const ObjectIdentity& expected,
                                        const SecretBytes& data_key, std::uint64_t blob_size) {
  SR_ASSIGN_OR_RETURN(internal::ObjectKeys keys,
                      internal::DeriveObjectKeys(data_key, header.core()));
  if (!internal::HeaderMacMatches(header.bytes(), keys.mac_key)) {
    return Fail(ErrorCode::kDataLoss, "object header authentication failed");
  }
  if (header.identity() != expected) {
    return Fail(ErrorCode::kDataLoss, "object identity mismatch");
  }
  SR_ASSIGN_OR_RETURN(SegmentLayout layout,
                      SegmentLayout::ForBlob(header.size(), header.segment_size(), blob_size));
  SR_ASSIGN_OR_RETURN(crypto::Aes256GcmContext gcm,
                      crypto::Aes256GcmContext::Create(keys.content_key));
  return ObjectReader(layout, internal::SegmentAad(header.core()), std::move(gcm));
}

Status ObjectReader::OpenSegment(std::uint64_t index,
                                 std::span<const std::uint8_t> ciphertext_and_tag,
                                 std::span<std::uint8_t> plaintext_out) {
  if (index >= layout_.segment_count()) {
    return Fail(ErrorCode::kOutOfRange, "segment index past the end of the object");
  }
  const std::size_t size = layout_.SegmentPlaintextSize(index);
  if (ciphertext_and_tag.size() != size + kSegmentTagSize || plaintext_out.size() < size) {
    return Fail(ErrorCode::kInvalidArgument, "segment buffer has the wrong size");
  }
  const bool final = index == layout_.final_segment();
  auto opened = gcm_.OpenInto(internal::SegmentNonce(index, final), ciphertext_and_tag, aad_,
                              plaintext_out.first(size));
  if (!opened) {
    if (opened.error().code() == ErrorCode::kDataLoss) {
      return Fail(ErrorCode::kDataLoss, "object segment authentication failed");
    }
    return opened;
  }
  if (final) length_verified_ = true;
  return Ok();
}

Result<std::span<const std::uint8_t>> ObjectReader::ReadSegment(
    RandomAccessSource& source, std::uint64_t index, std::unique_ptr<std::uint8_t[]>& buffer) {
  // Segment 0 is the largest: a full segment, or the whole of a small object.
  if (!buffer) {
    buffer = std::make_unique_for_overwrite<std::uint8_t[]>(layout_.SegmentCiphertextSize(0));
  }
  std::span<std::uint8_t> ct(buffer.get(), layout_.SegmentCiphertextSize(index));
  SR_TRY(source.ReadAt(layout_.SegmentOffset(index), ct));
  SR_TRY(OpenSegment(index, ct, ct));
  return std::span<const std::uint8_t>(ct.first(layout_.SegmentPlaintextSize(index)));
}

Status ObjectReader::VerifyLength(RandomAccessSource& source) {
  if (length_verified_) return Ok();
  SR_TRY(ReadSegment(source, layout_.final_segment(), scratch_));
  return Ok();
}

Status ObjectReader::ReadRange(RandomAccessSource& source, std::uint64_t first_byte,
                               std::uint64_t last_byte, ByteSink& sink) {
  SR_ASSIGN_OR_RETURN(SegmentRange range, layout_.Plan(first_byte, last_byte));
  // The final segment goes first: only its tag proves where the blob ends.
  std::span<const std::uint8_t> final_plain;
  if (range.includes_final) {
    SR_ASSIGN_OR_RETURN(final_plain, ReadSegment(source, range.last_segment, final_));
  } else {
    SR_TRY(VerifyLength(source));
  }
  const std::uint64_t segment_size = layout_.segment_size();
  for (std::uint64_t i = range.first_segment; i <= range.last_segment; ++i) {
    std::span<const std::uint8_t> plain;
    if (i == range.last_segment && range.includes_final) {
      plain = final_plain;
    } else {
      SR_ASSIGN_OR_RETURN(plain, ReadSegment(source, i, scratch_));
    }
    const std::uint64_t begin = i == range.first_segment ? range.skip : 0;
    const std::uint64_t end =
        i == range.last_segment ? last_byte - i * segment_size + 1 : plain.size();
    SR_TRY(sink.Append(plain.subspan(begin, end - begin)));
  }
  return Ok();
}

Status ObjectReader::ReadAll(RandomAccessSource& source, ByteSink& sink) {
  if (layout_.plaintext_size() == 0) return VerifyLength(source);
  return ReadRange(source, 0, layout_.plaintext_size() - 1, sink);
}

}  // namespace sr::object_format
