#include "crypto/kdf.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "crypto/internal/openssl_util.h"

namespace sr::crypto {
namespace {

OSSL_PARAM OctetParam(const char* name, std::span<const std::uint8_t> bytes) {
  // OSSL_PARAM takes a non-const pointer but does not write through it here.
  return OSSL_PARAM_construct_octet_string(name, const_cast<std::uint8_t*>(bytes.data()),
                                           bytes.size());
}

}  // namespace

Result<SecretBytes> HkdfSha256(std::span<const std::uint8_t> ikm,
                               std::span<const std::uint8_t> salt,
                               std::span<const std::uint8_t> info, std::size_t length) {
  if (ikm.empty()) return Fail(ErrorCode::kInvalidArgument, "HKDF input key material is empty");
  if (length == 0 || length > kHkdfSha256MaxLength) {
    return Fail(ErrorCode::kInvalidArgument, "HKDF output length out of range");
  }
  internal::EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(internal::HkdfKdf()));
  if (!ctx) return Fail(ErrorCode::kInternal, "HKDF context allocation failed");

  char digest_name[] = "SHA256";
  OSSL_PARAM params[5];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0);
  params[n++] = OctetParam(OSSL_KDF_PARAM_KEY, ikm);
  // Absent salt and info are simply not passed: OpenSSL then uses the RFC's
  // defaults (zero salt, empty info).
  if (!salt.empty()) params[n++] = OctetParam(OSSL_KDF_PARAM_SALT, salt);
  if (!info.empty()) params[n++] = OctetParam(OSSL_KDF_PARAM_INFO, info);
  params[n] = OSSL_PARAM_construct_end();

  SecretBytes out(length);
  auto dst = out.RevealMutable();
  if (EVP_KDF_derive(ctx.get(), dst.data(), dst.size(), params) != 1) {
    return Fail(ErrorCode::kInternal, "HKDF derivation failed");
  }
  return out;
}

}  // namespace sr::crypto
