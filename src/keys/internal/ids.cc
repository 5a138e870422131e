#include "keys/internal/ids.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "crypto/random.h"

namespace sr::keys::internal {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// 248 is the largest multiple of 62 below 256: b % 62 is uniform for b < 248.
constexpr unsigned kRejectAt = 248;

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

template <typename Allowed>
Status Check(std::string_view value, std::string_view field, Allowed allowed) {
  bool ok = !value.empty() && value.size() <= kMaxIdLength;
  for (char c : value) ok = ok && allowed(c);
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + " must be 1 to 128 characters of the allowed alphabet");
  }
  return Ok();
}

}  // namespace

std::string NewDomainId() {
  std::string id(kDomainIdPrefix);
  while (id.size() < kDomainIdPrefix.size() + kDomainIdDigits) {
    std::array<std::uint8_t, 32> bytes;
    crypto::FillRandom(bytes);
    for (std::uint8_t b : bytes) {
      if (b >= kRejectAt) continue;
      id.push_back(kBase62[b % 62]);
      if (id.size() == kDomainIdPrefix.size() + kDomainIdDigits) break;
    }
  }
  return id;
}

Status ValidateWorkspaceId(std::string_view id) {
  return Check(id, "workspace id", [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

Status ValidateObjectId(std::string_view id) {
  return Check(id, "object id", [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

Status ValidateSubject(std::string_view subject) {
  return Check(subject, "erasure-domain subject",
               [](char c) { return IsAlnum(c) || c == '_' || c == '-' || c == '.' || c == ':'; });
}

Status ValidateDomainId(std::string_view id) {
  bool ok =
      id.size() == kDomainIdPrefix.size() + kDomainIdDigits && id.starts_with(kDomainIdPrefix);
  for (char c : id.substr(std::min(id.size(), kDomainIdPrefix.size()))) ok = ok && IsAlnum(c);
  if (!ok) return Fail(ErrorCode::kInvalidArgument, "erasure domain id is malformed");
  return Ok();
}

}  // namespace sr::keys::internal
