#include "crypto/mac.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "crypto/internal/openssl_util.h"

namespace sr::crypto {

using internal::CheckOpenSsl;

namespace {

// HmacInto computes HMAC with the OpenSSL digest named `digest_name` and
// writes the whole tag to `out`, whose size must be the digest's.
void HmacInto(const char* digest_name, std::span<const std::uint8_t> key,
              std::span<const std::uint8_t> data, std::span<std::uint8_t> out) {
  internal::EvpMacCtxPtr ctx(EVP_MAC_CTX_new(internal::HmacMac()));
  CheckOpenSsl(ctx != nullptr, "EVP_MAC_CTX_new(HMAC)");
  // OSSL_PARAM takes a char* but only reads the digest name.
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name), 0),
      OSSL_PARAM_construct_end(),
  };
  // As in HmacSha256: a null key would mean "keep the previous key".
  static constexpr std::uint8_t kEmpty = 0;
  const std::uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
  CheckOpenSsl(EVP_MAC_init(ctx.get(), key_ptr, key.size(), params) == 1, "EVP_MAC_init(HMAC)");
  if (!data.empty()) {
    CheckOpenSsl(EVP_MAC_update(ctx.get(), data.data(), data.size()) == 1, "EVP_MAC_update");
  }
  std::size_t len = 0;
  CheckOpenSsl(EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) == 1 && len == out.size(),
               "EVP_MAC_final");
}

}  // namespace

Digest HmacSha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  internal::EvpMacCtxPtr ctx(EVP_MAC_CTX_new(internal::HmacMac()));
  CheckOpenSsl(ctx != nullptr, "EVP_MAC_CTX_new(HMAC)");
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  // EVP_MAC_init treats a null key as "keep the previous key"; an empty key
  // must be passed as a non-null pointer with length zero.
  static constexpr std::uint8_t kEmpty = 0;
  const std::uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
  CheckOpenSsl(EVP_MAC_init(ctx.get(), key_ptr, key.size(), params) == 1, "EVP_MAC_init(HMAC)");
  if (!data.empty()) {
    CheckOpenSsl(EVP_MAC_update(ctx.get(), data.data(), data.size()) == 1, "EVP_MAC_update");
  }
  Digest out;
  std::size_t len = 0;
  CheckOpenSsl(EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) == 1 && len == out.size(),
               "EVP_MAC_final");
  return out;
}

Digest HmacSha256(const SecretBytes& key, std::span<const std::uint8_t> data) {
  return HmacSha256(key.Reveal(), data);
}

HmacSha1Tag HmacSha1(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  HmacSha1Tag out;
  HmacInto("SHA1", key, data, out);
  return out;
}

HmacSha1Tag HmacSha1(const SecretBytes& key, std::span<const std::uint8_t> data) {
  return HmacSha1(key.Reveal(), data);
}

HmacSha512Tag HmacSha512(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  HmacSha512Tag out;
  HmacInto("SHA512", key, data, out);
  return out;
}

HmacSha512Tag HmacSha512(const SecretBytes& key, std::span<const std::uint8_t> data) {
  return HmacSha512(key.Reveal(), data);
}

}  // namespace sr::crypto
