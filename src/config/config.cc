#include "config/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>

namespace sr::config {
namespace {

namespace fs = std::filesystem;

// kKnownKeys is the whole schema; anything else in the file is an error.
constexpr std::string_view kKnownKeys[] = {
    "server.listen",
    "server.redirect_listen",
    "server.public_url",
    "server.workers",
    "server.max_connections",
    "server.header_limit_bytes",
    "server.body_limit_bytes",
    "server.header_timeout_seconds",
    "server.body_timeout_seconds",
    "server.idle_timeout_seconds",
    "server.shutdown_grace_seconds",
    "server.max_requests_per_connection",
    "tls.certificate",
    "tls.private_key",
    "tls.min_version",
    "store.path",
    "keys.root_key_file",
    "keys.rotate_after_days",
    "keys.root_rotate_after_days",
    "keys.cache_ttl_seconds",
    "content.blob_dir",
    "content.max_object_bytes",
    "content.workspace_quota_bytes",
    "content.keep_versions",
    "content.deleted_retention_seconds",
    "log.level",
    "log.access",
    "diagnostics.echo",
    "accounts.require_verified_email",
    "accounts.reset_token_seconds",
    "accounts.verification_token_seconds",
    "sessions.lifetime_seconds",
    "sessions.idle_timeout_seconds",
    "sessions.recent_auth_seconds",
    "passwords.min_length",
    "passwords.zxcvbn_min_score",
    "passwords.breached_file",
    "passwords.argon2_memory_kib",
    "passwords.argon2_iterations",
    "passwords.hash_threads",
    "passwords.hash_queue",
    "throttle.enabled",
    "throttle.account_free_failures",
    "throttle.account_lockout_failures",
    "throttle.ip_max_failures",
    "throttle.ip_window_seconds",
    "throttle.global_min_attempts",
    "throttle.global_max_failure_percent",
    "mail.transport",
    "mail.from",
    "mail.outbox_dir",
    "mail.queue_path",
    "mail.smtp_host",
    "mail.smtp_port",
    "mail.smtp_security",
    "mail.smtp_user",
    "mail.smtp_password_file",
    "mail.smtp_ca_file",
};

constexpr std::size_t kMaxConfigBytes = 1 << 20;

// kLogLevelNames is indexed by LogLevel.
constexpr std::string_view kLogLevelNames[] = {"trace", "debug", "info", "warn", "error", "off"};

bool IsKnownKey(std::string_view dotted) {
  return std::find(std::begin(kKnownKeys), std::end(kKnownKeys), dotted) != std::end(kKnownKeys);
}

bool IsKnownTable(std::string_view table) {
  return std::any_of(std::begin(kKnownKeys), std::end(kKnownKeys), [&](std::string_view k) {
    return k.size() > table.size() && k.starts_with(table) && k[table.size()] == '.';
  });
}

// Printable replaces control characters so every message stays on one line.
std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

class Reader {
 public:
  Reader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  // CheckSchema rejects unknown tables and keys and non-table sections.
  Status CheckSchema() const {
    for (auto&& [table_key, table_node] : root_) {
      const std::string table(table_key.str());
      if (!IsKnownTable(table)) return Unknown(table);
      const toml::table* t = table_node.as_table();
      if (t == nullptr) return Invalid(table, "must be a table", table_node);
      for (auto&& [key, node] : *t) {
        const std::string dotted = table + "." + std::string(key.str());
        if (!IsKnownKey(dotted)) return Unknown(dotted);
      }
    }
    return Ok();
  }

  // The getters return nullopt for an absent key, so the default stays.
  Result<std::optional<std::int64_t>> Integer(std::string_view key, std::int64_t min,
                                              std::int64_t max) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_integer();
    if (value == nullptr) return Invalid(key, "must be an integer", *node);
    if (value->get() < min || value->get() > max) {
      return Invalid(key, fmt::format("must be between {} and {}", min, max), *node);
    }
    return value->get();
  }

