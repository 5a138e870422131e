#include "server/app.h"

#include <utility>

#include <csignal>
#include <thread>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>

#include "accounts/account_service.h"
#include "api/account_routes.h"
#include "api/content_routes.h"
#include "api/system_routes.h"
#include "audit/sqlite_audit_log.h"
#include "blob/blob_store_fs.h"
#include "content/codex.h"
#include "content/sqlite_codex_repository.h"
#include "common/log.h"
#include "common/periodic_task.h"
#include "config/config.h"
#include "config/root_key.h"
#include "crypto/field_cipher.h"
#include "crypto/subkeys.h"
#include "identity/password_hasher.h"
#include "identity/password_policy.h"
#include "identity/throttle.h"
#include "keys/open_key_service.h"
#include "keys/rotation_job.h"
#include "mail/create_mailer.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "server/version.h"
#include "store/sqlite_store.h"

namespace sr::server {
namespace {

// Components owns everything a serving process holds, in dependency order
// (members are destroyed bottom-up: users before what they use).
struct Components {
  config::Config config;
  SystemClock clock;
  std::shared_ptr<const crypto::FieldCipher> field_cipher;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<audit::SqliteAuditLog> audit_log;
  std::unique_ptr<mail::QueuedMailer> mailer;
  std::unique_ptr<identity::PasswordPolicy> password_policy;
  std::unique_ptr<identity::PasswordHasher> password_hasher;
  std::unique_ptr<identity::SignInThrottle> throttle;
  std::unique_ptr<accounts::AccountService> accounts;
  std::unique_ptr<keys::KeyService> keys;
  std::unique_ptr<blob::BlobStore> blobs;
  std::unique_ptr<content::CodexRepository> codex_repo;
  std::unique_ptr<content::Codex> codex;
  std::unique_ptr<boost::asio::thread_pool> decrypt_pool;  // joined before the io_contexts go
  std::unique_ptr<http::Metrics> metrics;
  std::unique_ptr<http::Router> router;
  std::unique_ptr<api::SystemRoutesDeps> system_deps;
  std::function<bool()> draining;
};

Result<std::unique_ptr<mail::QueuedMailer>> MakeMailer(const Components& c) {
  const config::MailConfig& m = c.config.mail;
  mail::MailOptions options;
  options.transport = m.transport;
  options.outbox_dir = m.outbox_dir;
  options.queue_path = m.queue_path;
  options.from = m.from;
  options.smtp_host = m.smtp_host;
  options.smtp_port = m.smtp_port;
  options.smtp_security = m.smtp_security;
  options.smtp_user = m.smtp_user;
  options.smtp_password_file = m.smtp_password_file.value_or(std::filesystem::path());
  options.smtp_ca_file = m.smtp_ca_file.value_or(std::filesystem::path());
  options.start_worker = false;  // Serve starts it; `routes` must not deliver mail
  return mail::CreateMailer(options, c.field_cipher, c.clock);
}

// AssembleAccounts builds the identity stack behind the account routes.
Status AssembleAccounts(Components& c, SecretBytes root_key) {
  const config::Config& cfg = c.config;
  SR_ASSIGN_OR_RETURN(crypto::KeyDeriver deriver, crypto::KeyDeriver::Create(std::move(root_key)));
  SR_ASSIGN_OR_RETURN(crypto::FieldCipher cipher, crypto::FieldCipher::Create(deriver));
  c.field_cipher = std::make_shared<const crypto::FieldCipher>(std::move(cipher));
  store::SqliteOptions store_options;
  store_options.path = cfg.store.path;
  SR_ASSIGN_OR_RETURN(c.store, store::OpenSqliteStore(store_options, c.field_cipher));
  c.audit_log = std::make_unique<audit::SqliteAuditLog>(*c.store);
  SR_ASSIGN_OR_RETURN(c.mailer, MakeMailer(c));

  identity::PasswordPolicyOptions policy;
  policy.min_length = static_cast<std::size_t>(cfg.passwords.min_length);
  policy.min_zxcvbn_score = cfg.passwords.zxcvbn_min_score;
  policy.breached_file = cfg.passwords.breached_file;
  SR_ASSIGN_OR_RETURN(c.password_policy, identity::PasswordPolicy::Create(policy));
  crypto::Argon2Params argon2;
  argon2.memory_kib = static_cast<std::uint64_t>(cfg.passwords.argon2_memory_kib);
  argon2.iterations = static_cast<std::uint64_t>(cfg.passwords.argon2_iterations);
  SR_ASSIGN_OR_RETURN(c.password_hasher,
                      identity::PasswordHasher::Create(
                          argon2, static_cast<unsigned>(cfg.passwords.hash_threads),
                          cfg.passwords.hash_queue));
  identity::ThrottleOptions throttle;
  throttle.enabled = cfg.throttle.enabled;
  throttle.account_free_failures = cfg.throttle.account_free_failures;
  throttle.account_lockout_failures = cfg.throttle.account_lockout_failures;
  throttle.ip_max_failures = cfg.throttle.ip_max_failures;
  throttle.ip_window = cfg.throttle.ip_window;
  throttle.global_min_attempts = cfg.throttle.global_min_attempts;
  throttle.global_max_failure_ratio = cfg.throttle.global_max_failure_percent / 100.0;
  c.throttle = std::make_unique<identity::SignInThrottle>(throttle, c.clock);

  accounts::AccountOptions options;
  options.public_url = cfg.server.public_url;
  options.session_lifetime = cfg.sessions.lifetime;
  options.session_idle = cfg.sessions.idle_timeout;
  options.recent_auth = cfg.sessions.recent_auth;
  options.reset_ttl = cfg.accounts.reset_token_ttl;
  options.verification_ttl = cfg.accounts.verification_token_ttl;
  options.require_verified_email = cfg.accounts.require_verified_email;
  c.accounts = std::make_unique<accounts::AccountService>(
      options, accounts::AccountDeps{*c.store, *c.store, *c.store, *c.audit_log, *c.mailer,
                                     *c.password_policy, *c.password_hasher, *c.throttle,
                                     c.clock});
  return Ok();
}

// AssembleContent builds the key hierarchy and the encrypted object store.
Status AssembleContent(Components& c) {
  const config::Config& cfg = c.config;
  keys::KeyServiceOptions key_options;
  key_options.rotate_after = std::chrono::days(cfg.keys.rotate_after_days);
  key_options.root_rotate_after = std::chrono::days(cfg.keys.root_rotate_after_days);
  key_options.cache_ttl = cfg.keys.cache_ttl;
  SR_ASSIGN_OR_RETURN(c.keys, keys::OpenKeyService(cfg.keys.root_key_file, c.store->pool(),
                                                   c.clock, key_options));
  SR_ASSIGN_OR_RETURN(c.blobs, blob::OpenFsBlobStore(cfg.content.blob_dir));
  c.codex_repo = std::make_unique<content::SqliteCodexRepository>(c.store->pool());
  content::CodexOptions options;
  options.workspace_quota_bytes = cfg.content.workspace_quota_bytes;
  options.max_object_bytes = static_cast<std::uint64_t>(cfg.content.max_object_bytes);
  options.keep_older_versions = cfg.content.keep_versions;
  c.codex = std::make_unique<content::Codex>(*c.codex_repo, *c.keys, *c.blobs, c.clock, options);
  c.decrypt_pool = std::make_unique<boost::asio::thread_pool>(
      std::max(1u, std::thread::hardware_concurrency()));
  return Ok();
}

Result<config::Config> LoadWithOverride(const ServeOptions& options) {
  SR_ASSIGN_OR_RETURN(config::Config cfg, config::LoadConfig(options.config_file));
  if (options.listen) {
    SR_ASSIGN_OR_RETURN(config::Endpoint endpoint, config::ParseEndpoint(*options.listen));
    const std::string derived = fmt::format("https://localhost:{}", cfg.server.listen.port);
    if (cfg.server.public_url == derived) {
      cfg.server.public_url = fmt::format("https://localhost:{}", endpoint.port);
    }
    cfg.server.listen = endpoint;
  }
  return cfg;
}

// Assemble opens the store and builds the route table.
Result<std::unique_ptr<Components>> Assemble(config::Config cfg) {
  auto c = std::make_unique<Components>();
  c->config = std::move(cfg);
  SR_ASSIGN_OR_RETURN(SecretBytes root_key, config::LoadRootKey(c->config.keys.root_key_file));
  SR_TRY(AssembleAccounts(*c, std::move(root_key)));
  SR_TRY(AssembleContent(*c));
  c->accounts->set_on_created([codex = c->codex.get()](std::string_view account_id) -> Status {
    SR_TRY(codex->EnsurePersonalWorkspace(account_id));
    return Ok();
  });
  c->metrics = std::make_unique<http::Metrics>(std::string(kVersion), std::string(kCommit));
  c->router = std::make_unique<http::Router>();
  c->system_deps = std::make_unique<api::SystemRoutesDeps>(api::SystemRoutesDeps{
      *c->store, *c->metrics, [c = c.get()] { return c->draining && c->draining(); },
      c->config.diagnostics.echo, c->config.server.body_limit_bytes});
  SR_TRY(api::RegisterSystemRoutes(*c->router, *c->system_deps));
  SR_TRY(api::RegisterAccountRoutes(
      *c->router, api::AccountRoutesDeps{*c->accounts, *c->audit_log,
                                         std::min<std::size_t>(c->config.server.body_limit_bytes,
                                                               64 * 1024)}));
  SR_TRY(api::RegisterContentRoutes(
      *c->router,
      api::ContentRoutesDeps{*c->accounts, *c->codex, *c->audit_log,
                             static_cast<std::uint64_t>(c->config.content.max_object_bytes),
                             std::min<std::size_t>(c->config.server.body_limit_bytes, 64 * 1024),
                             c->decrypt_pool.get()}));
  return c;
}

http::ServerOptions ToServerOptions(const config::Config& cfg) {
  const config::ServerConfig& s = cfg.server;
  http::ServerOptions o;
  o.https = {s.listen.host, s.listen.port};
  if (s.redirect_listen) o.redirect = http::ListenAddress{s.redirect_listen->host, s.redirect_listen->port};
  o.public_url = s.public_url;
  o.workers = s.workers > 0 ? static_cast<unsigned>(s.workers)
                            : std::max(1u, std::thread::hardware_concurrency());
  o.max_connections = s.max_connections;
  o.header_limit_bytes = s.header_limit_bytes;
  o.max_requests_per_connection = s.max_requests_per_connection;
  o.handshake_timeout = s.header_timeout;
  o.header_timeout = s.header_timeout;
  o.body_timeout = s.body_timeout;
  o.idle_timeout = s.idle_timeout;
  o.shutdown_grace = s.shutdown_grace;
  o.access_log = cfg.log.access;
  return o;
}

// WatchSignals drains on SIGTERM/SIGINT and reloads TLS on SIGHUP.
void WatchSignals(boost::asio::signal_set& signals, http::Server& server,
                  http::TlsContextStore& tls) {
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      if (auto reloaded = tls.Reload(); reloaded) {
        sr::log::Info("tls certificate reloaded");
      } else {
        sr::log::Error("tls reload failed; keeping the current certificate",
                       {{"error", reloaded.error().message()}});
      }
      WatchSignals(signals, server, tls);
      return;
    }
    sr::log::Info(server.draining() ? "stopping now" : "shutting down", {{"signal", signal}});
    server.Shutdown();
    WatchSignals(signals, server, tls);
  });
}

}  // namespace

