#pragma once
// Comparison of secrets (tags, tokens, hashes) in time that does not depend
// on where they differ.

#include <cstdint>
#include <span>
#include <string_view>

namespace sr::crypto {

// ConstantTimeEqual returns whether `a` and `b` hold the same bytes, taking
// time that depends only on their length (CRYPTO_memcmp). Inputs of different
// lengths are unequal; lengths are not secret. Thread-safe.
bool ConstantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// ConstantTimeEqual compares the bytes of two strings the same way.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace sr::crypto
