#pragma once
// Raw AES-256-GCM (NIST SP 800-38D) with any IV length and tag length, so
// that NIST CAVP and GCM-spec vectors can be run. Private to sr_crypto: other
// code uses Aes256Gcm, which fixes the 96-bit nonce and 128-bit tag.
// Thread-safe: every call uses its own EVP_CIPHER_CTX.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/error.h"

namespace sr::crypto::internal {

inline constexpr std::size_t kGcmKeySize = 32;
inline constexpr std::size_t kGcmMaxIvSize = 128;  // OpenSSL's limit (1024 bits)
// SP 800-38D 5.2.1.1: at most 2^39 - 256 bits of plaintext per invocation.
inline constexpr std::uint64_t kGcmMaxPlaintextSize = (std::uint64_t{1} << 36) - 32;

// IsAllowedGcmTagSize returns whether SP 800-38D 5.2.1.2 permits a tag of
// `tag_size` bytes: 16, 15, 14, 13, 12, or 8 and 4 for special applications.
bool IsAllowedGcmTagSize(std::size_t tag_size);

// AesGcmSeal encrypts `plaintext` and authenticates it with `aad` under the
// 32-byte `key` and an IV of 1 to 128 bytes, returning ciphertext followed by
// the first `tag_size` bytes of the tag. Fails with kInvalidArgument on a bad
// key, IV, tag size or oversized plaintext, kInternal if OpenSSL fails.
Result<std::vector<std::uint8_t>> AesGcmSeal(std::span<const std::uint8_t> key,
                                             std::span<const std::uint8_t> iv,
                                             std::span<const std::uint8_t> plaintext,
                                             std::span<const std::uint8_t> aad,
                                             std::size_t tag_size);

// AesGcmOpen checks and decrypts `ciphertext_and_tag` (ciphertext followed by
// a `tag_size`-byte tag) made by AesGcmSeal with the same key, IV and `aad`.
// Any authentication failure, including input shorter than the tag, gives
// kDataLoss with a generic message and no plaintext. Bad parameters give
// kInvalidArgument.
Result<std::vector<std::uint8_t>> AesGcmOpen(std::span<const std::uint8_t> key,
                                             std::span<const std::uint8_t> iv,
                                             std::span<const std::uint8_t> ciphertext_and_tag,
                                             std::span<const std::uint8_t> aad,
                                             std::size_t tag_size);

}  // namespace sr::crypto::internal
