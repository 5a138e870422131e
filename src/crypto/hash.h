#pragma once
// SHA-256 (FIPS 180-4) through OpenSSL EVP, one-shot and incremental.

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace sr::crypto {

inline constexpr std::size_t kSha256Size = 32;

// Digest is a SHA-256 or HMAC-SHA256 output.
using Digest = std::array<std::uint8_t, kSha256Size>;

// Sha256 returns the SHA-256 digest of `data`. Thread-safe. Aborts only if
// OpenSSL itself is broken.
Digest Sha256(std::span<const std::uint8_t> data);
// Sha256 returns the SHA-256 digest of the bytes of `data`.
Digest Sha256(std::string_view data);

// Sha256Hasher computes a SHA-256 digest over data given in pieces, for
// streams too large to hold in memory. One instance is not thread-safe;
// separate instances are independent. A moved-from hasher may only be
// assigned to or destroyed.
class Sha256Hasher {
 public:
  // Sha256Hasher starts an empty hash. Aborts only if OpenSSL is broken.
  Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept = default;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept = default;

  // Update appends `data` to the hashed message.
  void Update(std::span<const std::uint8_t> data);
  void Update(std::string_view data);

  // Finish returns the digest of everything appended since construction or
  // the previous Finish, and resets the hasher to hash a new message.
  Digest Finish();

 private:
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx_;
};

}  // namespace sr::crypto
