#include "config/config.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"

namespace sr::config {
namespace {

using sr::testing::TempDir;
using std::chrono::seconds;

class ConfigTest : public ::testing::Test {
 protected:
  // Load writes `toml` to strongroom.toml in the temp dir and loads it.
  Result<Config> Load(std::string_view toml) {
    return LoadConfig(dir_.Write("strongroom.toml", toml));
  }
  std::string File() const { return (dir_.path() / "strongroom.toml").string(); }

  // ExpectError checks that `toml` fails with kInvalidArgument, a single-line
  // message, and that the message contains `needle`.
  void ExpectError(std::string_view toml, std::string_view needle) {
    Result<Config> config = Load(toml);
    ASSERT_FALSE(config) << "accepted: " << toml;
    EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(config.error().message().find(needle), std::string::npos) << config.error().message();
    EXPECT_EQ(config.error().message().find('\n'), std::string::npos);
  }

  TempDir dir_;
};

TEST_F(ConfigTest, IdentityAndMailTables) {
  Result<Config> config = Load(
      "[accounts]\nreset_token_seconds = 120\n[sessions]\nidle_timeout_seconds = 5\n"
      "[passwords]\nargon2_memory_kib = 19456\nbreached_file = \"hibp.txt\"\n"
      "[throttle]\nenabled = false\n[mail]\ntransport = \"smtp\"\nsmtp_host = \"mx\"\n"
      "smtp_security = \"tls\"\nsmtp_password_file = \"smtp.secret\"\n");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->accounts.reset_token_ttl, std::chrono::seconds(120));
  EXPECT_EQ(config->sessions.idle_timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->passwords.argon2_memory_kib, 19456);
  EXPECT_EQ(*config->passwords.breached_file, dir_.path() / "hibp.txt");
  EXPECT_FALSE(config->throttle.enabled);
  EXPECT_EQ(config->mail.smtp_security, "tls");
  EXPECT_EQ(*config->mail.smtp_password_file, dir_.path() / "smtp.secret");
  ExpectError("[passwords]\nargon2_memory_kib = 4096\n", "'passwords.argon2_memory_kib'");
  ExpectError("[accounts]\nreset_token_seconds = 7200\n", "'accounts.reset_token_seconds'");
  ExpectError("[mail]\ntransport = \"smtp\"\n", "'mail.smtp_host'");
  ExpectError("[mail]\nsmtp_security = \"ssl3\"\n", "'mail.smtp_security'");
  ExpectError("[mail]\nfrom = \"a\\r\\nBcc: x\"\n", "'mail.from'");
  ExpectError("[keys]\nroot_rotate_after_days = 400\n", "'keys.root_rotate_after_days'");
  ExpectError("[keys]\nrotate_after_days = 0\n", "'keys.rotate_after_days'");
  ExpectError("[content]\nkeep_versions = -1\n", "'content.keep_versions'");
}

TEST_F(ConfigTest, ReadsKeysAndContentTables) {
  Result<Config> config = Load(
      "[keys]\nrotate_after_days = 30\nroot_rotate_after_days = 180\ncache_ttl_seconds = 60\n"
      "[content]\nblob_dir = \"/srv/blobs\"\nmax_object_bytes = 1000\n"
      "workspace_quota_bytes = 5000\nkeep_versions = 2\ndeleted_retention_seconds = 10\n");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->keys.rotate_after_days, 30);
  EXPECT_EQ(config->keys.root_rotate_after_days, 180);
  EXPECT_EQ(config->keys.cache_ttl, std::chrono::seconds(60));
  EXPECT_EQ(config->content.blob_dir, "/srv/blobs");
  EXPECT_EQ(config->content.max_object_bytes, 1000);
  EXPECT_EQ(config->content.workspace_quota_bytes, 5000);
  EXPECT_EQ(config->content.keep_versions, 2);
  EXPECT_EQ(config->content.deleted_retention, std::chrono::seconds(10));
}

