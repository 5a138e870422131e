#include "crypto/internal/openssl_util.h"

#include <algorithm>

#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>

namespace sr::crypto::internal {

void CheckOpenSsl(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "strongroom: fatal OpenSSL failure in %s\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    CheckOpenSsl(fetched != nullptr, "EVP_MD_fetch(SHA256)");
    return fetched;
  }();
  return md;
}

const EVP_CIPHER* Aes256GcmCipher() {
  static const EVP_CIPHER* const cipher = [] {
    EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    CheckOpenSsl(fetched != nullptr, "EVP_CIPHER_fetch(AES-256-GCM)");
    return fetched;
  }();
  return cipher;
}

EVP_MAC* HmacMac() {
  static EVP_MAC* const mac = [] {
    EVP_MAC* fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    CheckOpenSsl(fetched != nullptr, "EVP_MAC_fetch(HMAC)");
    return fetched;
  }();
  return mac;
}

EVP_KDF* HkdfKdf() {
  static EVP_KDF* const kdf = [] {
    EVP_KDF* fetched = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    CheckOpenSsl(fetched != nullptr, "EVP_KDF_fetch(HKDF)");
    return fetched;
  }();
  return kdf;
}

bool CipherUpdateAll(EVP_CIPHER_CTX* ctx, std::uint8_t* out, std::span<const std::uint8_t> in) {
  constexpr std::size_t kChunk = std::size_t{1} << 30;
  while (!in.empty()) {
    const std::size_t n = std::min(in.size(), kChunk);
    int written = 0;
    if (EVP_CipherUpdate(ctx, out, &written, in.data(), static_cast<int>(n)) != 1) return false;
    if (out != nullptr) {
      if (static_cast<std::size_t>(written) != n) return false;
      out += n;
    }
    in = in.subspan(n);
  }
  return true;
}

}  // namespace sr::crypto::internal
