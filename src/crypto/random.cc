#include "crypto/random.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>

#include "crypto/internal/openssl_util.h"

namespace sr::crypto {

void FillRandom(std::span<std::uint8_t> out) {
  // RAND_bytes takes an int length, so fill very large buffers in pieces.
  constexpr std::size_t kMaxChunk = INT_MAX;
  while (!out.empty()) {
    std::size_t n = std::min(out.size(), kMaxChunk);
    internal::CheckOpenSsl(RAND_bytes(out.data(), static_cast<int>(n)) == 1, "RAND_bytes");
    out = out.subspan(n);
  }
}

std::vector<std::uint8_t> RandomBytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  FillRandom(out);
  return out;
}

SecretBytes RandomKey(std::size_t n) {
  SecretBytes key(n);
  FillRandom(key.RevealMutable());
  return key;
}

}  // namespace sr::crypto
