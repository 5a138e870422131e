// Name validation shared by every BlobStore backend.

#include <fmt/format.h>

#include "blob/blob_store.h"

namespace sr::blob {

Status ValidateName(std::string_view name, std::string_view what) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} must be 1 to {} characters long", what, kMaxNameLength));
  }
  for (const char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!allowed) {
      // The value is not echoed: it may be hostile, and it is the caller's anyway.
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} may contain only A-Z, a-z, 0-9, '_' and '-'", what));
    }
  }
  return Ok();
}

}  // namespace sr::blob
