#pragma once
// Base32 (RFC 4648 section 6: alphabet A-Z 2-7), the encoding of TOTP
// secrets in otpauth:// URIs and in authenticator apps.
//
// Written by hand because Debian ships no C++ library for it, and it is an
// encoding, not a cryptographic primitive. Encoding avoids secret-dependent
// branches and table look-ups, since what it encodes is usually a key.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr::mfa {

// Base32Encode returns `bytes` in upper-case base32, with '=' padding to a
// multiple of 8 characters if `pad` is true and none otherwise (the Key Uri
// Format of otpauth:// wants none). The result holds whatever `bytes` held:
// if that is a secret, so is the string. Thread-safe; never fails.
std::string Base32Encode(std::span<const std::uint8_t> bytes, bool pad = false);

// Base32Decode parses base32 text, upper or lower case, with or without
// '=' padding, into bytes. It fails with kInvalidArgument on any other
// character (including spaces), on padding that is not at the end or not
// the exact amount for the length, on a length no encoding can produce
// (1, 3 or 6 characters in the last group) and on non-zero unused trailing
// bits (so every byte string has exactly one accepted unpadded spelling).
// The error message never quotes the input. Thread-safe.
Result<std::vector<std::uint8_t>> Base32Decode(std::string_view text);

}  // namespace sr::mfa
