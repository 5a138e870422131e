#include "content/object_path.h"

#include <cstdint>

namespace sr::content {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// IsWellFormedUtf8 follows the Unicode standard's table 3-7 of well-formed
// byte sequences: it refuses overlong forms, surrogates and code points
// above U+10FFFF. It also refuses C1 controls (U+0080..U+009F).
bool IsWellFormedUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<std::uint8_t>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    auto byte = [&](std::size_t k) -> int {
      return i + k < s.size() ? static_cast<std::uint8_t>(s[i + k]) : -1;
    };
    auto cont = [](int b) { return b >= 0x80 && b <= 0xBF; };
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      if (!cont(byte(1))) return false;
      if (b0 == 0xC2 && byte(1) <= 0x9F) return false;  // U+0080..U+009F: C1 controls
      i += 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      const int b1 = byte(1);
      const int lo = b0 == 0xE0 ? 0xA0 : 0x80;
      const int hi = b0 == 0xED ? 0x9F : 0xBF;  // 0xED A0..BF would be surrogates
      if (b1 < lo || b1 > hi || !cont(byte(2))) return false;
      i += 3;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      const int b1 = byte(1);
      const int lo = b0 == 0xF0 ? 0x90 : 0x80;
      const int hi = b0 == 0xF4 ? 0x8F : 0xBF;
      if (b1 < lo || b1 > hi || !cont(byte(2)) || !cont(byte(3))) return false;
      i += 4;
    } else {
      return false;  // 0x80..0xC1 lead bytes and 0xF5..0xFF never start a character
    }
  }
  return true;
}

std::unexpected<Error> Invalid(std::string_view rule) {
  return Fail(ErrorCode::kInvalidArgument, "invalid object path: " + std::string(rule));
}

Status SplitInto(std::string_view decoded, std::vector<std::string>& segments) {
  std::size_t start = 0;
  while (start <= decoded.size()) {
    const std::size_t slash = decoded.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? decoded.size() : slash;
    std::string_view name = decoded.substr(start, end - start);
    if (name.empty()) return Invalid("empty segment");
    if (!IsValidName(name)) return Invalid("a segment is not a valid name");
    segments.emplace_back(name);
    if (segments.size() > kMaxPathDepth) return Invalid("too deep");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Ok();
}

}  // namespace

std::string ObjectPath::text() const {
  std::string out;
  for (const std::string& s : segments) {
    if (!out.empty()) out += '/';
    out += s;
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      out += encoded[i];
      continue;
    }
    if (i + 2 >= encoded.size()) {
      return Fail(ErrorCode::kInvalidArgument, "invalid percent-encoding");
    }
    const int hi = HexValue(encoded[i + 1]);
    const int lo = HexValue(encoded[i + 2]);
    if (hi < 0 || lo < 0) return Fail(ErrorCode::kInvalidArgument, "invalid percent-encoding");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxSegmentBytes) return false;
  if (name == "." || name == "..") return false;
  for (char c : name) {
    const auto u = static_cast<std::uint8_t>(c);
    if (u < 0x20 || u == 0x7F || c == '/') return false;
  }
  return IsWellFormedUtf8(name);
}

Result<ObjectPath> ParseObjectPath(std::string_view encoded) {
  if (encoded.size() > 3 * kMaxPathBytes) return Invalid("too long");
  SR_ASSIGN_OR_RETURN(std::string decoded, PercentDecode(encoded));
  if (decoded.empty()) return Invalid("empty");
  if (decoded.size() > kMaxPathBytes) return Invalid("too long");
  ObjectPath path;
  SR_TRY(SplitInto(decoded, path.segments));
  return path;
}

Result<ObjectPath> ParsePlainObjectPath(std::string_view decoded) {
  if (decoded.empty()) return Invalid("empty");
  if (decoded.size() > kMaxPathBytes) return Invalid("too long");
  ObjectPath path;
  SR_TRY(SplitInto(decoded, path.segments));
  return path;
}

Status ParsePrefix(std::string_view encoded, std::vector<std::string>& folder,
                   std::string& partial) {
  folder.clear();
  partial.clear();
  if (encoded.size() > 3 * kMaxPathBytes) return Invalid("too long");
  SR_ASSIGN_OR_RETURN(std::string decoded, PercentDecode(encoded));
  if (decoded.size() > kMaxPathBytes) return Invalid("too long");
  if (decoded.empty()) return Ok();
  const std::size_t last_slash = decoded.rfind('/');
  if (last_slash != std::string::npos) {
    SR_TRY(SplitInto(std::string_view(decoded).substr(0, last_slash), folder));
  }
  partial = decoded.substr(last_slash == std::string::npos ? 0 : last_slash + 1);
  // A partial name is the start of a name: "." may begin ".profile", but
  // every other rule of names applies.
  if (!partial.empty() && partial != "." && !IsValidName(partial)) {
    return Invalid("the prefix is not a valid name");
  }
  return Ok();
}

}  // namespace sr::content
