#include "identity/internal/common_passwords.h"

#include <algorithm>
#include <string_view>

namespace sr::identity::internal {
namespace {

constexpr std::string_view kCommonPasswords[] = {
#include "identity/internal/common_passwords.inc"
};

// The generator sorts and de-duplicates; the compiler checks it did.
static_assert(std::ranges::is_sorted(kCommonPasswords));
static_assert(std::ranges::adjacent_find(kCommonPasswords) == std::ranges::end(kCommonPasswords));

}  // namespace

std::span<const std::string_view> CommonPasswords() { return kCommonPasswords; }

bool IsCommonPassword(std::string_view lowered) {
  return std::ranges::binary_search(kCommonPasswords, lowered);
}

}  // namespace sr::identity::internal