  Result<std::optional<std::string>> String(std::string_view key) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_string();
    if (value == nullptr) return Invalid(key, "must be a string", *node);
    if (value->get().find('\0') != std::string::npos) {
      return Invalid(key, "must not contain a NUL character", *node);
    }
    return value->get();
  }

  Result<std::optional<bool>> Boolean(std::string_view key) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_boolean();
    if (value == nullptr) return Invalid(key, "must be a boolean (true or false)", *node);
    return value->get();
  }

  // Invalid is the error for a present key whose value is unacceptable.
  std::unexpected<Error> Invalid(std::string_view key, std::string_view what) const {
    const toml::node* node = Find(key);
    return node != nullptr ? Invalid(key, what, *node)
                           : Fail(ErrorCode::kInvalidArgument,
                                  fmt::format("configuration key '{}' {} ({})", key, what, file_));
  }

 private:
  const toml::node* Find(std::string_view dotted) const {
    const std::size_t dot = dotted.find('.');
    const toml::table* table = root_[dotted.substr(0, dot)].as_table();
    if (table == nullptr) return nullptr;
    return table->get(dotted.substr(dot + 1));
  }

  std::unexpected<Error> Invalid(std::string_view key, std::string_view what,
                                 const toml::node& node) const {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("configuration key '{}' {} ({}:{}:{})", Printable(key), what, file_,
                            node.source().begin.line, node.source().begin.column));
  }

  std::unexpected<Error> Unknown(std::string_view dotted) const {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("unknown configuration key '{}' in {}", Printable(dotted), file_));
  }

  const toml::table& root_;
  std::string file_;
};

void Assign(std::int64_t v, int& out) { out = static_cast<int>(v); }
void Assign(std::int64_t v, std::size_t& out) { out = static_cast<std::size_t>(v); }
void Assign(std::int64_t v, std::chrono::seconds& out) { out = std::chrono::seconds(v); }
void Assign(std::int64_t v, std::int64_t& out) { out = v; }
void Assign(std::int64_t v, std::uint16_t& out) { out = static_cast<std::uint16_t>(v); }

template <typename T>
Status ReadInteger(const Reader& r, std::string_view key, std::int64_t min, std::int64_t max,
                   T& out) {
  SR_ASSIGN_OR_RETURN(std::optional<std::int64_t> v, r.Integer(key, min, max));
  if (v) Assign(*v, out);
  return Ok();
}

Status ReadBool(const Reader& r, std::string_view key, bool& out) {
  SR_ASSIGN_OR_RETURN(std::optional<bool> v, r.Boolean(key));
  if (v) out = *v;
  return Ok();
}

// ReadPath reads a non-empty path and anchors a relative one at `base`.
Status ReadPath(const Reader& r, std::string_view key, const fs::path& base, fs::path& out) {
  SR_ASSIGN_OR_RETURN(std::optional<std::string> v, r.String(key));
  if (v && v->empty()) return r.Invalid(key, "must not be empty");
  if (v) out = *v;
  out = (out.is_absolute() ? out : base / out).lexically_normal();
  return Ok();
}

Status ReadEndpoint(const Reader& r, std::string_view key, std::optional<Endpoint>& out) {
  SR_ASSIGN_OR_RETURN(std::optional<std::string> v, r.String(key));
  if (!v) return Ok();
  if (v->empty()) {
    out.reset();
    return Ok();
  }
  Result<Endpoint> parsed = ParseEndpoint(*v);
  if (!parsed) {
    return r.Invalid(key, "is not a valid HOST:PORT: " + Printable(parsed.error().message()));
  }
  out = *std::move(parsed);
  return Ok();
}

