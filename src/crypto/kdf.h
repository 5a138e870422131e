#pragma once
// HKDF with SHA-256 (RFC 5869) through OpenSSL EVP_KDF.

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/error.h"
#include "common/secret.h"

namespace sr::crypto {

// kHkdfSha256MaxLength is the most output HKDF-SHA256 can produce: 255 * 32.
inline constexpr std::size_t kHkdfSha256MaxLength = 255 * 32;

// HkdfSha256 returns `length` bytes of HKDF-SHA256 (extract, then expand) of
// input keying material `ikm` with `salt` and context `info`; an empty salt
// means HashLen zero bytes, as RFC 5869 says. It fails with kInvalidArgument
// if `ikm` is empty or `length` is 0 or above kHkdfSha256MaxLength, and with
// kInternal if OpenSSL fails. Thread-safe.
Result<SecretBytes> HkdfSha256(std::span<const std::uint8_t> ikm,
                               std::span<const std::uint8_t> salt,
                               std::span<const std::uint8_t> info, std::size_t length);

}  // namespace sr::crypto
