#pragma once
// Strict UTF-8 validation (Unicode 15, table 3-7 "well-formed byte
// sequences"): no overlong forms, no surrogates, nothing above U+10FFFF.

#include <cstddef>
#include <optional>
#include <string_view>

namespace sr::identity::internal {

// CountCodePoints returns the number of code points in `text`, or nullopt if
// `text` is not well-formed UTF-8.
std::optional<std::size_t> CountCodePoints(std::string_view text);

}  // namespace sr::identity::internal
