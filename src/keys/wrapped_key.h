#pragma once
// The wrapped-key format shared by every level of the key hierarchy
// (docs/formats/keys.md): a 32-byte key encrypted with AES-256-GCM under a
// one-time key derived from a key-wrapping key (KWK) and a fresh salt, and
// bound to a context that names where the wrapped key belongs.
//   0x01 | KWK version (4) | salt (16) | nonce (12) | ciphertext (32) | tag (16)

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret.h"

namespace sr::keys {

inline constexpr std::uint8_t kWrappedKeyFormat = 0x01;
inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kWrapSaltSize = 16;
inline constexpr std::size_t kWrappedKeySize = 1 + 4 + kWrapSaltSize + 12 + kKeySize + 16;
inline constexpr std::string_view kKeyWrapInfo = "strongroom/key-wrap/v1";

// Purpose labels, the first element of every context.
inline constexpr std::string_view kKekPurpose = "strongroom/kek/v1";
inline constexpr std::string_view kDomainKeyPurpose = "strongroom/erasure-domain-key/v1";
inline constexpr std::string_view kDataKeyPurpose = "strongroom/data-key/v1";

// KeyContext builds the context a wrapped key is bound to: the purpose label
// then each field, strings length-prefixed (8 bytes, big-endian) and
// integers fixed-width big-endian, so distinct field lists never encode alike.
class KeyContext {
 public:
  explicit KeyContext(std::string_view purpose) { Add(purpose); }
  KeyContext& Add(std::string_view field);
  KeyContext& AddU32(std::uint32_t value);
  KeyContext& AddU64(std::uint64_t value);
  std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

// KekContext, DomainKeyContext and DataKeyContext are the contexts of the
// three levels of the hierarchy, as the format document lists them.
KeyContext KekContext(std::string_view workspace_id, std::uint32_t kek_version);
KeyContext DomainKeyContext(std::string_view workspace_id, std::string_view domain_id);
KeyContext DataKeyContext(std::string_view workspace_id, std::string_view object_id,
                          std::uint64_t object_version, std::string_view domain_id);

// WrapKey returns the 81-byte wrapped form of `key` under `kwk`, whose
// version `kwk_version` is written in the header, bound to `context`. Both
// keys must be 32 bytes (kInvalidArgument otherwise). Salt and nonce come
// from the CSPRNG. Thread-safe.
Result<std::vector<std::uint8_t>> WrapKey(const SecretBytes& kwk, std::uint32_t kwk_version,
                                          std::span<const std::uint8_t> context,
                                          const SecretBytes& key);

// UnwrapKey returns the key in `wrapped` if it was made by WrapKey under
// `kwk` with the same context. A wrong size or format byte, a wrong key, a
// changed byte or another context is kDataLoss ("key unwrap failed"), with no
// key released. The caller picks `kwk` by WrappedKeyVersion first. Thread-safe.
Result<SecretBytes> UnwrapKey(const SecretBytes& kwk, std::span<const std::uint8_t> context,
                              std::span<const std::uint8_t> wrapped);

// WrappedKeyVersion returns the KWK version named in `wrapped`'s header, or
// kDataLoss if `wrapped` is not a version-1 wrapped key of the right size.
Result<std::uint32_t> WrappedKeyVersion(std::span<const std::uint8_t> wrapped);

}  // namespace sr::keys
