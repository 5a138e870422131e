#pragma once
// ObjectReader authenticates an object blob's header against the identity
// the caller expects and decrypts any byte range of it, opening only the
// segments the range needs. It never releases a byte whose segment tag has
// not verified. Format: docs/formats/object.md.

#include <cstdint>
#include <memory>
#include <span>

#include "common/error.h"
#include "common/secret.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "object_format/io.h"
#include "object_format/layout.h"
#include "object_format/object_format.h"

namespace sr::object_format {

// ObjectReader: two levels of use.
//  - Low level, for callers with their own (asynchronous) I/O: Plan a range,
//    read the segments it names, OpenSegment each into a buffer the caller
//    owns; no allocation. Open the final segment first (see
//    length_verified()) before trusting plaintext_size().
//  - ReadRange / ReadAll, for synchronous callers: they do the above through
//    a RandomAccessSource and a ByteSink, in at most two segment buffers that
//    the reader allocates on first use and keeps.
//
// Thread safety: thread-compatible (one thread at a time). Movable.
class ObjectReader {
 public:
  // Open checks the blob whose parsed header is `header` and whose total
  // size is `blob_size`: `data_key` must be 32 bytes (kInvalidArgument), the
  // header MAC must verify under it (kDataLoss "object header authentication
  // failed"), the header's identity must equal `expected` in all four fields
  // (kDataLoss "object identity mismatch"), and the blob size must be one the
  // format can produce (kDataLoss). The data key is not kept.
  static Result<ObjectReader> Open(const ParsedHeader& header, const ObjectIdentity& expected,
                                   const SecretBytes& data_key, std::uint64_t blob_size);

  ObjectReader(ObjectReader&&) noexcept = default;
  ObjectReader& operator=(ObjectReader&&) noexcept = default;

  const SegmentLayout& layout() const { return layout_; }
  // plaintext_size comes from the blob size; it is authenticated only once
  // length_verified() is true.
  std::uint64_t plaintext_size() const { return layout_.plaintext_size(); }
  // length_verified says whether the final segment has opened, which proves
  // the blob ends where its size says.
  bool length_verified() const { return length_verified_; }

  // Plan is layout().Plan: kOutOfRange unless
  // first_byte <= last_byte < plaintext_size().
  Result<SegmentRange> Plan(std::uint64_t first_byte, std::uint64_t last_byte) const {
    return layout_.Plan(first_byte, last_byte);
  }

  // OpenSegment verifies and decrypts segment `index`. `ciphertext_and_tag`
  // must be exactly layout().SegmentCiphertextSize(index) bytes and
  // `plaintext_out` at least SegmentPlaintextSize(index) bytes; its first
  // SegmentPlaintextSize(index) bytes receive the plaintext. It may start at
  // ciphertext_and_tag.data() (in place) but must not otherwise overlap it.
  // kOutOfRange for an index past the final segment, kInvalidArgument for
  // wrong sizes, kDataLoss "object segment authentication failed" if the tag
  // fails (then those output bytes are wiped). Allocates nothing.
  Status OpenSegment(std::uint64_t index, std::span<const std::uint8_t> ciphertext_and_tag,
                     std::span<std::uint8_t> plaintext_out);

  // VerifyLength reads and opens the final segment unless that has been done,
  // so that plaintext_size() is authenticated.
  Status VerifyLength(RandomAccessSource& source);

  // ReadRange sends plaintext bytes [first_byte, last_byte] to `sink` in
  // order. Before the first byte it verifies the length (VerifyLength; for a
  // range that ends in the final segment, such as a suffix range, the final
  // segment is read first and its plaintext kept for the end). Every other
  // segment is verified before any of its bytes go out. kOutOfRange as Plan;
  // source, sink and authentication errors as they come. On an error, the
  // sink may already hold a verified prefix of the range.
  Status ReadRange(RandomAccessSource& source, std::uint64_t first_byte, std::uint64_t last_byte,
                   ByteSink& sink);

  // ReadAll sends the whole plaintext to `sink` (nothing, after verifying the
  // final segment, for the empty object).
  Status ReadAll(RandomAccessSource& source, ByteSink& sink);

 private:
  ObjectReader(SegmentLayout layout, crypto::Digest aad, crypto::Aes256GcmContext gcm)
      : layout_(layout), aad_(aad), gcm_(std::move(gcm)) {}

  // ReadSegment reads segment `index` into `buffer` (allocating it to the
  // size of segment 0 if needed) and opens it in place; returns its plaintext.
  Result<std::span<const std::uint8_t>> ReadSegment(RandomAccessSource& source, std::uint64_t index,
                                                    std::unique_ptr<std::uint8_t[]>& buffer);

  SegmentLayout layout_;
  crypto::Digest aad_;
  crypto::Aes256GcmContext gcm_;
  bool length_verified_ = false;
  std::unique_ptr<std::uint8_t[]> scratch_;  // for segments in order
  std::unique_ptr<std::uint8_t[]> final_;    // for the final segment, read ahead
};

}  // namespace sr::object_format
