#include "identity/internal/sha1.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace sr::identity::internal {

Sha1Digest Sha1(std::string_view data) {
  Sha1Digest out;
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr) != 1 ||
      len != out.size()) {
    std::fputs("strongroom: OpenSSL EVP_Digest(SHA1) failed\n", stderr);
    std::abort();
  }
  return out;
}

}  // namespace sr::identity::internal
