#pragma once
// Private helpers for the OpenSSL wrappers of sr_crypto: owning pointers for
// EVP objects, algorithms fetched once per process, and the abort used when
// OpenSSL fails where it cannot fail unless the process is broken.

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstdint>
#include <memory>
#include <span>

namespace sr::crypto::internal {

struct EvpCipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct EvpMacCtxDeleter {
  void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};
struct EvpKdfCtxDeleter {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, EvpCipherCtxDeleter>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, EvpMacCtxDeleter>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, EvpKdfCtxDeleter>;

// CheckOpenSsl aborts the process, printing `what` and OpenSSL's error queue
// to stderr, unless `ok` is true. It is for calls that fail only when memory
// is exhausted or the OpenSSL installation is broken: invariants, not inputs.
void CheckOpenSsl(bool ok, const char* what);

// The algorithms below are fetched from the default provider on first use and
// kept for the life of the process (never freed, so no shutdown-order hazard).
// Each aborts if the algorithm is unavailable. Thread-safe.
// CipherUpdateAll feeds `in` through `ctx` (as AAD when `out` is null) in
// pieces small enough for OpenSSL's int lengths; for GCM (a stream mode) the
// output is exactly as long as the input. False if OpenSSL refuses.
bool CipherUpdateAll(EVP_CIPHER_CTX* ctx, std::uint8_t* out, std::span<const std::uint8_t> in);

const EVP_MD* Sha256Md();
const EVP_CIPHER* Aes256GcmCipher();
EVP_MAC* HmacMac();
EVP_KDF* HkdfKdf();

}  // namespace sr::crypto::internal
