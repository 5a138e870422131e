#include "config/self_signed_cert.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <set>
#include <string>

#include "common/testing/temp_dir.h"
#include "config/internal/test_x509.h"

namespace sr::config {
namespace {

using internal::FileMode;
using internal::ReadCertificate;
using internal::ReadPrivateKey;
using sr::testing::TempDir;

std::set<std::string> DnsNames(X509* x) {
  std::set<std::string> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names, i);
    if (gen->type == GEN_DNS) {
      out.emplace(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen->d.dNSName)),
                  static_cast<std::size_t>(ASN1_STRING_length(gen->d.dNSName)));
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

class SelfSignedCertTest : public ::testing::Test {
 protected:
  TempDir dir_;  // declared first: the paths below are built from it
  std::filesystem::path cert_ = dir_.path() / "cert.pem";
  std::filesystem::path key_ = dir_.path() / "key.pem";
};

TEST_F(SelfSignedCertTest, CertificateVerifiesAndHasRequiredProperties) {
  ASSERT_TRUE(WriteSelfSignedCertificate(cert_, key_, {"localhost"}, {"127.0.0.1", "::1"}));
  EXPECT_EQ(FileMode(cert_), 0644u);
  EXPECT_EQ(FileMode(key_), 0600u);
  internal::TestX509 x = ReadCertificate(cert_);
  internal::TestPkey key = ReadPrivateKey(key_);
  ASSERT_TRUE(x);
  ASSERT_TRUE(key);

  EXPECT_EQ(X509_verify(x.get(), X509_get0_pubkey(x.get())), 1);
  EXPECT_EQ(X509_check_private_key(x.get(), key.get()), 1);
  EXPECT_EQ(X509_get_version(x.get()), X509_VERSION_3);
  EXPECT_EQ(X509_get_signature_nid(x.get()), NID_ecdsa_with_SHA256);
  EXPECT_TRUE(EVP_PKEY_is_a(key.get(), "EC"));
  EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 256);

  EXPECT_EQ(DnsNames(x.get()), std::set<std::string>{"localhost"});
  EXPECT_EQ(X509_check_host(x.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(x.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(x.get(), "::1", 0), 1);
  EXPECT_NE(X509_check_host(x.get(), "example.com", 0, 0, nullptr), 1);

  char cn[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(x.get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "localhost");
  EXPECT_EQ(X509_check_ca(x.get()), 0);
  EXPECT_TRUE(X509_get_extension_flags(x.get()) & EXFLAG_BCONS);
  EXPECT_EQ(X509_get_key_usage(x.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_get_extended_key_usage(x.get()), static_cast<uint32_t>(XKU_SSL_SERVER));

  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x.get()), nullptr);
  EXPECT_EQ(BN_num_bits(serial), 128);
  BN_free(serial);

  // Valid from about an hour ago for 397 days.
  int days = 0;
  int secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x.get()), X509_get0_notAfter(x.get())),
            1);
  EXPECT_EQ(days, 397);
  EXPECT_EQ(secs, 0);
  std::time_t now = std::time(nullptr);
  EXPECT_EQ(X509_cmp_time(X509_get0_notBefore(x.get()), &now), -1);
  std::time_t an_hour_ago_minus = now - 3600 - 60;
  EXPECT_EQ(X509_cmp_time(X509_get0_notBefore(x.get()), &an_hour_ago_minus), 1);
}

TEST_F(SelfSignedCertTest, SecondCertificateReplacesTheFirst) {
  ASSERT_TRUE(WriteSelfSignedCertificate(cert_, key_, {"localhost"}, {}));
  internal::TestX509 first = ReadCertificate(cert_);
  ASSERT_TRUE(
      WriteSelfSignedCertificate(cert_, key_, {"vault.test", "*.vault.test"}, {"10.0.0.1"}));
  internal::TestX509 second = ReadCertificate(cert_);
  internal::TestPkey key = ReadPrivateKey(key_);
  ASSERT_TRUE(first && second && key);
  EXPECT_NE(
      ASN1_INTEGER_cmp(X509_get0_serialNumber(first.get()), X509_get0_serialNumber(second.get())),
      0);
  EXPECT_EQ(X509_check_private_key(second.get(), key.get()), 1);
  EXPECT_EQ(X509_check_private_key(first.get(), key.get()), 0);
  EXPECT_EQ(DnsNames(second.get()), (std::set<std::string>{"vault.test", "*.vault.test"}));
  EXPECT_EQ(X509_check_ip_asc(second.get(), "10.0.0.1", 0), 1);
}

TEST_F(SelfSignedCertTest, IpOnlyCertificate) {
  ASSERT_TRUE(WriteSelfSignedCertificate(cert_, key_, {}, {"::1"}));
  internal::TestX509 x = ReadCertificate(cert_);
  ASSERT_TRUE(x);
  EXPECT_EQ(X509_check_ip_asc(x.get(), "::1", 0), 1);
}

TEST_F(SelfSignedCertTest, RejectsBadNamesAndWritesNothing) {
  EXPECT_FALSE(WriteSelfSignedCertificate(cert_, key_, {}, {}));
  EXPECT_FALSE(WriteSelfSignedCertificate(cert_, key_, {"a,DNS:evil.com"}, {}));
  EXPECT_FALSE(WriteSelfSignedCertificate(cert_, key_, {"bad name"}, {}));
  EXPECT_FALSE(WriteSelfSignedCertificate(cert_, key_, {""}, {}));
  Status bad_ip = WriteSelfSignedCertificate(cert_, key_, {"localhost"}, {"300.1.1.1"});
  ASSERT_FALSE(bad_ip);
  EXPECT_EQ(bad_ip.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(cert_));
  EXPECT_FALSE(std::filesystem::exists(key_));
}

}  // namespace
}  // namespace sr::config
