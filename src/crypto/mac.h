#pragma once
// HMAC-SHA256 (RFC 2104, FIPS 198-1) through OpenSSL EVP_MAC.

#include <cstdint>
#include <span>

#include "common/secret.h"
#include "crypto/hash.h"

namespace sr::crypto {

// HmacSha256 returns the HMAC-SHA256 of `data` under `key`. Any key length is
// allowed, including empty (keys longer than 64 bytes are hashed first, as
// RFC 2104 says). Compare tags with ConstantTimeEqual, never with ==.
// Thread-safe. Aborts only if OpenSSL itself is broken.
Digest HmacSha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

// HmacSha256 returns the HMAC-SHA256 of `data` under the secret `key`.
Digest HmacSha256(const SecretBytes& key, std::span<const std::uint8_t> data);

}  // namespace sr::crypto
