#include "crypto/internal/aes_gcm.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include <algorithm>

#include "crypto/internal/openssl_util.h"

namespace sr::crypto::internal {
namespace {

constexpr char kAuthFailed[] = "decryption failed";

std::unexpected<Error> InternalError(const char* what) {
  ERR_clear_error();  // leave no stale entries for unrelated OpenSSL callers
  return Fail(ErrorCode::kInternal, what);
}

Status CheckParams(std::span<const std::uint8_t> key, std::span<const std::uint8_t> iv,
                   std::size_t tag_size) {
  if (key.size() != kGcmKeySize)
    return Fail(ErrorCode::kInvalidArgument, "AES-256-GCM key must be 32 bytes");
  if (iv.empty() || iv.size() > kGcmMaxIvSize)
    return Fail(ErrorCode::kInvalidArgument, "AES-GCM IV length out of range");
  if (!IsAllowedGcmTagSize(tag_size))
    return Fail(ErrorCode::kInvalidArgument, "AES-GCM tag length not allowed");
  return Ok();
}

// Init sets up `ctx` for one AES-256-GCM operation in direction `encrypt`.
bool Init(EVP_CIPHER_CTX* ctx, bool encrypt, std::span<const std::uint8_t> key,
          std::span<const std::uint8_t> iv) {
  std::size_t iv_len = iv.size();
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &iv_len),
      OSSL_PARAM_construct_end(),
  };
  int enc = encrypt ? 1 : 0;
  return EVP_CipherInit_ex2(ctx, Aes256GcmCipher(), nullptr, nullptr, enc, params) == 1 &&
         EVP_CipherInit_ex2(ctx, nullptr, key.data(), iv.data(), enc, nullptr) == 1;
}


}  // namespace

bool IsAllowedGcmTagSize(std::size_t tag_size) {
  return (tag_size >= 12 && tag_size <= 16) || tag_size == 8 || tag_size == 4;
}

Result<std::vector<std::uint8_t>> AesGcmSeal(std::span<const std::uint8_t> key,
                                             std::span<const std::uint8_t> iv,
                                             std::span<const std::uint8_t> plaintext,
                                             std::span<const std::uint8_t> aad,
                                             std::size_t tag_size) {
  SR_TRY(CheckParams(key, iv, tag_size));
  if (plaintext.size() > kGcmMaxPlaintextSize)
    return Fail(ErrorCode::kInvalidArgument, "AES-GCM plaintext too long");
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || !Init(ctx.get(), true, key, iv)) return InternalError("AES-GCM init failed");

  std::vector<std::uint8_t> out(plaintext.size() + tag_size);
  std::uint8_t final_block[16];  // GCM's final step writes nothing; this is for the API
  int final_len = 0;
  if (!CipherUpdateAll(ctx.get(), nullptr, aad) ||
      !CipherUpdateAll(ctx.get(), out.data(), plaintext) ||
      EVP_EncryptFinal_ex(ctx.get(), final_block, &final_len) != 1 || final_len != 0 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size),
                          out.data() + plaintext.size()) != 1) {
    return InternalError("AES-GCM encryption failed");
  }
  return out;
}

Result<std::vector<std::uint8_t>> AesGcmOpen(std::span<const std::uint8_t> key,
                                             std::span<const std::uint8_t> iv,
                                             std::span<const std::uint8_t> ciphertext_and_tag,
                                             std::span<const std::uint8_t> aad,
                                             std::size_t tag_size) {
  SR_TRY(CheckParams(key, iv, tag_size));
  if (ciphertext_and_tag.size() < tag_size) return Fail(ErrorCode::kDataLoss, kAuthFailed);
  std::size_t ct_size = ciphertext_and_tag.size() - tag_size;
  if (ct_size > kGcmMaxPlaintextSize) return Fail(ErrorCode::kDataLoss, kAuthFailed);
  auto ciphertext = ciphertext_and_tag.first(ct_size);
  auto tag = ciphertext_and_tag.subspan(ct_size);

  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || !Init(ctx.get(), false, key, iv)) return InternalError("AES-GCM init failed");
  // OpenSSL copies the tag; the const_cast is for its untyped ctrl interface.
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size),
                          const_cast<std::uint8_t*>(tag.data())) != 1) {
    return InternalError("AES-GCM set tag failed");
  }
  std::vector<std::uint8_t> out(ct_size);
  if (!CipherUpdateAll(ctx.get(), nullptr, aad) ||
      !CipherUpdateAll(ctx.get(), out.data(), ciphertext)) {
    if (!out.empty()) OPENSSL_cleanse(out.data(), out.size());
    return InternalError("AES-GCM decryption failed");
  }
  std::uint8_t final_block[16];
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), final_block, &final_len) != 1 || final_len != 0) {
    // Never hand back, or leave in memory, plaintext that failed the check.
    if (!out.empty()) OPENSSL_cleanse(out.data(), out.size());
    ERR_clear_error();
    return Fail(ErrorCode::kDataLoss, kAuthFailed);
  }
  return out;
}

}  // namespace sr::crypto::internal