TEST_F(ConfigTest, EmptyFileGivesDefaultsWithAbsolutePaths) {
  Result<Config> config = Load("");
  ASSERT_TRUE(config) << config.error().ToString();
  Config want;
  want.tls.certificate = dir_.path() / "tls/cert.pem";
  want.tls.private_key = dir_.path() / "tls/key.pem";
  want.store.path = dir_.path() / "strongroom.db";
  want.keys.root_key_file = dir_.path() / "root.key";
  want.mail.outbox_dir = dir_.path() / "outbox";
  want.mail.queue_path = dir_.path() / "mail-queue.db";
  want.content.blob_dir = dir_.path() / "blobs";
  EXPECT_EQ(*config, want);
  EXPECT_EQ(config->server.listen, (Endpoint{"0.0.0.0", 8443}));
  EXPECT_FALSE(config->server.redirect_listen);
  EXPECT_EQ(config->server.public_url, "https://localhost:8443");
  EXPECT_EQ(config->server.workers, 0);
  EXPECT_EQ(config->server.max_connections, 10000u);
  EXPECT_EQ(config->server.header_limit_bytes, 16384u);
  EXPECT_EQ(config->server.body_limit_bytes, 1048576u);
  EXPECT_EQ(config->server.header_timeout, seconds(10));
  EXPECT_EQ(config->server.body_timeout, seconds(30));
  EXPECT_EQ(config->server.idle_timeout, seconds(60));
  EXPECT_EQ(config->server.shutdown_grace, seconds(10));
  EXPECT_EQ(config->server.max_requests_per_connection, 1000u);
  EXPECT_EQ(config->tls.min_version, TlsVersion::kTls13);
  EXPECT_EQ(config->log.level, LogLevel::kInfo);
  EXPECT_TRUE(config->log.access);
  EXPECT_FALSE(config->diagnostics.echo);
}

TEST_F(ConfigTest, ParsesEveryKey) {
  Result<Config> config = Load(R"(
[server]
listen = "[::1]:9443"
redirect_listen = "127.0.0.1:8080"
public_url = "https://vault.example.com/"
workers = 3
max_connections = 50
header_limit_bytes = 8192
body_limit_bytes = 4096
header_timeout_seconds = 5
body_timeout_seconds = 6
idle_timeout_seconds = 7
shutdown_grace_seconds = 0
max_requests_per_connection = 9
[tls]
certificate = "/etc/strongroom/cert.pem"
private_key = "k.pem"
min_version = "1.2"
[store]
path = "db/meta.db"
[keys]
root_key_file = "secret/root.key"
[log]
level = "debug"
access = false
[diagnostics]
echo = true
)");
  ASSERT_TRUE(config) << config.error().ToString();
  const ServerConfig& s = config->server;
  EXPECT_EQ(s.listen, (Endpoint{"::1", 9443}));
  EXPECT_EQ(s.redirect_listen, (Endpoint{"127.0.0.1", 8080}));
  EXPECT_EQ(s.public_url, "https://vault.example.com");
  EXPECT_EQ(s.workers, 3);
  EXPECT_EQ(s.max_connections, 50u);
  EXPECT_EQ(s.header_limit_bytes, 8192u);
  EXPECT_EQ(s.body_limit_bytes, 4096u);
  EXPECT_EQ(s.header_timeout, seconds(5));
  EXPECT_EQ(s.body_timeout, seconds(6));
  EXPECT_EQ(s.idle_timeout, seconds(7));
  EXPECT_EQ(s.shutdown_grace, seconds(0));
  EXPECT_EQ(s.max_requests_per_connection, 9u);
  EXPECT_EQ(config->tls.certificate, "/etc/strongroom/cert.pem");
  EXPECT_EQ(config->tls.private_key, dir_.path() / "k.pem");
  EXPECT_EQ(config->tls.min_version, TlsVersion::kTls12);
  EXPECT_EQ(config->store.path, dir_.path() / "db/meta.db");
  EXPECT_EQ(config->keys.root_key_file, dir_.path() / "secret/root.key");
  EXPECT_EQ(config->log.level, LogLevel::kDebug);
  EXPECT_FALSE(config->log.access);
  EXPECT_TRUE(config->diagnostics.echo);
}

TEST_F(ConfigTest, PublicUrlDefaultsToListenPort) {
  Result<Config> config = Load("[server]\nlisten = \"127.0.0.1:0\"\nredirect_listen = \"\"\n");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->server.public_url, "https://localhost:0");
  EXPECT_FALSE(config->server.redirect_listen);
}

TEST_F(ConfigTest, RelativePathsResolveAgainstTheConfigDirectory) {
  std::filesystem::create_directory(dir_.path() / "etc");
  const auto file =
      dir_.Write("etc/strongroom.toml",
                 "[store]\npath = \"../data/./meta.db\"\n[tls]\ncertificate = \"c.pem\"\n");
  Result<Config> config = LoadConfig(file);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->store.path, dir_.path() / "data/meta.db");
  EXPECT_EQ(config->tls.certificate, dir_.path() / "etc/c.pem");
  EXPECT_EQ(config->keys.root_key_file, dir_.path() / "etc/root.key");
}

TEST_F(ConfigTest, UnknownKeyIsAnError) {
  Result<Config> config = Load("[server]\nlisen = \"0.0.0.0:1\"\n");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(config.error().message(), "unknown configuration key 'server.lisen' in " + File());
}

