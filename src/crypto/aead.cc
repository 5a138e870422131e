#include "crypto/aead.h"

#include "crypto/internal/aes_gcm.h"

namespace sr::crypto {
namespace {

Status CheckNonce(std::span<const std::uint8_t> nonce) {
  if (nonce.size() != kAes256GcmNonceSize) {
    return Fail(ErrorCode::kInvalidArgument, "AES-256-GCM nonce must be 12 bytes");
  }
  return Ok();
}

}  // namespace

Result<Aes256Gcm> Aes256Gcm::Create(const SecretBytes& key) {
  if (key.size() != kAes256GcmKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "AES-256-GCM key must be 32 bytes");
  }
  return Aes256Gcm(key.Clone());
}

Result<std::vector<std::uint8_t>> Aes256Gcm::Seal(std::span<const std::uint8_t> nonce,
                                                  std::span<const std::uint8_t> plaintext,
                                                  std::span<const std::uint8_t> aad) const {
  SR_TRY(CheckNonce(nonce));
  return internal::AesGcmSeal(key_.Reveal(), nonce, plaintext, aad, kAes256GcmTagSize);
}

Result<std::vector<std::uint8_t>> Aes256Gcm::Open(std::span<const std::uint8_t> nonce,
                                                  std::span<const std::uint8_t> ciphertext_and_tag,
                                                  std::span<const std::uint8_t> aad) const {
  SR_TRY(CheckNonce(nonce));
  return internal::AesGcmOpen(key_.Reveal(), nonce, ciphertext_and_tag, aad, kAes256GcmTagSize);
}

}  // namespace sr::crypto
