#pragma once
// Single byte ranges (RFC 9110 section 14): the one form of Range request
// strongroom serves. Several ranges in one request are answered with the
// whole representation, which the RFC permits.

#include <cstdint>
#include <string_view>
#include <variant>

namespace sr::http {

struct WholeBody {};                     // no usable Range: answer 200
struct ByteRange {                       // answer 206 with these bytes
  std::uint64_t first = 0;
  std::uint64_t last = 0;                // inclusive
  bool operator==(const ByteRange&) const = default;
};
struct RangeNotSatisfiable {};           // answer 416

using RangeDecision = std::variant<WholeBody, ByteRange, RangeNotSatisfiable>;

// DecideRange interprets a Range header value for a representation of
// `size` bytes: "bytes=a-b", "bytes=a-" and "bytes=-n" (suffix). A header
// that is absent, malformed, of another unit or lists several ranges is
// ignored (WholeBody), as RFC 9110 section 14.2 allows. A range starting at
// or beyond `size`, and a zero-length suffix, are not satisfiable; a last
// position past the end is clipped to size - 1.
RangeDecision DecideRange(std::string_view header, std::uint64_t size);

}  // namespace sr::http
