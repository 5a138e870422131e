#include "identity/internal/utf8.h"

#include <cstdint>

namespace sr::identity::internal {

std::optional<std::size_t> CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto byte = [&](std::size_t at) { return static_cast<std::uint8_t>(text[at]); };
  auto continuation = [&](std::size_t at, std::uint8_t lo = 0x80, std::uint8_t hi = 0xBF) {
    return at < n && byte(at) >= lo && byte(at) <= hi;
  };
  while (i < n) {
    const std::uint8_t b = byte(i);
    std::size_t len;
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = continuation(i + 1) ? 2 : 0;
    } else if (b >= 0xE0 && b <= 0xEF) {
      // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
      const std::uint8_t lo = b == 0xE0 ? 0xA0 : 0x80;
      const std::uint8_t hi = b == 0xED ? 0x9F : 0xBF;
      len = continuation(i + 1, lo, hi) && continuation(i + 2) ? 3 : 0;
    } else if (b >= 0xF0 && b <= 0xF4) {
      // F0 needs 90..BF (no overlongs); F4 needs 80..8F (<= U+10FFFF).
      const std::uint8_t lo = b == 0xF0 ? 0x90 : 0x80;
      const std::uint8_t hi = b == 0xF4 ? 0x8F : 0xBF;
      len = continuation(i + 1, lo, hi) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    } else {
      len = 0;  // 80..C1 (continuation or overlong lead) and F5..FF never start one
    }
    if (len == 0) return std::nullopt;
    i += len;
    ++count;
  }
  return count;
}

}  // namespace sr::identity::internal