TEST_F(ConfigTest, UnknownTableIsAnError) {
  ExpectError("[sever]\nlisten = \"0.0.0.0:1\"\n", "unknown configuration key 'sever' in ");
  ExpectError("[server.tuning]\nx = 1\n", "unknown configuration key 'server.tuning'");
  ExpectError("top = 1\n", "unknown configuration key 'top'");
  ExpectError("server = 1\n", "configuration key 'server' must be a table");
}

TEST_F(ConfigTest, WrongTypeIsAnError) {
  ExpectError("[server]\nworkers = \"4\"\n",
              "configuration key 'server.workers' must be an integer");
  ExpectError("[server]\nworkers = 4.0\n", "configuration key 'server.workers' must be an integer");
  ExpectError("[server]\nlisten = 8443\n", "configuration key 'server.listen' must be a string");
  ExpectError("[log]\naccess = \"yes\"\n", "configuration key 'log.access' must be a boolean");
  ExpectError("[diagnostics]\necho = 1\n",
              "configuration key 'diagnostics.echo' must be a boolean");
}

TEST_F(ConfigTest, ErrorsPointAtTheLine) {
  ExpectError("[server]\n\nworkers = \"4\"\n", "strongroom.toml:3:");
}

TEST_F(ConfigTest, BadMinVersionIsAnError) {
  ExpectError("[tls]\nmin_version = \"1.1\"\n", "configuration key 'tls.min_version'");
  ExpectError("[tls]\nmin_version = 1.3\n", "configuration key 'tls.min_version'");
}

TEST_F(ConfigTest, BadListenIsAnError) {
  ExpectError("[server]\nlisten = \"localhost\"\n", "configuration key 'server.listen'");
  ExpectError("[server]\nlisten = \"0.0.0.0:70000\"\n", "configuration key 'server.listen'");
  ExpectError("[server]\nlisten = \"::1:80\"\n", "configuration key 'server.listen'");
  ExpectError("[server]\nlisten = \"\"\n", "configuration key 'server.listen'");
  ExpectError("[server]\nredirect_listen = \"x:y\"\n",
              "configuration key 'server.redirect_listen'");
}

TEST_F(ConfigTest, OutOfRangeValuesAreErrors) {
  ExpectError("[server]\nbody_limit_bytes = -1\n", "'server.body_limit_bytes' must be between");
  ExpectError("[server]\nheader_limit_bytes = -5\n", "'server.header_limit_bytes'");
  ExpectError("[server]\nmax_connections = 0\n", "'server.max_connections'");
  ExpectError("[server]\nheader_timeout_seconds = 0\n", "'server.header_timeout_seconds'");
  ExpectError("[server]\nbody_timeout_seconds = 0\n", "'server.body_timeout_seconds'");
  ExpectError("[server]\nidle_timeout_seconds = 0\n", "'server.idle_timeout_seconds'");
  ExpectError("[server]\nshutdown_grace_seconds = -1\n", "'server.shutdown_grace_seconds'");
  ExpectError("[server]\nmax_requests_per_connection = 0\n",
              "'server.max_requests_per_connection'");
  ExpectError("[server]\nworkers = -1\n", "'server.workers'");
  ExpectError("[server]\nworkers = 9223372036854775807\n", "'server.workers'");
}

TEST_F(ConfigTest, BadStringValuesAreErrors) {
  ExpectError("[log]\nlevel = \"verbose\"\n", "configuration key 'log.level' must be one of");
  ExpectError("[server]\npublic_url = \"vault.example.com\"\n", "'server.public_url'");
  ExpectError("[server]\npublic_url = \"ftp://x\"\n", "'server.public_url'");
  ExpectError("[server]\npublic_url = \"http://vault.example.com\"\n", "must be an absolute https:// URL");
  ExpectError("[server]\npublic_url = \"https://\"\n", "'server.public_url'");
  ExpectError("[store]\npath = \"\"\n", "configuration key 'store.path' must not be empty");
  ExpectError("[keys]\nroot_key_file = \"a\\u0000b\"\n", "'keys.root_key_file'");
}

TEST_F(ConfigTest, SyntaxErrorIsOneLineWithPosition) {
  ExpectError("[server]\nworkers = = 4\n", File() + ":2:");
  ExpectError("[server\n", File() + ":1:");
  ExpectError("[server]\nworkers = 1\nworkers = 2\n", File() + ":3:");
}

TEST_F(ConfigTest, MissingFileIsNotFound) {
  Result<Config> config = LoadConfig(dir_.path() / "absent.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code(), ErrorCode::kNotFound);
}

TEST(LogLevelTest, NamesRoundTrip) {
  EXPECT_EQ(LogLevelName(LogLevel::kTrace), "trace");
  EXPECT_EQ(LogLevelName(LogLevel::kWarn), "warn");
  EXPECT_EQ(LogLevelName(LogLevel::kOff), "off");
}

}  // namespace
}  // namespace sr::config
