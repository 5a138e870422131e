#pragma once
// HMAC-SHA256 (RFC 2104, FIPS 198-1) through OpenSSL EVP_MAC, plus
// HMAC-SHA1 and HMAC-SHA512 for interoperable one-time passwords (RFC 4226,
// RFC 6238).

#include <array>
#include <cstddef>
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

inline constexpr std::size_t kHmacSha1Size = 20;
inline constexpr std::size_t kHmacSha512Size = 64;
using HmacSha1Tag = std::array<std::uint8_t, kHmacSha1Size>;
using HmacSha512Tag = std::array<std::uint8_t, kHmacSha512Size>;

// HmacSha1 returns the HMAC-SHA1 of `data` under `key`, with the same key
// rules, thread safety and failure behaviour as HmacSha256. It exists for
// HOTP/TOTP (RFC 4226, RFC 6238), whose authenticator apps default to SHA-1;
// HMAC-SHA1 is still a sound PRF there (RFC 6151 section 2), but new
// designs should use HmacSha256.
HmacSha1Tag HmacSha1(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);
HmacSha1Tag HmacSha1(const SecretBytes& key, std::span<const std::uint8_t> data);

// HmacSha512 returns the HMAC-SHA512 of `data` under `key` (keys longer than
// 128 bytes are hashed first), otherwise like HmacSha256.
HmacSha512Tag HmacSha512(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);
HmacSha512Tag HmacSha512(const SecretBytes& key, std::span<const std::uint8_t> data);

}  // namespace sr::crypto
