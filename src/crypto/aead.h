#pragma once
// Aes256Gcm: authenticated encryption with associated data (AEAD) using
// AES-256 in Galois/Counter Mode, NIST SP 800-38D, with 96-bit nonces and
// 128-bit tags. It keeps the plaintext confidential and detects any change to
// the ciphertext, the tag, the nonce or the associated data.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/error.h"
#include "common/secret.h"

namespace sr::crypto {

inline constexpr std::size_t kAes256GcmKeySize = 32;
inline constexpr std::size_t kAes256GcmNonceSize = 12;
inline constexpr std::size_t kAes256GcmTagSize = 16;

// Aes256Gcm seals and opens messages under one key.
//
// Nonces: a (key, nonce) pair must never seal two different messages; reuse
// reveals the XOR of the plaintexts and lets an attacker forge tags. With
// random nonces, seal at most 2^32 messages per key (SP 800-38D 8.3).
//
// Thread safety: immutable after Create. Seal and Open may be called
// concurrently from any number of threads; each call uses its own
// EVP_CIPHER_CTX over a cipher fetched once per process.
class Aes256Gcm {
 public:
  // Create returns a cipher holding a copy of `key`, which must be exactly 32
  // bytes (kInvalidArgument otherwise).
  static Result<Aes256Gcm> Create(const SecretBytes& key);

  Aes256Gcm(Aes256Gcm&&) noexcept = default;
  Aes256Gcm& operator=(Aes256Gcm&&) noexcept = default;

  // Seal encrypts `plaintext`, authenticates it together with `aad`, and
  // returns ciphertext followed by the 16-byte tag. `nonce` must be 12 bytes
  // (kInvalidArgument otherwise) and unique for this key.
  Result<std::vector<std::uint8_t>> Seal(std::span<const std::uint8_t> nonce,
                                         std::span<const std::uint8_t> plaintext,
                                         std::span<const std::uint8_t> aad) const;

  // Open verifies and decrypts `ciphertext_and_tag` as produced by Seal with
  // the same nonce and `aad`. Any authentication failure gives kDataLoss with
  // the generic message "decryption failed" and no plaintext. A nonce that is
  // not 12 bytes gives kInvalidArgument.
  Result<std::vector<std::uint8_t>> Open(std::span<const std::uint8_t> nonce,
                                         std::span<const std::uint8_t> ciphertext_and_tag,
                                         std::span<const std::uint8_t> aad) const;

 private:
  explicit Aes256Gcm(SecretBytes key) : key_(std::move(key)) {}
  SecretBytes key_;
};

}  // namespace sr::crypto
