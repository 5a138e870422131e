#pragma once
// Helpers for tests that inspect certificates written by the config module.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace sr::config::internal {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using TestX509 = std::unique_ptr<X509, X509Free>;
using TestPkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// ReadCertificate parses a PEM certificate file, or returns null.
inline TestX509 ReadCertificate(const std::filesystem::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  TestX509 x(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return x;
}

// ReadPrivateKey parses a PEM private key file, or returns null.
inline TestPkey ReadPrivateKey(const std::filesystem::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  TestPkey k(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return k;
}

inline unsigned FileMode(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

}  // namespace sr::config::internal
