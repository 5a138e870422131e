#include "crypto/hash.h"

#include <openssl/evp.h>

#include "crypto/internal/openssl_util.h"

namespace sr::crypto {

using internal::CheckOpenSsl;

Digest Sha256(std::span<const std::uint8_t> data) {
  Digest out;
  unsigned int len = 0;
  CheckOpenSsl(
      EVP_Digest(data.data(), data.size(), out.data(), &len, internal::Sha256Md(), nullptr) == 1 &&
          len == out.size(),
      "EVP_Digest(SHA256)");
  return out;
}

Digest Sha256(std::string_view data) {
  return Sha256(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

void Sha256Hasher::CtxDeleter::operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  CheckOpenSsl(ctx_ != nullptr, "EVP_MD_CTX_new");
  CheckOpenSsl(EVP_DigestInit_ex2(ctx_.get(), internal::Sha256Md(), nullptr) == 1,
               "EVP_DigestInit_ex2(SHA256)");
}

void Sha256Hasher::Update(std::span<const std::uint8_t> data) {
  if (data.empty()) return;
  CheckOpenSsl(EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) == 1, "EVP_DigestUpdate");
}

void Sha256Hasher::Update(std::string_view data) {
  Update(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

Digest Sha256Hasher::Finish() {
  Digest out;
  unsigned int len = 0;
  CheckOpenSsl(EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) == 1 && len == out.size(),
               "EVP_DigestFinal_ex");
  CheckOpenSsl(EVP_DigestInit_ex2(ctx_.get(), internal::Sha256Md(), nullptr) == 1,
               "EVP_DigestInit_ex2(SHA256)");
  return out;
}

}  // namespace sr::crypto
