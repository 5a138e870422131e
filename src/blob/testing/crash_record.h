#pragma once
// The self-checking blob content of the crash test: a payload followed by a
// 56-byte trailer (SHA-256 of the payload, payload length and version as
// little-endian u64, magic "SRCRASH1"). A trailer lets the writer stream the
// payload while hashing it. Any partial, mixed or truncated blob fails
// CheckRecord. Tests only.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "common/error.h"
#include "crypto/hash.h"

namespace sr::blob::testing {

inline constexpr std::string_view kCrashMagic = "SRCRASH1";
inline constexpr std::size_t kCrashTrailerSize = crypto::kSha256Size + 8 + 8 + 8;

inline void PutU64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline std::uint64_t GetU64(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | in[i];
  return v;
}

// RecordTrailer returns the trailer for a payload of `length` bytes with
// SHA-256 `digest`, as version `version`.
inline std::array<std::uint8_t, kCrashTrailerSize> RecordTrailer(std::uint64_t version,
                                                                 std::uint64_t length,
                                                                 const crypto::Digest& digest) {
  std::array<std::uint8_t, kCrashTrailerSize> t{};
  std::copy(digest.begin(), digest.end(), t.begin());
  PutU64(t.data() + 32, length);
  PutU64(t.data() + 40, version);
  std::memcpy(t.data() + 48, kCrashMagic.data(), kCrashMagic.size());
  return t;
}

// CheckRecord returns the version of a complete record, or kDataLoss.
inline Result<std::uint64_t> CheckRecord(std::span<const std::uint8_t> blob) {
  if (blob.size() < kCrashTrailerSize) return Fail(ErrorCode::kDataLoss, "shorter than a trailer");
  const std::span<const std::uint8_t> trailer = blob.last(kCrashTrailerSize);
  const std::span<const std::uint8_t> payload = blob.first(blob.size() - kCrashTrailerSize);
  if (std::memcmp(trailer.data() + 48, kCrashMagic.data(), kCrashMagic.size()) != 0) {
    return Fail(ErrorCode::kDataLoss, "no record trailer");
  }
  if (GetU64(trailer.data() + 32) != payload.size()) {
    return Fail(ErrorCode::kDataLoss, "record length does not match the blob size");
  }
  const crypto::Digest digest = crypto::Sha256(payload);
  if (!std::equal(digest.begin(), digest.end(), trailer.begin())) {
    return Fail(ErrorCode::kDataLoss, "record digest mismatch");
  }
  return GetU64(trailer.data() + 40);
}

}  // namespace sr::blob::testing
