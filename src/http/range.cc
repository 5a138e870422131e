#include "http/range.h"

#include <charconv>

namespace sr::http {
namespace {

// ParseDigits reads a non-empty run of decimal digits without overflow.
bool ParseDigits(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

RangeDecision DecideRange(std::string_view header, std::uint64_t size) {
  header = Trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() <= kUnit.size()) return WholeBody{};
  for (std::size_t i = 0; i < kUnit.size(); ++i) {
    const char c = header[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) != kUnit[i]) return WholeBody{};
  }
  std::string_view spec = Trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return WholeBody{};
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return WholeBody{};
  const std::string_view a = Trim(spec.substr(0, dash));
  const std::string_view b = Trim(spec.substr(dash + 1));
  if (a.empty()) {  // suffix: the last n bytes
    std::uint64_t n = 0;
    if (!ParseDigits(b, n)) return WholeBody{};
    if (n == 0 || size == 0) return RangeNotSatisfiable{};
    return ByteRange{n >= size ? 0 : size - n, size - 1};
  }
  std::uint64_t first = 0;
  if (!ParseDigits(a, first)) return WholeBody{};
  std::uint64_t last = 0;
  if (b.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else {
    if (!ParseDigits(b, last)) return WholeBody{};
    if (last < first) return WholeBody{};  // invalid: ignored, per RFC 9110 14.1.1
  }
  if (first >= size) return RangeNotSatisfiable{};
  if (last >= size) last = size - 1;
  return ByteRange{first, last};
}

}  // namespace sr::http
