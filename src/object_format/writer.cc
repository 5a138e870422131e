#include "object_format/writer.h"

#include <algorithm>
#include <cstring>

#include "crypto/random.h"
#include "object_format/internal/object_keys.h"

namespace sr::object_format {

Result<ObjectWriter> ObjectWriter::Create(const ObjectIdentity& identity,
                                          const SecretBytes& data_key,
                                          std::span<const std::uint8_t> wrapped_data_key,
                                          std::uint32_t segment_size) {
  std::uint8_t salt[kSaltSize];
  crypto::FillRandom(salt);
  return CreateWithSalt(identity, data_key, wrapped_data_key, segment_size, salt);
}

Result<ObjectWriter> ObjectWriter::CreateWithSalt(const ObjectIdentity& identity,
                                                  const SecretBytes& data_key,
                                                  std::span<const std::uint8_t> wrapped_data_key,
                                                  std::uint32_t segment_size,
                                                  std::span<const std::uint8_t> salt) {
  SR_TRY(ValidateIdentity(identity));
  if (data_key.size() != kDataKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "object data key must be 32 bytes");
  }
  if (wrapped_data_key.empty() || wrapped_data_key.size() > kMaxWrappedKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "wrapped data key must be 1-1024 bytes");
  }
  if (!IsValidSegmentSize(segment_size)) {
    return Fail(ErrorCode::kInvalidArgument, "invalid object segment size");
  }
  if (salt.size() != kSaltSize) return Fail(ErrorCode::kInvalidArgument, "salt must be 32 bytes");

  std::vector<std::uint8_t> core = internal::EncodeHeaderCore(identity, segment_size, salt);
  SR_ASSIGN_OR_RETURN(internal::ObjectKeys keys, internal::DeriveObjectKeys(data_key, core));
  SR_ASSIGN_OR_RETURN(crypto::Aes256GcmContext gcm,
                      crypto::Aes256GcmContext::Create(keys.content_key));
  return ObjectWriter(internal::FinishHeader(core, wrapped_data_key, keys.mac_key),
                      internal::SegmentAad(core), std::move(gcm), segment_size);
}

ObjectWriter::ObjectWriter(std::vector<std::uint8_t> header, crypto::Digest aad,
                           crypto::Aes256GcmContext gcm, std::uint32_t segment_size)
    : header_(std::move(header)), aad_(aad), gcm_(std::move(gcm)), segment_size_(segment_size) {}

Status ObjectWriter::Write(std::span<const std::uint8_t> plaintext, ByteSink& sink) {
  if (state_ != State::kOpen) {
    return Fail(ErrorCode::kFailedPrecondition, "object writer already finished or failed");
  }
  Status status = WriteImpl(plaintext, sink);
  if (!status) state_ = State::kFailed;
  return status;
}

Status ObjectWriter::Finish(ByteSink& sink) {
  if (state_ != State::kOpen) {
    return Fail(ErrorCode::kFailedPrecondition, "object writer already finished or failed");
  }
  Status status = FinishImpl(sink);
  state_ = status ? State::kFinished : State::kFailed;
  return status;
}

Status ObjectWriter::WriteImpl(std::span<const std::uint8_t> plaintext, ByteSink& sink) {
  hasher_.Update(plaintext);
  plaintext_size_ += plaintext.size();
  if (!buffer_) buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(segment_size_ + 16);
  while (!plaintext.empty()) {
    // A full buffered segment followed by more data is not the final one.
    if (buffered_ == segment_size_) {
      SR_TRY(Seal(std::span(buffer_.get(), buffered_), false, sink));
      buffered_ = 0;
    }
    // With nothing buffered and more than a segment at hand, seal straight
    // from the caller's memory and skip the copy.
    if (buffered_ == 0 && plaintext.size() > segment_size_) {
      SR_TRY(Seal(plaintext.first(segment_size_), false, sink));
      plaintext = plaintext.subspan(segment_size_);
      continue;
    }
    std::size_t n = std::min<std::size_t>(segment_size_ - buffered_, plaintext.size());
    std::memcpy(buffer_.get() + buffered_, plaintext.data(), n);
    buffered_ += n;
    plaintext = plaintext.subspan(n);
  }
  return Ok();
}

Status ObjectWriter::FinishImpl(ByteSink& sink) {
  if (!buffer_) buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(segment_size_ + 16);
  SR_TRY(Seal(std::span(buffer_.get(), buffered_), true, sink));
  buffered_ = 0;
  sha256_ = hasher_.Finish();
  return Ok();
}

Status ObjectWriter::Seal(std::span<const std::uint8_t> plaintext, bool final, ByteSink& sink) {
  if (next_segment_ >= kMaxSegments) {
    return Fail(ErrorCode::kResourceExhausted, "object too large for one blob");
  }
  if (!header_sent_) {
    SR_TRY(Send(header_, sink));
    header_sent_ = true;
  }
  auto nonce = internal::SegmentNonce(next_segment_, final);
  std::span<std::uint8_t> out(buffer_.get(), plaintext.size() + kSegmentTagSize);
  SR_TRY(gcm_.SealInto(nonce, plaintext, aad_, out));
  ++next_segment_;
  return Send(out, sink);
}

Status ObjectWriter::Send(std::span<const std::uint8_t> bytes, ByteSink& sink) {
  SR_TRY(sink.Append(bytes));
  blob_size_ += bytes.size();
  return Ok();
}

}  // namespace sr::object_format
