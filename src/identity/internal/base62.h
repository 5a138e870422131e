#pragma once
// Base62 helpers shared by tokens and identifiers. Alphabet "0-9A-Za-z", so
// the value of a digit is its index in kBase62Alphabet. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sr::identity::internal {

inline constexpr std::string_view kBase62Alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// kBase62RejectAt is the first byte value rejection sampling discards: 248 is
// the largest multiple of 62 that fits in a byte, so byte % 62 is uniform on
// bytes below it.
inline constexpr unsigned kBase62RejectAt = 248;

// IsBase62 returns whether `c` is in kBase62Alphabet.
bool IsBase62(char c);

// AppendBase62FromBytes appends one digit, alphabet[b % 62], to `out` for each
// byte b of `bytes` below kBase62RejectAt, and skips the others, until `out`
// holds `want` characters. It returns the number of bytes consumed.
std::size_t AppendBase62FromBytes(std::span<const std::uint8_t> bytes, std::size_t want,
                                  std::string& out);

// RandomBase62 returns `n` independent, uniformly distributed base62 digits
// drawn from the CSPRNG by rejection sampling (log2(62) ~ 5.954 bits each).
std::string RandomBase62(std::size_t n);

// EncodeBase62 renders `value` as exactly `width` digits, most significant
// first, left-padded with '0'. `value` must be below 62^width.
std::string EncodeBase62(std::uint64_t value, std::size_t width);

}  // namespace sr::identity::internal
