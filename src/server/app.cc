#include "server/app.h"

#include <utility>

#include <csignal>
#include <thread>

#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include "api/system_routes.h"
#include "common/log.h"
#include "config/config.h"
#include "config/root_key.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "server/version.h"
#include "store/sqlite_store.h"

namespace sr::server {
namespace {

// Components owns everything a serving process holds, in dependency order.
struct Components {
  config::Config config;
  std::unique_ptr<store::MetadataStore> store;
  std::unique_ptr<http::Metrics> metrics;
  std::unique_ptr<http::Router> router;
  std::unique_ptr<api::SystemRoutesDeps> system_deps;
  std::function<bool()> draining;
};

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
  // The key is not used by the foundation's routes yet, but a missing or
  // exposed key file must stop start-up now rather than at first use.
  SR_TRY(config::LoadRootKey(c->config.keys.root_key_file));
  store::SqliteOptions store_options;
  store_options.path = c->config.store.path;
  SR_ASSIGN_OR_RETURN(c->store, store::OpenSqliteStore(store_options));
  c->metrics = std::make_unique<http::Metrics>(std::string(kVersion), std::string(kCommit));
  c->router = std::make_unique<http::Router>();
  c->system_deps = std::make_unique<api::SystemRoutesDeps>(api::SystemRoutesDeps{
      *c->store, *c->metrics, [c = c.get()] { return c->draining && c->draining(); },
      c->config.diagnostics.echo, c->config.server.body_limit_bytes});
  SR_TRY(api::RegisterSystemRoutes(*c->router, *c->system_deps));
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
  server.Run();
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
