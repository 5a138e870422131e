#pragma once
// Hexadecimal encoding of byte strings, for logs, fixtures and test vectors.
// Not constant-time: do not feed it secrets whose timing matters.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr {

// HexEncode returns `bytes` as lowercase hexadecimal, two digits per byte.
std::string HexEncode(std::span<const std::uint8_t> bytes);

// HexDecode parses hexadecimal digits (either case) into bytes. It fails with
// kInvalidArgument on an odd length or any character that is not a hex digit;
// it accepts no prefix, separator or whitespace. An empty input gives no bytes.
Result<std::vector<std::uint8_t>> HexDecode(std::string_view hex);

}  // namespace sr
