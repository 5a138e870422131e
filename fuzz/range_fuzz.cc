// range_fuzz: the first 8 input bytes (big-endian; fewer if the input is
// shorter) are a representation size, the rest a Range header value. Any
// ByteRange that DecideRange returns must lie inside the representation, for
// that size and for the edge sizes 0, 1 and 2^64 - 1.

#include <algorithm>
#include <array>
#include <cstdint>
#include <variant>

#include "fuzz_util.h"
#include "http/range.h"

namespace sr::http {
namespace {

void Check(std::string_view header, std::uint64_t size) {
  const RangeDecision decision = DecideRange(header, size);
  if (const auto* range = std::get_if<ByteRange>(&decision)) {
    SR_FUZZ_CHECK(range->first <= range->last);
    SR_FUZZ_CHECK(range->last < size);
  }
  const RangeDecision again = DecideRange(header, size);  // a pure function
  SR_FUZZ_CHECK(again.index() == decision.index());
  SR_FUZZ_CHECK(!std::holds_alternative<ByteRange>(decision) ||
                std::get<ByteRange>(again) == std::get<ByteRange>(decision));
}

void FuzzInput(std::string_view input) {
  const std::size_t prefix = std::min<std::size_t>(input.size(), 8);
  std::uint64_t size = 0;
  for (char c : input.substr(0, prefix)) size = (size << 8) | static_cast<unsigned char>(c);
  const std::string_view header = input.substr(prefix);
  for (std::uint64_t s : std::array<std::uint64_t, 4>{size, 0, 1, UINT64_MAX}) Check(header, s);
}

}  // namespace
}  // namespace sr::http

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sr::http::FuzzInput(sr::fuzz::AsText(data, size));
  return 0;
}
