#include "keys/wrapped_key.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "crypto/aead.h"
#include "crypto/kdf.h"
#include "crypto/random.h"

namespace sr::keys {
namespace {

constexpr std::size_t kHeaderSize = 5;
constexpr std::size_t kSaltOffset = kHeaderSize;
constexpr std::size_t kNonceOffset = kSaltOffset + kWrapSaltSize;
constexpr std::size_t kCiphertextOffset = kNonceOffset + crypto::kAes256GcmNonceSize;
static_assert(kCiphertextOffset + kKeySize + crypto::kAes256GcmTagSize == kWrappedKeySize);

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void AppendBigEndian(std::vector<std::uint8_t>& out, std::uint64_t value, int width) {
  for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

// OneTimeKey derives the AES key of one wrap from the KWK and the wrap's salt.
Result<crypto::Aes256Gcm> OneTimeKey(const SecretBytes& kwk, std::span<const std::uint8_t> salt) {
  SR_ASSIGN_OR_RETURN(SecretBytes key,
                      crypto::HkdfSha256(kwk.Reveal(), salt, Bytes(kKeyWrapInfo), kKeySize));
  return crypto::Aes256Gcm::Create(key);
}

std::vector<std::uint8_t> Aad(std::span<const std::uint8_t> header,
                              std::span<const std::uint8_t> context) {
  // Sized once: growing a vector here trips GCC 12's -Warray-bounds at -O3.
  std::vector<std::uint8_t> aad(header.size() + context.size());
  std::copy(header.begin(), header.end(), aad.begin());
  std::copy(context.begin(), context.end(),
            aad.begin() + static_cast<std::ptrdiff_t>(header.size()));
  return aad;
}

std::unexpected<Error> UnwrapFailed() { return Fail(ErrorCode::kDataLoss, "key unwrap failed"); }

}  // namespace

KeyContext& KeyContext::Add(std::string_view field) {
  AppendBigEndian(bytes_, field.size(), 8);
  bytes_.insert(bytes_.end(), field.begin(), field.end());
  return *this;
}

KeyContext& KeyContext::AddU32(std::uint32_t value) {
  AppendBigEndian(bytes_, value, 4);
  return *this;
}

KeyContext& KeyContext::AddU64(std::uint64_t value) {
  AppendBigEndian(bytes_, value, 8);
  return *this;
}

KeyContext KekContext(std::string_view workspace_id, std::uint32_t kek_version) {
  KeyContext context(kKekPurpose);
  context.Add(workspace_id).AddU32(kek_version);
  return context;
}

KeyContext DomainKeyContext(std::string_view workspace_id, std::string_view domain_id) {
  KeyContext context(kDomainKeyPurpose);
  context.Add(workspace_id).Add(domain_id);
  return context;
}

KeyContext DataKeyContext(std::string_view workspace_id, std::string_view object_id,
                          std::uint64_t object_version, std::string_view domain_id) {
  KeyContext context(kDataKeyPurpose);
  context.Add(workspace_id).Add(object_id).AddU64(object_version).Add(domain_id);
  return context;
}

Result<std::vector<std::uint8_t>> WrapKey(const SecretBytes& kwk, std::uint32_t kwk_version,
                                          std::span<const std::uint8_t> context,
                                          const SecretBytes& key) {
  if (kwk.size() != kKeySize || key.size() != kKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "key wrapping needs 32-byte keys");
  }
  std::vector<std::uint8_t> out(kWrappedKeySize);
  out[0] = kWrappedKeyFormat;
  for (std::size_t i = 0; i < 4; ++i) {
    out[1 + i] = static_cast<std::uint8_t>(kwk_version >> (8 * (3 - i)));
  }
  const std::span<std::uint8_t> all(out);
  crypto::FillRandom(all.subspan(kSaltOffset, kWrapSaltSize + crypto::kAes256GcmNonceSize));
  SR_ASSIGN_OR_RETURN(crypto::Aes256Gcm aead,
                      OneTimeKey(kwk, all.subspan(kSaltOffset, kWrapSaltSize)));
  SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> sealed,
                      aead.Seal(all.subspan(kNonceOffset, crypto::kAes256GcmNonceSize),
                                key.Reveal(), Aad(all.first(kHeaderSize), context)));
  if (sealed.size() != kWrappedKeySize - kCiphertextOffset) {
    return Fail(ErrorCode::kInternal, "key wrap produced an unexpected size");
  }
  std::copy(sealed.begin(), sealed.end(), out.begin() + kCiphertextOffset);
  return out;
}

Result<SecretBytes> UnwrapKey(const SecretBytes& kwk, std::span<const std::uint8_t> context,
                              std::span<const std::uint8_t> wrapped) {
  if (kwk.size() != kKeySize) return Fail(ErrorCode::kInvalidArgument, "KWK must be 32 bytes");
  if (!WrappedKeyVersion(wrapped)) return UnwrapFailed();
  SR_ASSIGN_OR_RETURN(crypto::Aes256Gcm aead,
                      OneTimeKey(kwk, wrapped.subspan(kSaltOffset, kWrapSaltSize)));
  Result<std::vector<std::uint8_t>> opened =
      aead.Open(wrapped.subspan(kNonceOffset, crypto::kAes256GcmNonceSize),
                wrapped.subspan(kCiphertextOffset), Aad(wrapped.first(kHeaderSize), context));
  if (!opened) return UnwrapFailed();
  SecretBytes key{std::span<const std::uint8_t>(*opened)};
  OPENSSL_cleanse(opened->data(), opened->size());
  if (key.size() != kKeySize) return UnwrapFailed();
  return key;
}

Result<std::uint32_t> WrappedKeyVersion(std::span<const std::uint8_t> wrapped) {
  if (wrapped.size() != kWrappedKeySize || wrapped[0] != kWrappedKeyFormat) {
    return Fail(ErrorCode::kDataLoss, "not a wrapped key (format 1, 81 bytes)");
  }
  std::uint32_t version = 0;
  for (std::size_t i = 1; i < kHeaderSize; ++i) version = (version << 8) | wrapped[i];
  return version;
}

}  // namespace sr::keys
