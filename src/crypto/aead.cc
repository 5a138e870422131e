#include "crypto/aead.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstdint>

#include "crypto/internal/aes_gcm.h"
#include "crypto/internal/openssl_util.h"

namespace sr::crypto {
namespace {

Status CheckNonce(std::span<const std::uint8_t> nonce) {
  if (nonce.size() != kAes256GcmNonceSize) {
    return Fail(ErrorCode::kInvalidArgument, "AES-256-GCM nonce must be 12 bytes");
  }
  return Ok();
}

}  // namespace

Result<Aes256Gcm> Aes256Gcm::Create(const SecretBytes& key) {
  if (key.size() != kAes256GcmKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "AES-256-GCM key must be 32 bytes");
  }
  return Aes256Gcm(key.Clone());
}

Result<std::vector<std::uint8_t>> Aes256Gcm::Seal(std::span<const std::uint8_t> nonce,
                                                  std::span<const std::uint8_t> plaintext,
                                                  std::span<const std::uint8_t> aad) const {
  SR_TRY(CheckNonce(nonce));
  return internal::AesGcmSeal(key_.Reveal(), nonce, plaintext, aad, kAes256GcmTagSize);
}

Result<std::vector<std::uint8_t>> Aes256Gcm::Open(std::span<const std::uint8_t> nonce,
                                                  std::span<const std::uint8_t> ciphertext_and_tag,
                                                  std::span<const std::uint8_t> aad) const {
  SR_TRY(CheckNonce(nonce));
  return internal::AesGcmOpen(key_.Reveal(), nonce, ciphertext_and_tag, aad, kAes256GcmTagSize);
}

// ---- Aes256GcmContext ----

namespace {

constexpr char kAuthFailed[] = "decryption failed";

std::unexpected<Error> ContextError(const char* what) {
  ERR_clear_error();  // leave no stale entries for unrelated OpenSSL callers
  return Fail(ErrorCode::kInternal, what);
}

// PartiallyOverlaps reports whether `a` and `b` share memory without starting
// at the same address; GCM works in place, but not on shifted buffers.
bool PartiallyOverlaps(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.empty() || b.empty() || a.data() == b.data()) return false;
  auto a0 = reinterpret_cast<std::uintptr_t>(a.data());
  auto b0 = reinterpret_cast<std::uintptr_t>(b.data());
  return a0 < b0 + b.size() && b0 < a0 + a.size();
}


}  // namespace

void Aes256GcmContext::CtxDeleter::operator()(EVP_CIPHER_CTX* ctx) const {
  EVP_CIPHER_CTX_free(ctx);  // also cleanses the expanded key
}

Result<Aes256GcmContext> Aes256GcmContext::Create(const SecretBytes& key) {
  if (key.size() != kAes256GcmKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "AES-256-GCM key must be 32 bytes");
  }
  Aes256GcmContext context(EVP_CIPHER_CTX_new());
  if (!context.ctx_) return ContextError("AES-GCM context allocation failed");
  std::size_t iv_len = kAes256GcmNonceSize;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &iv_len),
      OSSL_PARAM_construct_end(),
  };
  // The key is expanded once here; each message then sets only its nonce.
  if (EVP_CipherInit_ex2(context.ctx_.get(), internal::Aes256GcmCipher(), nullptr, nullptr, 1,
                         params) != 1 ||
      EVP_CipherInit_ex2(context.ctx_.get(), nullptr, key.Reveal().data(), nullptr, 1, nullptr) !=
          1) {
    return ContextError("AES-GCM init failed");
  }
  return context;
}

Status Aes256GcmContext::SealInto(std::span<const std::uint8_t> nonce,
                                  std::span<const std::uint8_t> plaintext,
                                  std::span<const std::uint8_t> aad, std::span<std::uint8_t> out) {
  SR_TRY(CheckNonce(nonce));
  if (plaintext.size() > internal::kGcmMaxPlaintextSize)
    return Fail(ErrorCode::kInvalidArgument, "AES-GCM plaintext too long");
  if (out.size() != plaintext.size() + kAes256GcmTagSize)
    return Fail(ErrorCode::kInvalidArgument, "AES-GCM output must be plaintext size + 16");
  if (PartiallyOverlaps(plaintext, out))
    return Fail(ErrorCode::kInvalidArgument, "AES-GCM buffers overlap partially");
  EVP_CIPHER_CTX* ctx = ctx_.get();
  std::uint8_t final_block[16];
  int final_len = 0;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 1, nullptr) != 1 ||
      !internal::CipherUpdateAll(ctx, nullptr, aad) ||
      !internal::CipherUpdateAll(ctx, out.data(), plaintext) ||
      EVP_EncryptFinal_ex(ctx, final_block, &final_len) != 1 || final_len != 0 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kAes256GcmTagSize),
                          out.data() + plaintext.size()) != 1) {
    return ContextError("AES-GCM encryption failed");
  }
  return Ok();
}

Status Aes256GcmContext::OpenInto(std::span<const std::uint8_t> nonce,
                                  std::span<const std::uint8_t> ciphertext_and_tag,
                                  std::span<const std::uint8_t> aad,
                                  std::span<std::uint8_t> plaintext_out) {
  SR_TRY(CheckNonce(nonce));
  if (ciphertext_and_tag.size() < kAes256GcmTagSize) {
    if (!plaintext_out.empty()) OPENSSL_cleanse(plaintext_out.data(), plaintext_out.size());
    return Fail(ErrorCode::kDataLoss, kAuthFailed);
  }
  std::size_t ct_size = ciphertext_and_tag.size() - kAes256GcmTagSize;
  if (plaintext_out.size() != ct_size)
    return Fail(ErrorCode::kInvalidArgument, "AES-GCM output must be ciphertext size - 16");
  if (ct_size > internal::kGcmMaxPlaintextSize) return Fail(ErrorCode::kDataLoss, kAuthFailed);
  if (PartiallyOverlaps(ciphertext_and_tag, plaintext_out))
    return Fail(ErrorCode::kInvalidArgument, "AES-GCM buffers overlap partially");
  // Copy the tag first: decrypting in place overwrites only the ciphertext,
  // but the tag must be read before anything is written.
  std::uint8_t tag[kAes256GcmTagSize];
  std::copy_n(ciphertext_and_tag.data() + ct_size, kAes256GcmTagSize, tag);
  EVP_CIPHER_CTX* ctx = ctx_.get();
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 0, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kAes256GcmTagSize), tag) !=
          1) {
    return ContextError("AES-GCM init failed");
  }
  bool ok = internal::CipherUpdateAll(ctx, nullptr, aad) &&
            internal::CipherUpdateAll(ctx, plaintext_out.data(), ciphertext_and_tag.first(ct_size));
  std::uint8_t final_block[16];
  int final_len = 0;
  if (ok) ok = EVP_DecryptFinal_ex(ctx, final_block, &final_len) == 1 && final_len == 0;
  if (!ok) {
    // Never hand back, or leave in memory, plaintext that failed the check.
    if (!plaintext_out.empty()) OPENSSL_cleanse(plaintext_out.data(), plaintext_out.size());
    ERR_clear_error();
    return Fail(ErrorCode::kDataLoss, kAuthFailed);
  }
  return Ok();
}

}  // namespace sr::crypto
