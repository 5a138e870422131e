#pragma once
// E-mail address handling for accounts.

#include <string>
#include <string_view>

#include "common/error.h"

namespace sr::identity {

// NormalizeEmail trims surrounding ASCII whitespace, lower-cases the domain
// (and, as most providers treat it case-insensitively, the local part), and
// checks a practical syntax: at most 254 bytes in all; exactly one '@'; a
// local part of 1 to 64 bytes in dot-atom form (RFC 5322 atext, or non-ASCII
// valid UTF-8 as RFC 6531 allows, separated by single dots; no quoted local
// parts, spaces or control characters); a domain of at least two labels of
// 1 to 63 letters, digits and inner hyphens, not ending in an all-numeric
// label (no address literals). Lower-casing is ASCII only: no Unicode case
// folding. Internationalised domains must be given in punycode ("xn--");
// raw non-ASCII in the domain is refused with a message saying so.
// kInvalidArgument otherwise; messages never repeat the address. Thread-safe.
Result<std::string> NormalizeEmail(std::string_view email);

// EmailLocalPart returns the part before '@' of a normalised address, or an
// empty view if there is no '@'.
std::string_view EmailLocalPart(std::string_view normalized_email);

}  // namespace sr::identity
