#pragma once
// FieldCipher encrypts personal-data columns one cell at a time, binding each
// ciphertext to its table, column and row so that a blob copied to another
// cell does not decrypt, and computes blind indexes for equality lookups.
// The blob format is specified in docs/formats/field-encryption.md:
//   0x01 | key id (4, big-endian) | nonce (12) | AES-256-GCM ciphertext | tag (16)

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/subkeys.h"

namespace sr::crypto {

inline constexpr std::uint8_t kFieldFormatVersion = 0x01;
inline constexpr std::size_t kFieldHeaderSize = 1 + 4;  // version, key id
inline constexpr std::size_t kFieldBlobOverhead =
    kFieldHeaderSize + kAes256GcmNonceSize + kAes256GcmTagSize;
// kMaxFieldPlaintextSize bounds one cell; larger values belong in blob storage.
inline constexpr std::size_t kMaxFieldPlaintextSize = std::size_t{1} << 20;

// FieldCipher is immutable after Create; all methods are thread-safe.
// Nonces are random, so one field key may encrypt at most 2^32 cells (NIST SP
// 800-38D 8.3); the key id in each blob lets the key rotate long before that.
class FieldCipher {
 public:
  // Create derives the field-encryption subkey (kFieldEncryptionLabel) and the
  // blind-index subkey (kBlindIndexLabel) from `deriver`.
  static Result<FieldCipher> Create(const KeyDeriver& deriver);

  FieldCipher(FieldCipher&&) noexcept = default;
  FieldCipher& operator=(FieldCipher&&) noexcept = default;

  // Encrypt returns the blob for `plaintext` stored at (`table`, `column`,
  // `row_id`), with a fresh random nonce. Fails with kInvalidArgument if any
  // name is empty or the plaintext exceeds kMaxFieldPlaintextSize.
  Result<std::vector<std::uint8_t>> Encrypt(std::string_view table, std::string_view column,
                                            std::string_view row_id,
                                            std::string_view plaintext) const;

  // Decrypt returns the plaintext of `blob` if it was made by Encrypt for the
  // same (`table`, `column`, `row_id`) under this key. A blob under another
  // key id gives kNotFound (a rotated-out key); any other damage, including a
  // wrong cell, gives kDataLoss. Empty names give kInvalidArgument.
  Result<std::string> Decrypt(std::string_view table, std::string_view column,
                              std::string_view row_id, std::span<const std::uint8_t> blob) const;

  // BlindIndex returns HMAC-SHA256 under the blind-index subkey of the
  // length-prefixed `table`, `column` and `normalized_value`: equal inputs give
  // equal digests, so a column can be searched for equality without
  // decrypting. The caller normalises (e.g. lowercases an e-mail address).
  Digest BlindIndex(std::string_view table, std::string_view column,
                    std::string_view normalized_value) const;

  // key_id returns the id written into every blob: the first four bytes,
  // big-endian, of SHA-256 of the field-encryption subkey.
  std::uint32_t key_id() const { return key_id_; }

 private:
  FieldCipher(Aes256Gcm aead, std::uint32_t key_id, SecretBytes blind_key)
      : aead_(std::move(aead)), key_id_(key_id), blind_key_(std::move(blind_key)) {}

  Aes256Gcm aead_;
  std::uint32_t key_id_;
  SecretBytes blind_key_;
};

}  // namespace sr::crypto
