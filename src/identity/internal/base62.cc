#include "identity/internal/base62.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cassert>

#include "crypto/random.h"

namespace sr::identity::internal {

bool IsBase62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

std::size_t AppendBase62FromBytes(std::span<const std::uint8_t> bytes, std::size_t want,
                                  std::string& out) {
  std::size_t used = 0;
  for (; used < bytes.size() && out.size() < want; ++used) {
    if (bytes[used] < kBase62RejectAt) out.push_back(kBase62Alphabet[bytes[used] % 62]);
  }
  return used;
}

std::string RandomBase62(std::size_t n) {
  std::string out;
  out.reserve(n);
  // 8 of 256 byte values are rejected, so one byte in 32 is wasted on
  // average; a little slack usually finishes in one CSPRNG call.
  std::array<std::uint8_t, 64> buf;
  while (out.size() < n) {
    std::span<std::uint8_t> chunk(buf.data(), std::min(buf.size(), n - out.size() + 8));
    crypto::FillRandom(chunk);
    AppendBase62FromBytes(chunk, n, out);
  }
  // The bytes are as secret as the token they became.
  OPENSSL_cleanse(buf.data(), buf.size());
  return out;
}

std::string EncodeBase62(std::uint64_t value, std::size_t width) {
  std::string out(width, '0');
  for (std::size_t i = width; i > 0; --i) {
    out[i - 1] = kBase62Alphabet[value % 62];
    value /= 62;
  }
  assert(value == 0 && "EncodeBase62: value does not fit in width digits");
  return out;
}

}  // namespace sr::identity::internal
