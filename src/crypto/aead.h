#pragma once
// Aes256Gcm: authenticated encryption with associated data (AEAD) using
// AES-256 in Galois/Counter Mode, NIST SP 800-38D, with 96-bit nonces and
// 128-bit tags. It keeps the plaintext confidential and detects any change to
// the ciphertext, the tag, the nonce or the associated data.

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
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

// Aes256GcmContext is AES-256-GCM (96-bit nonces, 128-bit tags, same output
// as Aes256Gcm) for bulk data: it expands the key once into one reusable
// EVP_CIPHER_CTX and writes into buffers the caller provides, so SealInto and
// OpenInto allocate nothing. The nonce rules of Aes256Gcm apply unchanged.
//
// In place or apart: the output may be exactly the input (same start
// address) or must not overlap it at all; a partial overlap gives
// kInvalidArgument.
//
// Thread safety: thread-compatible. One context must not be used by two
// threads at once; use one per object or per thread. The expanded key lives
// in OpenSSL's context and is wiped when the context is destroyed.
class Aes256GcmContext {
 public:
  // Create expands `key`, which must be exactly 32 bytes (kInvalidArgument
  // otherwise); the context keeps no other copy of it. kInternal if OpenSSL
  // fails.
  static Result<Aes256GcmContext> Create(const SecretBytes& key);

  Aes256GcmContext(Aes256GcmContext&&) noexcept = default;
  Aes256GcmContext& operator=(Aes256GcmContext&&) noexcept = default;

  // SealInto encrypts `plaintext`, authenticates it with `aad` and writes the
  // ciphertext followed by the 16-byte tag to `out`, which must be exactly
  // plaintext.size() + 16 bytes. kInvalidArgument for a nonce that is not 12
  // bytes, a wrong `out` size or a partial overlap; kInternal if OpenSSL
  // fails (then `out` holds no ciphertext worth keeping).
  Status SealInto(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> plaintext,
                  std::span<const std::uint8_t> aad, std::span<std::uint8_t> out);

  // OpenInto verifies `ciphertext_and_tag` (as made by SealInto or
  // Aes256Gcm::Seal with the same nonce and `aad`) and writes the plaintext,
  // ciphertext_and_tag.size() - 16 bytes, to `plaintext_out`, which must be
  // exactly that long. On any authentication failure it wipes
  // `plaintext_out` (when in place, the ciphertext is lost with it) and
  // fails with kDataLoss "decryption failed". Bad nonce or sizes give
  // kInvalidArgument; input shorter than a tag is an authentication failure.
  Status OpenInto(std::span<const std::uint8_t> nonce,
                  std::span<const std::uint8_t> ciphertext_and_tag,
                  std::span<const std::uint8_t> aad, std::span<std::uint8_t> plaintext_out);

 private:
  struct CtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const;
  };
  explicit Aes256GcmContext(EVP_CIPHER_CTX* ctx) : ctx_(ctx) {}
  std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter> ctx_;
};

}  // namespace sr::crypto
