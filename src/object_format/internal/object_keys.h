#pragma once
// Private to sr_object_format: building the header and deriving the keys,
// MAC, nonces and AAD exactly as docs/formats/object.md says. All functions
// are pure and thread-safe.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret.h"
#include "crypto/hash.h"
#include "object_format/object_format.h"

namespace sr::object_format::internal {

inline constexpr std::string_view kContentKeyLabel = "strongroom/object/v1/content-key";
inline constexpr std::string_view kHeaderMacLabel = "strongroom/object/v1/header-mac";

// EncodeHeaderCore returns the header core, magic through salt, for a valid
// `identity`, a valid `segment_size` and a kSaltSize-byte `salt`.
std::vector<std::uint8_t> EncodeHeaderCore(const ObjectIdentity& identity,
                                           std::uint32_t segment_size,
                                           std::span<const std::uint8_t> salt);

// ObjectKeys are the two keys one blob uses, both derived from its data key.
struct ObjectKeys {
  SecretBytes content_key;  // AES-256-GCM, seals the segments
  SecretBytes mac_key;      // HMAC-SHA256, authenticates the header
};

// DeriveObjectKeys derives the keys of the blob whose header core is `core`
// from the 32-byte `data_key` (kInvalidArgument for another size).
Result<ObjectKeys> DeriveObjectKeys(const SecretBytes& data_key,
                                    std::span<const std::uint8_t> core);

// FinishHeader returns core || wrapped-key length || wrapped key || MAC.
std::vector<std::uint8_t> FinishHeader(std::span<const std::uint8_t> core,
                                       std::span<const std::uint8_t> wrapped_key,
                                       const SecretBytes& mac_key);

// HeaderMacMatches checks, in constant time, the MAC at the end of `header`.
bool HeaderMacMatches(std::span<const std::uint8_t> header, const SecretBytes& mac_key);

// SegmentNonce returns the 12-byte nonce of segment `index`: the index as an
// 11-byte big-endian integer, then 0x01 if `final`, else 0x00.
std::array<std::uint8_t, 12> SegmentNonce(std::uint64_t index, bool final);

// SegmentAad returns the AAD of every segment: SHA-256 of the header core.
inline crypto::Digest SegmentAad(std::span<const std::uint8_t> core) {
  return crypto::Sha256(core);
}

}  // namespace sr::object_format::internal