Status Serve(const ServeOptions& options) {
  SR_ASSIGN_OR_RETURN(config::Config cfg, LoadWithOverride(options));
  sr::log::Configure(config::LogLevelName(cfg.log.level));
  SR_ASSIGN_OR_RETURN(auto tls, http::TlsContextStore::Create(http::TlsSettings{
                                    cfg.tls.certificate, cfg.tls.private_key,
                                    cfg.tls.min_version == config::TlsVersion::kTls12 ? "1.2" : "1.3"}));
  SR_ASSIGN_OR_RETURN(auto components, Assemble(std::move(cfg)));
  const config::Config& c = components->config;

  // Uploads cut short by a crash left temporaries behind; none is visible.
  SR_ASSIGN_OR_RETURN(std::size_t swept, components->blobs->SweepTemporaries());
  if (swept > 0) sr::log::Info("removed unfinished uploads", {{"count", swept}});

  http::Server server(ToServerOptions(c), *components->router, *tls, *components->metrics);
  components->draining = [&server] { return server.draining(); };
  SR_TRY(server.Listen());

  boost::asio::signal_set signals(server.control_context(), SIGTERM, SIGINT, SIGHUP);
  WatchSignals(signals, server, *tls);

  const std::string url = fmt::format("https://localhost:{}", server.https_port());
  sr::log::Info("listening", {{"url", url},
                              {"host", c.server.listen.host},
                              {"port", server.https_port()},
                              {"redirect_port", server.redirect_port()},
                              {"version", kVersion}});
  fmt::print(stderr, "strongroom {} serving {}\n", kVersion, url);
  components->mailer->Start();
  // Rotation is checked hourly: periods are days, and a restart runs it at once.
  keys::RotationJob rotation(*components->keys, components->clock, std::chrono::hours(1),
                             [](const Result<keys::RotationRun>& run) {
                               if (!run) {
                                 sr::log::Error("key rotation failed",
                                                {{"error", run.error().ToString()}});
                               } else if (run->rotated.root_version ||
                                          !run->rotated.workspaces.empty() ||
                                          run->rewrapped.domains_rewrapped > 0 ||
                                          run->rewrapped.keks_rewrapped > 0) {
                                 sr::log::Info("keys rotated",
                                               {{"workspaces", run->rotated.workspaces.size()},
                                                {"root_rotated", run->rotated.root_version.has_value()},
                                                {"domains_rewrapped", run->rewrapped.domains_rewrapped},
                                                {"keks_rewrapped", run->rewrapped.keks_rewrapped}});
                               }
                             });
  rotation.Start();
  // Deleted files past content.deleted_retention_seconds go for good, in
  // batches, so one purge never holds the database for long.
  PeriodicTask purge(std::chrono::minutes(10), [codex = components->codex.get(),
                                                retention = c.content.deleted_retention] {
    for (int batch = 0; batch < 100; ++batch) {
      auto purged = codex->PurgeDeleted(retention, 500);
      if (!purged) {
        sr::log::Error("purge of deleted objects failed", {{"error", purged.error().ToString()}});
        return;
      }
      if (*purged == 0) return;
      sr::log::Info("deleted objects purged", {{"blobs", *purged}});
    }
  });
  purge.Start();
  server.Run();
  purge.Stop();
  rotation.Stop();
  components->mailer->Stop();
  // The hasher's pool posts results to the io_contexts, so it must be gone
  // (waiting for its jobs) before the server destroys them. Nothing calls
  // it any more: the io_contexts have stopped.
  components->password_hasher.reset();
  components->decrypt_pool->join();
  sr::log::Info("stopped");
  sr::log::Flush();
  return Ok();
}

Result<std::vector<RouteInfo>> ListRoutes(const std::filesystem::path& config_file) {
  SR_ASSIGN_OR_RETURN(config::Config cfg, config::LoadConfig(config_file));
  SR_ASSIGN_OR_RETURN(auto components, Assemble(std::move(cfg)));
  std::vector<RouteInfo> out;
  for (const http::Route& r : components->router->routes()) {
    out.push_back({std::string(http::bhttp::to_string(r.method)), r.pattern, r.summary});
  }
  return out;
}

}  // namespace sr::server
