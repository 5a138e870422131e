#include "content/node_name_cipher.h"

#include "crypto/kdf.h"
#include "crypto/mac.h"
#include "crypto/random.h"

namespace sr::content {
namespace {

constexpr std::uint8_t kSealedVersion = 0x01;
constexpr std::string_view kSealLabel = "strongroom/node-name/v1";
constexpr std::string_view kIndexLabel = "strongroom/node-name-index/v1";

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void AppendLengthPrefixed(std::vector<std::uint8_t>& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  out.insert(out.end(), s.begin(), s.end());
}

std::vector<std::uint8_t> Aad(std::string_view workspace_id, std::string_view node_id) {
  std::vector<std::uint8_t> aad(kSealLabel.begin(), kSealLabel.end());
  AppendLengthPrefixed(aad, workspace_id);
  AppendLengthPrefixed(aad, node_id);
  return aad;
}

}  // namespace

Result<NodeNameCipher> NodeNameCipher::Create(const SecretBytes& names_key) {
  if (names_key.size() != 32) return Fail(ErrorCode::kInvalidArgument, "names key must be 32 bytes");
  SR_ASSIGN_OR_RETURN(SecretBytes seal_key,
                      crypto::HkdfSha256(names_key.Reveal(), {}, Bytes(kSealLabel), 32));
  SR_ASSIGN_OR_RETURN(SecretBytes index_key,
                      crypto::HkdfSha256(names_key.Reveal(), {}, Bytes(kIndexLabel), 32));
  SR_ASSIGN_OR_RETURN(crypto::Aes256Gcm aead, crypto::Aes256Gcm::Create(seal_key));
  return NodeNameCipher(std::move(aead), std::move(index_key));
}

Result<std::vector<std::uint8_t>> NodeNameCipher::Seal(std::string_view workspace_id,
                                                       std::string_view node_id,
                                                       std::string_view name) const {
  std::vector<std::uint8_t> out(1 + crypto::kAes256GcmNonceSize);
  out[0] = kSealedVersion;
  const std::span<std::uint8_t> nonce(out.data() + 1, crypto::kAes256GcmNonceSize);
  crypto::FillRandom(nonce);
  SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> sealed,
                      aead_.Seal(nonce, Bytes(name), Aad(workspace_id, node_id)));
  out.insert(out.end(), sealed.begin(), sealed.end());
  return out;
}

Result<std::string> NodeNameCipher::Open(std::string_view workspace_id, std::string_view node_id,
                                         std::span<const std::uint8_t> sealed) const {
  constexpr std::size_t kMin = 1 + crypto::kAes256GcmNonceSize + crypto::kAes256GcmTagSize;
  if (sealed.size() < kMin || sealed[0] != kSealedVersion) {
    return Fail(ErrorCode::kDataLoss, "sealed name is damaged");
  }
  SR_ASSIGN_OR_RETURN(std::vector<std::uint8_t> plain,
                      aead_.Open(sealed.subspan(1, crypto::kAes256GcmNonceSize),
                                 sealed.subspan(1 + crypto::kAes256GcmNonceSize),
                                 Aad(workspace_id, node_id)));
  return std::string(plain.begin(), plain.end());
}

NameIndex NodeNameCipher::Index(std::string_view parent_id, std::string_view name) const {
  std::vector<std::uint8_t> input;
  input.reserve(8 + parent_id.size() + name.size());
  AppendLengthPrefixed(input, parent_id);
  AppendLengthPrefixed(input, name);
  return crypto::HmacSha256(index_key_, input);
}

}  // namespace sr::content
