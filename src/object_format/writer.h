#pragma once
// ObjectWriter encrypts one object version into a blob while the plaintext
// streams in, in constant memory (one segment buffer) whatever its size,
// which need not be known in advance. Format: docs/formats/object.md.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/error.h"
#include "common/secret.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "object_format/io.h"
#include "object_format/object_format.h"

namespace sr::object_format {

// ObjectWriter: the blob is exactly the concatenation of the bytes it hands
// to the sink: the header first, then each segment as soon as it is sealed.
// A full segment is held back until one more plaintext byte arrives (or
// Finish is called), because only then is it known whether it is the final
// one. The writer also hashes the plaintext with SHA-256 (the content
// layer's ETag), so the caller need not.
//
// Usage: Create, Write any number of times with the same sink, Finish once.
// After any failed call the writer refuses further calls
// (kFailedPrecondition) and the partial blob must be discarded.
//
// Thread safety: thread-compatible (one thread at a time). Movable.
class ObjectWriter {
 public:
  // Create starts the blob of `identity` under the 32-byte `data_key`, whose
  // wrapped form (1 to kMaxWrappedKeySize bytes, opaque here) goes into the
  // header. It takes a fresh salt from the CSPRNG. kInvalidArgument for an
  // invalid identity, key size, wrapped-key size or `segment_size`. The data
  // key is not kept; only the keys derived from it are.
  static Result<ObjectWriter> Create(const ObjectIdentity& identity, const SecretBytes& data_key,
                                     std::span<const std::uint8_t> wrapped_data_key,
                                     std::uint32_t segment_size = kDefaultSegmentSize);

  // CreateWithSalt is Create with the salt given (kSaltSize bytes), for golden
  // vectors and tests only: production blobs must use Create, since a salt
  // reused with a reused data key would reuse the content key.
  static Result<ObjectWriter> CreateWithSalt(const ObjectIdentity& identity,
                                             const SecretBytes& data_key,
                                             std::span<const std::uint8_t> wrapped_data_key,
                                             std::uint32_t segment_size,
                                             std::span<const std::uint8_t> salt);

  ObjectWriter(ObjectWriter&&) noexcept = default;
  ObjectWriter& operator=(ObjectWriter&&) noexcept = default;

  // header returns the blob's header, the first bytes the sink receives.
  std::span<const std::uint8_t> header() const { return header_; }

  // Write appends `plaintext` to the object, passing the header (first time)
  // and every segment that is complete and known not to be final to `sink`.
  // kResourceExhausted past kMaxSegments segments; a sink error is returned
  // as it is.
  Status Write(std::span<const std::uint8_t> plaintext, ByteSink& sink);

  // Finish seals what is buffered, possibly nothing, as the final segment and
  // passes it (and the header, if not sent yet) to `sink`.
  Status Finish(ByteSink& sink);

  // plaintext_size is the number of plaintext bytes written so far.
  std::uint64_t plaintext_size() const { return plaintext_size_; }
  // blob_size is the number of blob bytes handed to sinks so far.
  std::uint64_t blob_size() const { return blob_size_; }
  // plaintext_sha256 is the SHA-256 of the whole plaintext; valid only after
  // a successful Finish (all zero before).
  const crypto::Digest& plaintext_sha256() const { return sha256_; }

 private:
  enum class State { kOpen, kFinished, kFailed };
  ObjectWriter(std::vector<std::uint8_t> header, crypto::Digest aad, crypto::Aes256GcmContext gcm,
               std::uint32_t segment_size);

  Status WriteImpl(std::span<const std::uint8_t> plaintext, ByteSink& sink);
  Status FinishImpl(ByteSink& sink);
  // Seal seals `plaintext` (at most one segment, possibly inside buffer_) as
  // the next segment into buffer_ and sends it.
  Status Seal(std::span<const std::uint8_t> plaintext, bool final, ByteSink& sink);
  Status Send(std::span<const std::uint8_t> bytes, ByteSink& sink);

  std::vector<std::uint8_t> header_;
  crypto::Digest aad_;
  crypto::Aes256GcmContext gcm_;
  crypto::Sha256Hasher hasher_;
  std::uint32_t segment_size_;
  // buffer_ holds segment_size_ + 16 bytes, allocated on first use.
  std::unique_ptr<std::uint8_t[]> buffer_;
  std::size_t buffered_ = 0;
  std::uint64_t next_segment_ = 0;
  std::uint64_t plaintext_size_ = 0;
  std::uint64_t blob_size_ = 0;
  bool header_sent_ = false;
  State state_ = State::kOpen;
  crypto::Digest sha256_{};
};

}  // namespace sr::object_format
