#pragma once
// Bearer tokens strongroom issues share one recognisable, checksummed format
// (after GitHub's token scheme) so secret scanners can find leaked ones:
//
//   "sr" + type letter + "_" + 43 base62 characters of CSPRNG output
//   (>= 256 bits) + 6 base62 characters of CRC32 (IEEE) over everything
//   before them, left-padded with '0'. Alphabet "0-9A-Za-z".
//
// e.g. a session token: "srs_" + 43 random + 6 checksum = 53 characters.
// Only HashToken's output (SHA-256 of the whole token text) is ever stored.
// The format is described in docs/formats/tokens.md. All functions are
// thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/secret.h"

namespace sr::identity {

enum class TokenType : char {
  kSession = 's',
  kPasswordReset = 'r',
  kEmailVerification = 'v',
  kInvite = 'i',
  kApiKey = 'k',
};

inline constexpr std::size_t kTokenRandomChars = 43;
inline constexpr std::size_t kTokenChecksumChars = 6;
inline constexpr std::size_t kTokenLength = 4 + kTokenRandomChars + kTokenChecksumChars;
inline constexpr std::size_t kIdRandomChars = 22;

// NewToken returns a fresh token of `type`. The random characters come from
// the CSPRNG by rejection sampling, so each is uniform over the 62 digits.
std::string NewToken(TokenType type);

// CheckToken verifies length, the "sr" prefix, the type letter, the "_", the
// alphabet and the checksum (compared in constant time) without any storage
// access. Any failure is kUnauthenticated with the message "invalid token".
// A token that passes is well-formed, not necessarily one strongroom issued.
Status CheckToken(std::string_view token, TokenType type);

// HashToken returns SHA-256 of the token text, the only form stored.
std::array<std::uint8_t, 32> HashToken(std::string_view token);

// Base62Checksum renders CRC32 (IEEE 802.3, as zlib's crc32) of `text` as 6
// base62 characters, most significant first, left-padded with '0'.
std::string Base62Checksum(std::string_view text);

// NewId returns a public identifier: `prefix` + "_" + 22 base62 characters
// (~131 bits of CSPRNG output, by the same rejection sampling), e.g.
// NewId("acc"). `prefix` is a short constant such as "acc" or "ses".
std::string NewId(std::string_view prefix);

// IsWellFormedId returns whether `id` has the shape NewId(prefix) gives:
// `prefix`, "_", then exactly 22 base62 characters. For rejecting malformed
// identifiers from requests before any storage access.
bool IsWellFormedId(std::string_view id, std::string_view prefix);

}  // namespace sr::identity
