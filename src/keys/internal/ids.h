#pragma once
// Identifier rules of the keys module (docs/formats/keys.md, "Identifiers")
// and the making of erasure-domain ids. Private to src/keys. Thread-safe.

#include <string>
#include <string_view>

#include "common/error.h"

namespace sr::keys::internal {

inline constexpr std::string_view kDomainIdPrefix = "edk_";
inline constexpr std::size_t kDomainIdDigits = 22;
inline constexpr std::size_t kMaxIdLength = 128;

// NewDomainId returns "edk_" followed by 22 uniform base62 digits from the CSPRNG.
std::string NewDomainId();

// ValidateWorkspaceId and ValidateObjectId accept 1-128 characters of
// [A-Za-z0-9_-]; ValidateSubject 1-128 of [A-Za-z0-9_.:-]; ValidateDomainId
// the shape NewDomainId makes. Anything else is kInvalidArgument naming the
// field, never repeating the value.
Status ValidateWorkspaceId(std::string_view id);
Status ValidateObjectId(std::string_view id);
Status ValidateSubject(std::string_view subject);
Status ValidateDomainId(std::string_view id);

}  // namespace sr::keys::internal
