#include "crypto/field_cipher.h"

#include <openssl/crypto.h>

#include "crypto/mac.h"
#include "crypto/random.h"

namespace sr::crypto {
namespace {

constexpr char kDecryptFailed[] = "field decryption failed";

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void AppendBigEndian(std::vector<std::uint8_t>& out, std::uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

// AppendLengthPrefixed appends the 8-byte big-endian length of `s`, then `s`,
// so that no two different sequences of strings encode the same way.
void AppendLengthPrefixed(std::vector<std::uint8_t>& out, std::string_view s) {
  AppendBigEndian(out, s.size(), 8);
  out.insert(out.end(), s.begin(), s.end());
}

Status CheckNames(std::string_view table, std::string_view column, std::string_view row_id) {
  if (table.empty() || column.empty() || row_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "table, column and row id must be non-empty");
  }
  return Ok();
}

// Aad is the associated data of a blob: its header, then the cell it belongs to.
std::vector<std::uint8_t> Aad(std::span<const std::uint8_t> header, std::string_view table,
                              std::string_view column, std::string_view row_id) {
  std::vector<std::uint8_t> aad(header.begin(), header.end());
  AppendLengthPrefixed(aad, table);
  AppendLengthPrefixed(aad, column);
  AppendLengthPrefixed(aad, row_id);
  return aad;
}

}  // namespace

Result<FieldCipher> FieldCipher::Create(const KeyDeriver& deriver) {
  SecretBytes field_key = deriver.Derive(kFieldEncryptionLabel, kAes256GcmKeySize);
  Digest key_hash = Sha256(field_key.Reveal());
  std::uint32_t key_id = (std::uint32_t{key_hash[0]} << 24) | (std::uint32_t{key_hash[1]} << 16) |
                         (std::uint32_t{key_hash[2]} << 8) | std::uint32_t{key_hash[3]};
  SR_ASSIGN_OR_RETURN(Aes256Gcm aead, Aes256Gcm::Create(field_key));
  return FieldCipher(std::move(aead), key_id, deriver.Derive(kBlindIndexLabel, kSha256Size));
}

Result<std::vector<std::uint8_t>> FieldCipher::Encrypt(std::string_view table,
                                                       std::string_view column,
                                                       std::string_view row_id,
                                                       std::string_view plaintext) const {
  SR_TRY(CheckNames(table, column, row_id));
  if (plaintext.size() > kMaxFieldPlaintextSize) {
    return Fail(ErrorCode::kInvalidArgument, "field value too large to encrypt");
  }
  std::vector<std::uint8_t> blob;
  blob.reserve(kFieldBlobOverhead + plaintext.size());
  blob.push_back(kFieldFormatVersion);
  AppendBigEndian(blob, key_id_, 4);
  blob.resize(kFieldHeaderSize + kAes256GcmNonceSize);
  auto nonce = std::span(blob).subspan(kFieldHeaderSize);
  FillRandom(nonce);
  SR_ASSIGN_OR_RETURN(
      auto sealed, aead_.Seal(nonce, Bytes(plaintext),
                              Aad(std::span(blob).first(kFieldHeaderSize), table, column, row_id)));
  blob.insert(blob.end(), sealed.begin(), sealed.end());
  return blob;
}

Result<std::string> FieldCipher::Decrypt(std::string_view table, std::string_view column,
                                         std::string_view row_id,
                                         std::span<const std::uint8_t> blob) const {
  SR_TRY(CheckNames(table, column, row_id));
  if (blob.size() < kFieldBlobOverhead ||
      blob.size() > kFieldBlobOverhead + kMaxFieldPlaintextSize) {
    return Fail(ErrorCode::kDataLoss, kDecryptFailed);
  }
  if (blob[0] != kFieldFormatVersion)
    return Fail(ErrorCode::kDataLoss, "unsupported field format version");
  std::uint32_t key_id = (std::uint32_t{blob[1]} << 24) | (std::uint32_t{blob[2]} << 16) |
                         (std::uint32_t{blob[3]} << 8) | std::uint32_t{blob[4]};
  if (key_id != key_id_) return Fail(ErrorCode::kNotFound, "unknown field key id");

  auto header = blob.first(kFieldHeaderSize);
  auto nonce = blob.subspan(kFieldHeaderSize, kAes256GcmNonceSize);
  auto sealed = blob.subspan(kFieldHeaderSize + kAes256GcmNonceSize);
  auto plaintext = aead_.Open(nonce, sealed, Aad(header, table, column, row_id));
  if (!plaintext) return Fail(ErrorCode::kDataLoss, kDecryptFailed);
  std::string out(plaintext->begin(), plaintext->end());
  if (!plaintext->empty()) OPENSSL_cleanse(plaintext->data(), plaintext->size());
  return out;
}

Digest FieldCipher::BlindIndex(std::string_view table, std::string_view column,
                               std::string_view normalized_value) const {
  std::vector<std::uint8_t> message;
  message.reserve(24 + table.size() + column.size() + normalized_value.size());
  AppendLengthPrefixed(message, table);
  AppendLengthPrefixed(message, column);
  AppendLengthPrefixed(message, normalized_value);
  Digest index = HmacSha256(blind_key_, message);
  OPENSSL_cleanse(message.data(), message.size());  // it holds personal data
  return index;
}

}  // namespace sr::crypto