Status ReadPublicUrl(const Reader& r, ServerConfig& server) {
  SR_ASSIGN_OR_RETURN(std::optional<std::string> v, r.String("server.public_url"));
  if (!v) {
    server.public_url = fmt::format("https://localhost:{}", server.listen.port);
    return Ok();
  }
  std::string url = *v;
  while (url.ends_with('/')) url.pop_back();
  const std::size_t scheme_end = url.find("://");
  const std::string_view scheme = std::string_view(url).substr(0, scheme_end);
  const bool bad_char = std::any_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
  // https only: the redirect listener sends clients here, never to plaintext.
  if (scheme_end == std::string::npos || scheme != "https" || url.size() == scheme_end + 3 ||
      bad_char) {
    return r.Invalid("server.public_url", "must be an absolute https:// URL");
  }
  server.public_url = std::move(url);
  return Ok();
}

Status ReadServer(const Reader& r, ServerConfig& s) {
  std::optional<Endpoint> listen = s.listen;
  SR_TRY(ReadEndpoint(r, "server.listen", listen));
  if (!listen) return r.Invalid("server.listen", "must not be empty");
  s.listen = *listen;
  SR_TRY(ReadEndpoint(r, "server.redirect_listen", s.redirect_listen));
  SR_TRY(ReadPublicUrl(r, s));
  SR_TRY(ReadInteger(r, "server.workers", 0, 1024, s.workers));
  SR_TRY(ReadInteger(r, "server.max_connections", 1, 1'000'000, s.max_connections));
  SR_TRY(ReadInteger(r, "server.header_limit_bytes", 1024, 1 << 20, s.header_limit_bytes));
  SR_TRY(ReadInteger(r, "server.body_limit_bytes", 1, 1 << 30, s.body_limit_bytes));
  SR_TRY(ReadInteger(r, "server.header_timeout_seconds", 1, 86400, s.header_timeout));
  SR_TRY(ReadInteger(r, "server.body_timeout_seconds", 1, 86400, s.body_timeout));
  SR_TRY(ReadInteger(r, "server.idle_timeout_seconds", 1, 86400, s.idle_timeout));
  SR_TRY(ReadInteger(r, "server.shutdown_grace_seconds", 0, 3600, s.shutdown_grace));
  SR_TRY(ReadInteger(r, "server.max_requests_per_connection", 1, 1'000'000,
                     s.max_requests_per_connection));
  return Ok();
}

Status ReadTls(const Reader& r, const fs::path& base, TlsConfig& tls) {
  SR_TRY(ReadPath(r, "tls.certificate", base, tls.certificate));
  SR_TRY(ReadPath(r, "tls.private_key", base, tls.private_key));
  SR_ASSIGN_OR_RETURN(std::optional<std::string> v, r.String("tls.min_version"));
  if (!v) return Ok();
  if (*v == "1.2") {
    tls.min_version = TlsVersion::kTls12;
  } else if (*v == "1.3") {
    tls.min_version = TlsVersion::kTls13;
  } else {
    return r.Invalid("tls.min_version", "must be \"1.2\" or \"1.3\"");
  }
  return Ok();
}

Status ReadLog(const Reader& r, LogConfig& log) {
  SR_TRY(ReadBool(r, "log.access", log.access));
  SR_ASSIGN_OR_RETURN(std::optional<std::string> v, r.String("log.level"));
  if (!v) return Ok();
  for (std::size_t i = 0; i < std::size(kLogLevelNames); ++i) {
    if (*v == kLogLevelNames[i]) {
      log.level = static_cast<LogLevel>(i);
      return Ok();
    }
  }
  return r.Invalid("log.level", "must be one of trace, debug, info, warn, error, off");
}

// ReadOptionalPath reads a path where "" (or absence) means "not set".
Status ReadOptionalPath(const Reader& r, std::string_view key, const fs::path& base,
                        std::optional<fs::path>& out) {
  SR_ASSIGN_OR_RETURN(std::optional<std::string> v, r.String(key));
  if (!v) return Ok();
  if (v->empty()) {
    out.reset();
    return Ok();
  }
  fs::path p(*v);
  out = (p.is_absolute() ? p : base / p).lexically_normal();
  return Ok();
}

