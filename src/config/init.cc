#include "config/init.h"

#include <fmt/format.h>

#include <cstdint>
#include <span>
#include <system_error>

#include "config/config.h"
#include "config/internal/file_util.h"
#include "config/root_key.h"
#include "config/self_signed_cert.h"

namespace sr::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDefaultConfig =
    R"(# strongroom configuration, written by `strongroom init`.
# Every key is listed with its default value; an unknown key is an error.
# Relative paths are resolved against the directory holding this file.

[server]
# HTTPS listener, "HOST:PORT" or "[IPv6]:PORT"; port 0 picks a free port.
listen = "0.0.0.0:8443"
# Plaintext listener that answers every request with a 308 redirect to
# public_url, e.g. "0.0.0.0:8080"; empty disables it.
redirect_listen = ""
# Externally visible base URL; defaults to https://localhost:<listen port>.
# public_url = "https://vault.example.com"
# Worker threads serving connections; 0 means one per CPU core.
workers = 0
# Open connections beyond this are refused.
max_connections = 10000
# Largest request line plus headers, in bytes.
header_limit_bytes = 16384
# Largest JSON request body, in bytes, for routes without their own limit.
body_limit_bytes = 1048576
# Time allowed to receive the request headers.
header_timeout_seconds = 10
# Time allowed to receive a request body.
body_timeout_seconds = 30
# An idle keep-alive connection is closed after this long.
idle_timeout_seconds = 60
# On shutdown, requests in flight get this long to finish.
shutdown_grace_seconds = 10
# A connection is closed after serving this many requests.
max_requests_per_connection = 1000

[tls]
# PEM certificate chain, leaf first. init creates a self-signed one.
certificate = "tls/cert.pem"
# PEM private key of the certificate; keep it mode 0600.
private_key = "tls/key.pem"
# Oldest TLS version accepted: "1.3" or "1.2".
min_version = "1.3"

[store]
# SQLite metadata store; created on first start.
path = "strongroom.db"

[keys]
# Root key: 32 random bytes, mode 0600. Back it up; without it nothing can be decrypted.
root_key_file = "root.key"
# Workspace keys get a new version after this many days (a background job rotates them).
rotate_after_days = 90
# The root key is rotated at least this often (at most 365).
root_rotate_after_days = 365
# Unwrapped workspace keys stay in memory this long, so requests need no root-key operation.
cache_ttl_seconds = 300

[content]
# Encrypted object files (one directory per workspace).
blob_dir = "blobs"
# Largest single object version, in bytes.
max_object_bytes = 1099511627776
# Bytes a workspace may store, counting every kept version; 0 = no uploads.
workspace_quota_bytes = 107374182400
# Older versions kept per object besides the newest.
keep_versions = 10
# Deleted objects stay restorable this long.
deleted_retention_seconds = 2592000

[log]
# One of trace, debug, info, warn, error, off.
level = "info"
# Write one access-log line per request.
access = true

[diagnostics]
# Enable POST /v1/echo, used by deployment checks; keep it off in production.
echo = false

[accounts]
# Accounts whose e-mail is unverified cannot sign in when true.
require_verified_email = false
# Lifetime of a password-reset link (at most 3600).
reset_token_seconds = 900
# Lifetime of an e-mail verification link.
verification_token_seconds = 86400

[sessions]
# Absolute session lifetime from sign-in (7 days).
lifetime_seconds = 604800
# A session unused for this long ends (24 hours).
idle_timeout_seconds = 86400
# Sensitive actions need a sign-in this recent, or the current password.
recent_auth_seconds = 600

[passwords]
# Minimum length in characters (NIST SP 800-63B); the maximum is 256.
min_length = 12
# Minimum zxcvbn strength score, 0 (off) to 4.
zxcvbn_min_score = 3
# Local breached-password file in HIBP "SHA1:count" format, sorted by hash; "" = off.
breached_file = ""
# Argon2id cost: memory in KiB (at least 19456) and passes (at least 2).
argon2_memory_kib = 65536
argon2_iterations = 2
# Threads hashing passwords (0 = one per core) and how many hashes may wait.
hash_threads = 0
hash_queue = 256

[throttle]
# Layered sign-in throttling; never blocks password reset.
enabled = true
# Failures per account before delays start, and per hour before a reset is required.
account_free_failures = 5
account_lockout_failures = 100
# Failures allowed per client IP within the window.
ip_max_failures = 30
ip_window_seconds = 300
# Credential-stuffing guard: slow unknown clients when, within a minute, at
# least this many sign-ins ran and this percentage failed.
global_min_attempts = 100
global_max_failure_percent = 80

[mail]
# "outbox" writes .eml files to outbox_dir; "smtp" sends through smtp_host.
transport = "outbox"
from = "strongroom <no-reply@localhost>"
outbox_dir = "outbox"
# Persistent, encrypted queue of messages not yet delivered.
queue_path = "mail-queue.db"
smtp_host = ""
smtp_port = 587
# "starttls", "tls" (implicit TLS, usually port 465) or "none" (tests only).
smtp_security = "starttls"
smtp_user = ""
# File holding the SMTP password (mode 0600); never put it in this file.
smtp_password_file = ""
# Extra CA certificate file for a private SMTP server; "" = system store.
smtp_ca_file = ""
)";

std::span<const std::uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

std::string_view DefaultConfigText() { return kDefaultConfig; }

Status InitDataDir(const fs::path& dir) {
  const fs::path config_file = dir / kConfigFileName;
  std::error_code ec;
  if (fs::exists(config_file, ec)) {
    return Fail(ErrorCode::kAlreadyExists,
                fmt::format("data directory {} is already initialised ({} exists)", dir.string(),
                            kConfigFileName));
  }
  // The paths come from the very text we write, so they cannot drift apart.
  SR_ASSIGN_OR_RETURN(Config config, ParseConfig(kDefaultConfig, config_file));
  SR_TRY(internal::MakePrivateDirectory(dir));
  SR_TRY(CreateRootKeyFile(config.keys.root_key_file));
  if (!fs::exists(config.tls.certificate, ec)) {
    SR_TRY(internal::MakePrivateDirectory(config.tls.certificate.parent_path()));
    SR_TRY(WriteSelfSignedCertificate(config.tls.certificate, config.tls.private_key, {"localhost"},
                                      {"127.0.0.1", "::1"}));
  }
  return internal::ReplaceFile(config_file, Bytes(kDefaultConfig), 0600);
}

}  // namespace sr::config
