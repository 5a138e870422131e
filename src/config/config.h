#pragma once
// Config is the server configuration read from strongroom.toml. Loading is
// strict: an unknown key, a value of the wrong type or out of range is an
// error, so a typo never silently falls back to a default. Every path in a
// loaded Config is absolute, resolved against the config file's directory.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "config/endpoint.h"

namespace sr::config {

enum class TlsVersion { kTls12, kTls13 };
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// LogLevelName returns the configuration spelling of `level` ("info", ...).
std::string_view LogLevelName(LogLevel level);

// ServerConfig is the [server] table: listeners and the bounds on every
// connection and request.
struct ServerConfig {
  Endpoint listen{"0.0.0.0", 8443};
  std::optional<Endpoint> redirect_listen;            // plaintext 308 redirector; nullopt = off
  std::string public_url = "https://localhost:8443";  // no trailing slash
  int workers = 0;                                    // 0 = one per hardware thread
  std::size_t max_connections = 10000;
  std::size_t header_limit_bytes = 16384;
  std::size_t body_limit_bytes = 1048576;  // default per-route JSON body limit
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds shutdown_grace{10};
  std::size_t max_requests_per_connection = 1000;

  bool operator==(const ServerConfig&) const = default;
};

struct TlsConfig {
  std::filesystem::path certificate = "tls/cert.pem";  // PEM chain, leaf first
  std::filesystem::path private_key = "tls/key.pem";
  TlsVersion min_version = TlsVersion::kTls13;

  bool operator==(const TlsConfig&) const = default;
};

struct StoreConfig {
  std::filesystem::path path = "strongroom.db";  // SQLite metadata store

  bool operator==(const StoreConfig&) const = default;
};

struct KeysConfig {
  std::filesystem::path root_key_file = "root.key";  // 32 raw bytes, mode 0600
  int rotate_after_days = 90;        // workspace keys get a new version after this
  int root_rotate_after_days = 365;  // the root key, at least yearly
  std::chrono::seconds cache_ttl{300};  // unwrapped workspace keys stay in memory this long

  bool operator==(const KeysConfig&) const = default;
};

struct LogConfig {
  LogLevel level = LogLevel::kInfo;
  bool access = true;  // one access-log line per request

  bool operator==(const LogConfig&) const = default;
};

struct DiagnosticsConfig {
  bool echo = false;  // enables POST /v1/echo for deployment checks

  bool operator==(const DiagnosticsConfig&) const = default;
};

// AccountsConfig is the [accounts] table: sign-up and single-use links.
struct AccountsConfig {
  bool require_verified_email = false;  // unverified accounts cannot sign in
  std::chrono::seconds reset_token_ttl{900};          // at most one hour
  std::chrono::seconds verification_token_ttl{86400};
  bool operator==(const AccountsConfig&) const = default;
};

// SessionsConfig is the [sessions] table.
struct SessionsConfig {
  std::chrono::seconds lifetime{604800};     // absolute, from sign-in
  std::chrono::seconds idle_timeout{86400};  // since last use
  std::chrono::seconds recent_auth{600};     // window for sensitive actions
  bool operator==(const SessionsConfig&) const = default;
};

// PasswordsConfig is the [passwords] table: policy and Argon2id cost.
struct PasswordsConfig {
  int min_length = 12;
  int zxcvbn_min_score = 3;                     // 0 disables the estimator
  std::optional<std::filesystem::path> breached_file;  // HIBP SHA-1 ordered file
  std::int64_t argon2_memory_kib = 65536;       // >= 19456 (ASVS)
  std::int64_t argon2_iterations = 2;           // >= 2
  int hash_threads = 0;                         // 0 = one per core
  std::size_t hash_queue = 256;                 // waiting hashes beyond this get 429
  bool operator==(const PasswordsConfig&) const = default;
};

// ThrottleConfig is the [throttle] table: brute-force defence of sign-in.
struct ThrottleConfig {
  bool enabled = true;
  int account_free_failures = 5;
  int account_lockout_failures = 100;  // per hour; then only a reset helps
  int ip_max_failures = 30;
  std::chrono::seconds ip_window{300};
  int global_min_attempts = 100;
  int global_max_failure_percent = 80;
  bool operator==(const ThrottleConfig&) const = default;
};

// ContentConfig is the [content] table: the per-workspace object store.
struct ContentConfig {
  std::filesystem::path blob_dir = "blobs";        // encrypted object files
  std::int64_t max_object_bytes = std::int64_t{1} << 40;   // one object version
  std::int64_t workspace_quota_bytes = std::int64_t{100} << 30;  // stored bytes, all versions
  int keep_versions = 10;              // older versions kept per object beyond the newest
  std::chrono::seconds deleted_retention{30 * 86400};  // soft-deleted objects kept this long
  bool operator==(const ContentConfig&) const = default;
};

// MailConfig is the [mail] table.
struct MailConfig {
  std::string transport = "outbox";  // "outbox" (files) or "smtp"
  std::string from = "strongroom <no-reply@localhost>";
  std::filesystem::path outbox_dir = "outbox";
  std::filesystem::path queue_path = "mail-queue.db";
  std::string smtp_host;
  std::uint16_t smtp_port = 587;
  std::string smtp_security = "starttls";  // "starttls", "tls" or "none"
  std::string smtp_user;
  std::optional<std::filesystem::path> smtp_password_file;
  std::optional<std::filesystem::path> smtp_ca_file;
  bool operator==(const MailConfig&) const = default;
};

// Config holds every setting. A default-constructed Config carries the
// defaults with paths still relative; LoadConfig and ParseConfig return
// absolute paths.
struct Config {
  ServerConfig server;
  TlsConfig tls;
  StoreConfig store;
  KeysConfig keys;
  LogConfig log;
  DiagnosticsConfig diagnostics;
  AccountsConfig accounts;
  SessionsConfig sessions;
  PasswordsConfig passwords;
  ThrottleConfig throttle;
  MailConfig mail;
  ContentConfig content;

  bool operator==(const Config&) const = default;
};

// LoadConfig reads and validates the TOML file at `file`. A missing or
// unreadable file is kNotFound; every other problem (syntax, unknown key,
// wrong type, value out of range) is kInvalidArgument with a single-line
// message that names the key or the file:line:column and is safe to print.
Result<Config> LoadConfig(const std::filesystem::path& file);

// ParseConfig validates TOML text as if it had been read from `file`, which
// need not exist: it anchors relative paths and names the source in errors.
Result<Config> ParseConfig(std::string_view toml, const std::filesystem::path& file);

}  // namespace sr::config
