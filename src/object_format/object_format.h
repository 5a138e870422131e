#pragma once
// sr::object_format is the encrypted blob format of stored object versions
// (docs/formats/object.md): a header naming the object and carrying its
// wrapped data key, then AES-256-GCM segments. This header holds the format's
// constants, the identity a blob is bound to and header parsing, which needs
// no key. Writing is in writer.h, reading in reader.h, the size arithmetic in
// layout.h.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret.h"

namespace sr::object_format {

inline constexpr std::array<std::uint8_t, 8> kMagic = {0x53, 0x52, 0x4f, 0x42,
                                                       0x4a, 0x0d, 0x0a, 0x1a};  // "SROBJ\r\n\x1a"
inline constexpr std::uint16_t kFormatVersion = 1;
// kSuiteAes256GcmHkdfSha256: AES-256-GCM segments, HKDF-SHA256, HMAC-SHA256.
inline constexpr std::uint16_t kSuiteAes256GcmHkdfSha256 = 1;

inline constexpr std::size_t kDataKeySize = 32;
inline constexpr std::size_t kSaltSize = 32;
inline constexpr std::size_t kHeaderMacSize = 32;
inline constexpr std::size_t kSegmentTagSize = 16;
inline constexpr std::size_t kMaxIdSize = 64;
inline constexpr std::size_t kMaxWrappedKeySize = 1024;
// Segment sizes are powers of two from 256 B to 4 MiB.
inline constexpr std::uint32_t kMinSegmentSize = std::uint32_t{1} << 8;
inline constexpr std::uint32_t kMaxSegmentSize = std::uint32_t{1} << 22;
// kDefaultSegmentSize is the measured choice (docs/formats/object.md).
inline constexpr std::uint32_t kDefaultSegmentSize = std::uint32_t{1} << 16;
// kMaxSegments is SP 800-38D's invocation limit per key: 2^32.
inline constexpr std::uint64_t kMaxSegments = std::uint64_t{1} << 32;
// kMaxHeaderSize bounds every header: 59 + 3 ids + 34 + wrapped key.
inline constexpr std::size_t kMaxHeaderSize = 59 + 3 * kMaxIdSize + 34 + kMaxWrappedKeySize;

// ObjectIdentity names the place a blob belongs to. Each id is 1 to 64
// visible ASCII characters (0x21-0x7e); ids are public but authenticated.
struct ObjectIdentity {
  std::string workspace_id;
  std::string object_id;  // immutable for the object's life
  std::uint64_t version = 0;
  std::string erasure_domain_id;

  bool operator==(const ObjectIdentity&) const = default;
};

// IsValidObjectId returns whether `id` may be a workspace, object or
// erasure-domain id: 1 to kMaxIdSize bytes, each in 0x21-0x7e.
bool IsValidObjectId(std::string_view id);

// ValidateIdentity returns kInvalidArgument, naming the field, unless every
// id of `identity` is valid.
Status ValidateIdentity(const ObjectIdentity& identity);

// IsValidSegmentSize returns whether `size` is a power of two in
// [kMinSegmentSize, kMaxSegmentSize].
bool IsValidSegmentSize(std::uint64_t size);

// ParsedHeader is a syntactically valid, not yet authenticated header, as
// ParseHeader returns it: nothing in it may be trusted until
// ObjectReader::Open has checked the header MAC with the data key. Immutable;
// safe to share between threads.
class ParsedHeader {
 public:
  // identity is what the header claims; compare it only after Open.
  const ObjectIdentity& identity() const { return identity_; }
  std::uint32_t segment_size() const { return segment_size_; }
  // wrapped_data_key is the opaque wrapped key, for the keys module to unwrap
  // with the identity the caller expects (not the one claimed here).
  std::span<const std::uint8_t> wrapped_data_key() const;
  // bytes is the whole header, size() bytes; the first segment starts there.
  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  // core is the header from the magic through the salt: what every segment's
  // AAD binds.
  std::span<const std::uint8_t> core() const { return std::span(bytes_).first(core_size_); }

 private:
  friend Result<ParsedHeader> ParseHeader(std::span<const std::uint8_t> prefix);
  ParsedHeader() = default;

  ObjectIdentity identity_;
  std::uint32_t segment_size_ = 0;
  std::size_t core_size_ = 0;
  std::size_t wrapped_size_ = 0;
  std::vector<std::uint8_t> bytes_;
};

// ParseHeader parses the header at the start of `prefix`, which should hold
// the first min(blob size, kMaxHeaderSize) bytes of a blob; bytes after the
// header are ignored. It checks syntax only (magic, version, suite, segment
// size, ids, lengths) and fails with kDataLoss on anything else, including a
// header that does not fit in `prefix`. It never needs a key. Thread-safe.
Result<ParsedHeader> ParseHeader(std::span<const std::uint8_t> prefix);

// RewrapHeader returns a new header for the blob `header` starts: the same
// core (so every segment stays valid unchanged) with `new_wrapped_key` in
// place of the old wrapped key and a new MAC. It first verifies the old
// header's MAC with `data_key` (kDataLoss if it fails, kInvalidArgument if
// the key is not 32 bytes); `new_wrapped_key` must be 1 to
// kMaxWrappedKeySize bytes (kInvalidArgument). The new blob is the returned
// header followed by the old blob's bytes from header.size() on.
Result<std::vector<std::uint8_t>> RewrapHeader(const ParsedHeader& header,
                                               const SecretBytes& data_key,
                                               std::span<const std::uint8_t> new_wrapped_key);

}  // namespace sr::object_format