// ReadChoice reads a string that must be one of `choices`.
Status ReadChoice(const Reader& r, std::string_view key,
                  std::initializer_list<std::string_view> choices, std::string& out) {
  SR_ASSIGN_OR_RETURN(std::optional<std::string> v, r.String(key));
  if (!v) return Ok();
  for (std::string_view c : choices) {
    if (*v == c) {
      out = *v;
      return Ok();
    }
  }
  std::string list;
  for (std::string_view c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  return r.Invalid(key, "must be one of " + list);
}

Status ReadIdentity(const Reader& r, const fs::path& base, Config& c) {
  SR_TRY(ReadBool(r, "accounts.require_verified_email", c.accounts.require_verified_email));
  SR_TRY(ReadInteger(r, "accounts.reset_token_seconds", 1, 3600, c.accounts.reset_token_ttl));
  SR_TRY(ReadInteger(r, "accounts.verification_token_seconds", 1, 7 * 86400,
                     c.accounts.verification_token_ttl));
  SR_TRY(ReadInteger(r, "sessions.lifetime_seconds", 1, 365 * 86400, c.sessions.lifetime));
  SR_TRY(ReadInteger(r, "sessions.idle_timeout_seconds", 1, 365 * 86400, c.sessions.idle_timeout));
  SR_TRY(ReadInteger(r, "sessions.recent_auth_seconds", 1, 86400, c.sessions.recent_auth));
  PasswordsConfig& p = c.passwords;
  SR_TRY(ReadInteger(r, "passwords.min_length", 8, 64, p.min_length));
  SR_TRY(ReadInteger(r, "passwords.zxcvbn_min_score", 0, 4, p.zxcvbn_min_score));
  SR_TRY(ReadOptionalPath(r, "passwords.breached_file", base, p.breached_file));
  // ASVS 5.0 Appendix C / OWASP: Argon2id with at least 19 MiB and t = 2.
  SR_TRY(ReadInteger(r, "passwords.argon2_memory_kib", 19456, 4 * 1024 * 1024,
                     p.argon2_memory_kib));
  SR_TRY(ReadInteger(r, "passwords.argon2_iterations", 2, 64, p.argon2_iterations));
  SR_TRY(ReadInteger(r, "passwords.hash_threads", 0, 256, p.hash_threads));
  SR_TRY(ReadInteger(r, "passwords.hash_queue", 1, 1'000'000, p.hash_queue));
  ThrottleConfig& t = c.throttle;
  SR_TRY(ReadBool(r, "throttle.enabled", t.enabled));
  SR_TRY(ReadInteger(r, "throttle.account_free_failures", 1, 1000, t.account_free_failures));
  SR_TRY(ReadInteger(r, "throttle.account_lockout_failures", 10, 100000,
                     t.account_lockout_failures));
  SR_TRY(ReadInteger(r, "throttle.ip_max_failures", 1, 1'000'000, t.ip_max_failures));
  SR_TRY(ReadInteger(r, "throttle.ip_window_seconds", 1, 86400, t.ip_window));
  SR_TRY(ReadInteger(r, "throttle.global_min_attempts", 1, 1'000'000, t.global_min_attempts));
  SR_TRY(ReadInteger(r, "throttle.global_max_failure_percent", 1, 100,
                     t.global_max_failure_percent));
  return Ok();
}

Status ReadContent(const Reader& r, const fs::path& base, ContentConfig& c) {
  SR_TRY(ReadPath(r, "content.blob_dir", base, c.blob_dir));
  // The object format holds at most 2^32 segments of 64 KiB: 256 TiB.
  SR_TRY(ReadInteger(r, "content.max_object_bytes", 1, std::int64_t{1} << 48, c.max_object_bytes));
  SR_TRY(ReadInteger(r, "content.workspace_quota_bytes", 0, std::int64_t{1} << 60,
                     c.workspace_quota_bytes));
  SR_TRY(ReadInteger(r, "content.keep_versions", 0, 1000, c.keep_versions));
  SR_TRY(ReadInteger(r, "content.deleted_retention_seconds", 0, 10 * 365 * 86400,
                     c.deleted_retention));
  return Ok();
}

Status ReadMail(const Reader& r, const fs::path& base, MailConfig& m) {
  SR_TRY(ReadChoice(r, "mail.transport", {"outbox", "smtp"}, m.transport));
  SR_ASSIGN_OR_RETURN(std::optional<std::string> from, r.String("mail.from"));
  if (from) {
    if (from->empty() || from->find_first_of("\r\n") != std::string::npos) {
      return r.Invalid("mail.from", "must be one non-empty line");
    }
    m.from = *from;
  }
  SR_TRY(ReadPath(r, "mail.outbox_dir", base, m.outbox_dir));
  SR_TRY(ReadPath(r, "mail.queue_path", base, m.queue_path));
  SR_ASSIGN_OR_RETURN(std::optional<std::string> host, r.String("mail.smtp_host"));
  if (host) m.smtp_host = *host;
  SR_TRY(ReadInteger(r, "mail.smtp_port", 1, 65535, m.smtp_port));
  SR_TRY(ReadChoice(r, "mail.smtp_security", {"starttls", "tls", "none"}, m.smtp_security));
  SR_ASSIGN_OR_RETURN(std::optional<std::string> user, r.String("mail.smtp_user"));
  if (user) m.smtp_user = *user;
  SR_TRY(ReadOptionalPath(r, "mail.smtp_password_file", base, m.smtp_password_file));
  SR_TRY(ReadOptionalPath(r, "mail.smtp_ca_file", base, m.smtp_ca_file));
  if (m.transport == "smtp" && m.smtp_host.empty()) {
    return r.Invalid("mail.smtp_host", "must be set when mail.transport is \"smtp\"");
  }
  return Ok();
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  return kLogLevelNames[static_cast<std::size_t>(level)];
}

Result<Config> ParseConfig(std::string_view toml_text, const fs::path& file) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(file, ec);
  if (ec) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("cannot resolve configuration path {}: {}",
                                                         file.string(), ec.message()));
  }
  const std::string name = Printable(absolute.string());
  toml::table root;
  try {
    root = toml::parse(toml_text, name);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}:{}:{}: {}", name, e.source().begin.line, e.source().begin.column,
                            Printable(e.description())));
  }
  const Reader reader(root, name);
  SR_TRY(reader.CheckSchema());
  const fs::path base = absolute.parent_path();
  Config config;
  SR_TRY(ReadServer(reader, config.server));
  SR_TRY(ReadTls(reader, base, config.tls));
  SR_TRY(ReadPath(reader, "store.path", base, config.store.path));
  SR_TRY(ReadPath(reader, "keys.root_key_file", base, config.keys.root_key_file));
  SR_TRY(ReadInteger(reader, "keys.rotate_after_days", 1, 3650, config.keys.rotate_after_days));
  // NIST SP 800-57: a root (key-wrapping) key's cryptoperiod is at most a few years;
  // the policies promise yearly rotation.
  SR_TRY(ReadInteger(reader, "keys.root_rotate_after_days", 1, 365,
                     config.keys.root_rotate_after_days));
  SR_TRY(ReadInteger(reader, "keys.cache_ttl_seconds", 1, 86400, config.keys.cache_ttl));
  SR_TRY(ReadContent(reader, base, config.content));
  SR_TRY(ReadLog(reader, config.log));
  SR_TRY(ReadBool(reader, "diagnostics.echo", config.diagnostics.echo));
  SR_TRY(ReadIdentity(reader, base, config));
  SR_TRY(ReadMail(reader, base, config.mail));
  return config;
}

Result<Config> LoadConfig(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("cannot read configuration file {}", Printable(file.string())));
  }
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("cannot read configuration file {}", Printable(file.string())));
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("configuration file {} is larger than {} bytes",
                            Printable(file.string()), kMaxConfigBytes));
  }
  return ParseConfig(text, file);
}

}  // namespace sr::config
