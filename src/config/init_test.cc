#include "config/init.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"
#include "config/config.h"
#include "config/internal/test_x509.h"
#include "config/root_key.h"

namespace sr::config {
namespace {

using internal::FileMode;
using sr::testing::TempDir;

class InitDataDirTest : public ::testing::Test {
 protected:
  TempDir tmp_;
  std::filesystem::path dir_ = tmp_.path() / "nested" / "data";
};

TEST_F(InitDataDirTest, CreatesPrivateFiles) {
  ASSERT_TRUE(InitDataDir(dir_));
  EXPECT_EQ(FileMode(dir_), 0700u);
  EXPECT_EQ(FileMode(dir_ / "root.key"), 0600u);
  EXPECT_EQ(FileMode(dir_ / "tls"), 0700u);
  EXPECT_EQ(FileMode(dir_ / "tls/key.pem"), 0600u);
  EXPECT_EQ(FileMode(dir_ / "tls/cert.pem"), 0644u);
  EXPECT_EQ(FileMode(dir_ / "strongroom.toml"), 0600u);
  Result<SecretBytes> key = LoadRootKey(dir_ / "root.key");
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->size(), kRootKeySize);
}

TEST_F(InitDataDirTest, GeneratedConfigLoadsToTheDefaults) {
  ASSERT_TRUE(InitDataDir(dir_));
  Result<Config> generated = LoadConfig(dir_ / "strongroom.toml");
  ASSERT_TRUE(generated) << generated.error().ToString();
  Result<Config> empty = ParseConfig("", dir_ / "empty.toml");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*generated, *empty);
  EXPECT_EQ(generated->keys.root_key_file, dir_ / "root.key");
  EXPECT_EQ(generated->tls.certificate, dir_ / "tls/cert.pem");
}

TEST_F(InitDataDirTest, DefaultConfigTextMentionsEveryKey) {
  const std::string_view text = DefaultConfigText();
  for (std::string_view key : {"[server]",
                               "listen =",
                               "redirect_listen =",
                               "public_url =",
                               "workers =",
                               "max_connections =",
                               "header_limit_bytes =",
                               "body_limit_bytes =",
                               "header_timeout_seconds =",
                               "body_timeout_seconds =",
                               "idle_timeout_seconds =",
                               "shutdown_grace_seconds =",
                               "max_requests_per_connection =",
                               "[tls]",
                               "certificate =",
                               "private_key =",
                               "min_version =",
                               "[store]",
                               "path =",
                               "[keys]",
                               "root_key_file =",
                               "[log]",
                               "level =",
                               "access =",
                               "[diagnostics]",
                               "echo ="}) {
    EXPECT_NE(text.find(key), std::string_view::npos) << key;
  }
}

TEST_F(InitDataDirTest, CertificateIsForLocalhost) {
  ASSERT_TRUE(InitDataDir(dir_));
  internal::TestX509 x = internal::ReadCertificate(dir_ / "tls/cert.pem");
  internal::TestPkey key = internal::ReadPrivateKey(dir_ / "tls/key.pem");
  ASSERT_TRUE(x && key);
  EXPECT_EQ(X509_verify(x.get(), X509_get0_pubkey(x.get())), 1);
  EXPECT_EQ(X509_check_private_key(x.get(), key.get()), 1);
  EXPECT_EQ(X509_check_host(x.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(x.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(x.get(), "::1", 0), 1);
}

TEST_F(InitDataDirTest, SecondInitRefuses) {
  ASSERT_TRUE(InitDataDir(dir_));
  Result<SecretBytes> before = LoadRootKey(dir_ / "root.key");
  ASSERT_TRUE(before);
  Status again = InitDataDir(dir_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(again.error().message().find("already initialised"), std::string::npos);
  Result<SecretBytes> after = LoadRootKey(dir_ / "root.key");
  ASSERT_TRUE(after);
  EXPECT_TRUE(
      std::equal(before->Reveal().begin(), before->Reveal().end(), after->Reveal().begin()));
}

TEST_F(InitDataDirTest, KeepsAnExistingCertificate) {
  std::filesystem::create_directories(dir_ / "tls");
  tmp_.Write("nested/data/tls/cert.pem", "operator-provided");
  ASSERT_TRUE(InitDataDir(dir_));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "tls/key.pem"));
  EXPECT_EQ(FileMode(dir_), 0700u);
}

TEST_F(InitDataDirTest, NeverOverwritesAnExistingRootKey) {
  std::filesystem::create_directories(dir_);
  tmp_.Write("nested/data/root.key", "precious");
  Status s = InitDataDir(dir_);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "strongroom.toml"));
}

}  // namespace
}  // namespace sr::config
