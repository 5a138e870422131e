#pragma once
// Cryptographically secure random bytes from OpenSSL's CSPRNG (RAND_bytes).
// All functions are thread-safe.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/secret.h"

namespace sr::crypto {

// FillRandom overwrites every byte of `out` with CSPRNG output. It aborts the
// process if the CSPRNG fails: a server without randomness must not carry on
// making keys and nonces.
void FillRandom(std::span<std::uint8_t> out);

// RandomBytes returns `n` CSPRNG bytes, for values that are not secret
// (nonces, salts, identifiers). Aborts like FillRandom.
std::vector<std::uint8_t> RandomBytes(std::size_t n);

// RandomKey returns `n` CSPRNG bytes held as a secret, for fresh key
// material. Aborts like FillRandom.
SecretBytes RandomKey(std::size_t n = 32);

}  // namespace sr::crypto
