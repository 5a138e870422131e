#include "config/self_signed_cert.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <span>

#include "config/internal/file_util.h"

namespace sr::config {
namespace {

namespace fs = std::filesystem;

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

constexpr long kNotBeforeSkewSeconds = 3600;
constexpr long kValiditySeconds = 397L * 24 * 3600;
constexpr std::size_t kMaxCommonNameLength = 64;  // ub-common-name, RFC 5280

std::unexpected<Error> OpenSslFailure(std::string_view what) {
  return Fail(ErrorCode::kInternal, fmt::format("OpenSSL failed to {}", what));
}

// IsDnsName accepts LDH labels and a leading "*." wildcard; it keeps anything
// that could confuse a name checker out of the certificate.
bool IsDnsName(std::string_view name) {
  if (name.starts_with("*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return name.find("..") == std::string_view::npos;
}

// BuildSubjectAltNames encodes the names as GENERAL_NAMES, never through an
// OpenSSL config string, so a name cannot inject further entries.
Result<NamesPtr> BuildSubjectAltNames(const std::vector<std::string>& dns_names,
                                      const std::vector<std::string>& ips) {
  NamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return OpenSslFailure("allocate subjectAltName");
  for (const std::string& dns : dns_names) {
    if (!IsDnsName(dns)) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a valid DNS name", dns));
    }
    ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
    if (ia5 == nullptr || ASN1_STRING_set(ia5, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_IA5STRING_free(ia5);
      return OpenSslFailure("encode a DNS name");
    }
    GENERAL_NAME* gen = GENERAL_NAME_new();
    if (gen == nullptr) {
      ASN1_IA5STRING_free(ia5);
      return OpenSslFailure("allocate a GENERAL_NAME");
    }
    GENERAL_NAME_set0_value(gen, GEN_DNS, ia5);
    if (sk_GENERAL_NAME_push(names.get(), gen) == 0) {
      GENERAL_NAME_free(gen);
      return OpenSslFailure("build subjectAltName");
    }
  }
  for (const std::string& ip : ips) {
    ASN1_OCTET_STRING* octets = a2i_IPADDRESS(ip.c_str());
    if (octets == nullptr) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a valid IP address", ip));
    }
    GENERAL_NAME* gen = GENERAL_NAME_new();
    if (gen == nullptr) {
      ASN1_OCTET_STRING_free(octets);
      return OpenSslFailure("allocate a GENERAL_NAME");
    }
    GENERAL_NAME_set0_value(gen, GEN_IPADD, octets);
    if (sk_GENERAL_NAME_push(names.get(), gen) == 0) {
      GENERAL_NAME_free(gen);
      return OpenSslFailure("build subjectAltName");
    }
  }
  return names;
}

// AddExtension adds a fixed extension given in OpenSSL's config syntax.
Status AddExtension(X509* x509, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x509, x509, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(x509, ext.get(), -1) != 1) return OpenSslFailure("add an extension");
  return Ok();
}

Status SetRandomSerial(X509* x509) {
  BnPtr serial(BN_new());
  // A fixed top bit keeps the serial exactly 128 bits long and never zero.
  if (!serial || BN_rand(serial.get(), 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x509)) == nullptr) {
    return OpenSslFailure("set a random serial number");
  }
  return Ok();
}

Result<X509Ptr> BuildCertificate(EVP_PKEY* pkey, const std::string& common_name,
                                 GENERAL_NAMES* alt_names) {
  X509Ptr x509(X509_new());
  if (!x509 || X509_set_version(x509.get(), X509_VERSION_3) != 1) {
    return OpenSslFailure("create a certificate");
  }
  SR_TRY(SetRandomSerial(x509.get()));
  if (X509_gmtime_adj(X509_getm_notBefore(x509.get()), -kNotBeforeSkewSeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(x509.get()), kValiditySeconds - kNotBeforeSkewSeconds) ==
          nullptr) {
    return OpenSslFailure("set the validity period");
  }
  X509_NAME* name = X509_get_subject_name(x509.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1 ||
      X509_set_issuer_name(x509.get(), name) != 1 || X509_set_pubkey(x509.get(), pkey) != 1) {
    return OpenSslFailure("set the subject");
  }
  SR_TRY(AddExtension(x509.get(), NID_basic_constraints, "critical,CA:FALSE"));
  SR_TRY(AddExtension(x509.get(), NID_key_usage, "critical,digitalSignature"));
  SR_TRY(AddExtension(x509.get(), NID_ext_key_usage, "serverAuth"));
  SR_TRY(AddExtension(x509.get(), NID_subject_key_identifier, "hash"));
  if (X509_add1_ext_i2d(x509.get(), NID_subject_alt_name, alt_names, 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslFailure("add subjectAltName");
  }
  if (X509_sign(x509.get(), pkey, EVP_sha256()) <= 0) return OpenSslFailure("sign the certificate");
  return x509;
}

std::span<const std::uint8_t> BioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return {reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(len)};
}

}  // namespace

Status WriteSelfSignedCertificate(const fs::path& cert, const fs::path& key,
                                  const std::vector<std::string>& dns_names,
                                  const std::vector<std::string>& ips) {
  if (dns_names.empty() && ips.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a certificate needs at least one DNS name or IP");
  }
  SR_ASSIGN_OR_RETURN(NamesPtr alt_names, BuildSubjectAltNames(dns_names, ips));
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!pkey) return OpenSslFailure("generate an EC P-256 key");
  std::string common_name = !dns_names.empty() ? dns_names.front() : ips.front();
  if (common_name.size() > kMaxCommonNameLength) common_name = "strongroom";
  SR_ASSIGN_OR_RETURN(X509Ptr x509, BuildCertificate(pkey.get(), common_name, alt_names.get()));

  // The secure-memory BIO wipes the PEM-encoded private key when freed.
  BioPtr key_pem(BIO_new(BIO_s_secmem()));
  BioPtr cert_pem(BIO_new(BIO_s_mem()));
  if (!key_pem || !cert_pem ||
      PEM_write_bio_PrivateKey(key_pem.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_pem.get(), x509.get()) != 1) {
    return OpenSslFailure("encode the key and certificate as PEM");
  }
  SR_TRY(internal::ReplaceFile(key, BioContents(key_pem.get()), 0600));
  SR_TRY(internal::ReplaceFile(cert, BioContents(cert_pem.get()), 0644));
  return Ok();
}

}  // namespace sr::config
