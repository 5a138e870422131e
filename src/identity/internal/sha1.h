#pragma once
// SHA-1 through OpenSSL EVP, only to look passwords up in HIBP's Pwned
// Passwords files, which are keyed by SHA-1. Not for anything that needs
// collision resistance.

#include <array>
#include <cstdint>
#include <string_view>

namespace sr::identity::internal {

using Sha1Digest = std::array<std::uint8_t, 20>;

// Sha1 returns the SHA-1 digest of the bytes of `data`. Thread-safe. Aborts
// if OpenSSL cannot compute it (a broken installation, not an input error).
Sha1Digest Sha1(std::string_view data);

}  // namespace sr::identity::internal
