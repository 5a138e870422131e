#include "object_format/internal/object_keys.h"

#include "crypto/compare.h"
#include "crypto/kdf.h"
#include "crypto/mac.h"

namespace sr::object_format::internal {
namespace {

void PutU16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void PutU32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void PutU64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void PutId(std::vector<std::uint8_t>& out, std::string_view id) {
  out.push_back(static_cast<std::uint8_t>(id.size()));
  out.insert(out.end(), id.begin(), id.end());
}

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

std::vector<std::uint8_t> EncodeHeaderCore(const ObjectIdentity& identity,
                                           std::uint32_t segment_size,
                                           std::span<const std::uint8_t> salt) {
  std::vector<std::uint8_t> core(kMagic.begin(), kMagic.end());
  PutU16(core, kFormatVersion);
  PutU16(core, kSuiteAes256GcmHkdfSha256);
  PutU32(core, segment_size);
  PutId(core, identity.workspace_id);
  PutId(core, identity.object_id);
  PutU64(core, identity.version);
  PutId(core, identity.erasure_domain_id);
  core.insert(core.end(), salt.begin(), salt.end());
  return core;
}

Result<ObjectKeys> DeriveObjectKeys(const SecretBytes& data_key,
                                    std::span<const std::uint8_t> core) {
  if (data_key.size() != kDataKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "object data key must be 32 bytes");
  }
  auto salt = core.last(kSaltSize);
  // info = label || 0x00 || header[8 .. C-32): version, suite, segment size, identity.
  std::vector<std::uint8_t> info(kContentKeyLabel.begin(), kContentKeyLabel.end());
  info.push_back(0x00);
  auto bound = core.subspan(kMagic.size(), core.size() - kMagic.size() - kSaltSize);
  info.insert(info.end(), bound.begin(), bound.end());
  SR_ASSIGN_OR_RETURN(SecretBytes content_key,
                      crypto::HkdfSha256(data_key.Reveal(), salt, info, 32));
  SR_ASSIGN_OR_RETURN(SecretBytes mac_key,
                      crypto::HkdfSha256(data_key.Reveal(), salt, Bytes(kHeaderMacLabel), 32));
  return ObjectKeys{std::move(content_key), std::move(mac_key)};
}

std::vector<std::uint8_t> FinishHeader(std::span<const std::uint8_t> core,
                                       std::span<const std::uint8_t> wrapped_key,
                                       const SecretBytes& mac_key) {
  std::vector<std::uint8_t> header;
  header.reserve(core.size() + 2 + wrapped_key.size() + kHeaderMacSize);
  header.assign(core.begin(), core.end());
  PutU16(header, static_cast<std::uint16_t>(wrapped_key.size()));
  header.insert(header.end(), wrapped_key.begin(), wrapped_key.end());
  crypto::Digest mac = crypto::HmacSha256(mac_key, header);
  header.insert(header.end(), mac.begin(), mac.end());
  return header;
}

bool HeaderMacMatches(std::span<const std::uint8_t> header, const SecretBytes& mac_key) {
  if (header.size() < kHeaderMacSize) return false;
  std::size_t body = header.size() - kHeaderMacSize;
  crypto::Digest mac = crypto::HmacSha256(mac_key, header.first(body));
  return crypto::ConstantTimeEqual(mac, header.subspan(body));
}

std::array<std::uint8_t, 12> SegmentNonce(std::uint64_t index, bool final) {
  std::array<std::uint8_t, 12> nonce{};  // bytes 0-2 stay 0: the index has 64 bits
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<std::uint8_t>(index >> (8 * i));
  nonce[11] = final ? 0x01 : 0x00;
  return nonce;
}

}  // namespace sr::object_format::internal
