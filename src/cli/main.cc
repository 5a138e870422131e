// strongroom: one binary, subcommands init, serve, routes, keys and version.
// Every failure is reported as one line on stderr with a non-zero exit.

#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "config/init.h"
#include "config/root_key.h"
#include "crypto/field_cipher.h"
#include "crypto/subkeys.h"
#include "keys/open_key_service.h"
#include "server/app.h"
#include "server/version.h"
#include "store/sqlite_store.h"

namespace {

int Report(const sr::Error& error) {
  fmt::print(stderr, "strongroom: {}\n", error.message());
  return 1;
}

// KeysCli is what `strongroom keys` opens, the way the server does: the
// metadata store (migrations applied), then the key service over its pool.
struct KeysCli {
  sr::config::Config config;
  sr::SystemClock clock;
  std::unique_ptr<sr::store::SqliteStore> store;
  std::unique_ptr<sr::keys::KeyService> keys;
};

sr::Result<std::unique_ptr<KeysCli>> OpenKeys(const std::string& config_file) {
  auto cli = std::make_unique<KeysCli>();
  SR_ASSIGN_OR_RETURN(cli->config, sr::config::LoadConfig(config_file));
  const sr::config::KeysConfig& k = cli->config.keys;
  // The store insists on a field cipher; the keys commands never use it.
  SR_ASSIGN_OR_RETURN(sr::SecretBytes root, sr::config::LoadRootKey(k.root_key_file));
  SR_ASSIGN_OR_RETURN(sr::crypto::KeyDeriver deriver,
                      sr::crypto::KeyDeriver::Create(std::move(root)));
  SR_ASSIGN_OR_RETURN(sr::crypto::FieldCipher cipher, sr::crypto::FieldCipher::Create(deriver));
  sr::store::SqliteOptions store_options;
  store_options.path = cli->config.store.path;
  SR_ASSIGN_OR_RETURN(
      cli->store,
      sr::store::OpenSqliteStore(
          store_options, std::make_shared<const sr::crypto::FieldCipher>(std::move(cipher))));
  sr::keys::KeyServiceOptions options;
  options.rotate_after = std::chrono::days(k.rotate_after_days);
  options.root_rotate_after = std::chrono::days(k.root_rotate_after_days);
  options.cache_ttl = k.cache_ttl;
  SR_ASSIGN_OR_RETURN(cli->keys, sr::keys::OpenKeyService(k.root_key_file, cli->store->pool(),
                                                          cli->clock, options));
  return cli;
}

std::string Timestamp(std::int64_t unix_seconds) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(unix_seconds)));
}

// KeysStatus prints every root and KEK version with its age, as a table or JSON.
int KeysStatus(KeysCli& cli, bool json) {
  auto status = cli.keys->GetStatus();
  if (!status) return Report(status.error());
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(cli.clock.Now().time_since_epoch()).count();
  const std::int64_t root_limit = std::int64_t{cli.config.keys.root_rotate_after_days} * 86400;
  const std::int64_t kek_limit = std::int64_t{cli.config.keys.rotate_after_days} * 86400;
  nlohmann::json roots = nlohmann::json::array();
  std::int64_t keks_pending = 0;
  std::uint32_t current_root = 0;
  for (const auto& r : status->roots) {
    if (r.current) current_root = r.version;
    roots.push_back({{"version", r.version},
                     {"created_at", Timestamp(r.created_at)},
                     {"age_days", (now - r.created_at) / 86400},
                     {"current", r.current},
                     {"keks", r.keks},
                     {"rotation_due", r.current && now - r.created_at >= root_limit}});
  }
  nlohmann::json keks = nlohmann::json::array();
  std::int64_t domains_pending = 0;
  for (const auto& k : status->keks) {
    if (k.root_version != current_root) ++keks_pending;
    if (!k.current) domains_pending += k.domains;
    keks.push_back({{"workspace_id", k.workspace_id},
                    {"version", k.version},
                    {"root_version", k.root_version},
                    {"created_at", Timestamp(k.created_at)},
                    {"age_days", (now - k.created_at) / 86400},
                    {"current", k.current},
                    {"domains", k.domains},
                    {"rotation_due", k.current && now - k.created_at >= kek_limit}});
  }
  if (json) {
    nlohmann::json out = {
        {"root", roots},
        {"workspace_keys", keks},
        {"pending_rewrap", {{"keks", keks_pending}, {"domains", domains_pending}}}};
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("{:<8} {:<21} {:>6} {:>6}  {}\n", "ROOT", "CREATED", "AGE", "KEKS", "STATE");
  for (const auto& r : roots) {
    fmt::print("v{:<7} {:<21} {:>5}d {:>6}  {}{}\n", r["version"].get<std::uint32_t>(),
               r["created_at"].get<std::string>(), r["age_days"].get<std::int64_t>(),
               r["keks"].get<std::int64_t>(), r["current"].get<bool>() ? "current" : "old",
               r["rotation_due"].get<bool>() ? ", rotation due" : "");
  }
  fmt::print("\n{:<24} {:<8} {:<6} {:<21} {:>6} {:>8}  {}\n", "WORKSPACE", "KEK", "ROOT", "CREATED",
             "AGE", "DOMAINS", "STATE");
  for (const auto& k : keks) {
    fmt::print("{:<24} v{:<7} v{:<5} {:<21} {:>5}d {:>8}  {}{}\n",
               k["workspace_id"].get<std::string>(), k["version"].get<std::uint32_t>(),
               k["root_version"].get<std::uint32_t>(), k["created_at"].get<std::string>(),
               k["age_days"].get<std::int64_t>(), k["domains"].get<std::int64_t>(),
               k["current"].get<bool>() ? "current" : "old",
               k["rotation_due"].get<bool>() ? ", rotation due" : "");
  }
  if (keks.empty()) fmt::print("(no workspace keys yet)\n");
  if (keks_pending + domains_pending > 0) {
    fmt::print("\n{} workspace keys and {} erasure-domain keys wait for `strongroom keys rewrap`\n",
               keks_pending, domains_pending);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"strongroom: a self-hosted security core"};
  app.require_subcommand(1);

  std::string data_dir;
  auto* init = app.add_subcommand(
      "init", "Create a data directory with config, root key and TLS certificate");
  init->add_option("--data", data_dir, "Directory to create")->required();

  sr::server::ServeOptions serve_options;
  std::string listen;
  auto* serve = app.add_subcommand("serve", "Serve HTTPS until SIGTERM");
  serve->add_option("--config", serve_options.config_file, "strongroom.toml")->required();
  serve->add_option("--listen", listen, "HOST:PORT, overrides server.listen");

  std::string routes_config;
  auto* routes = app.add_subcommand("routes", "Print the route table as JSON");
  routes->add_option("--config", routes_config, "strongroom.toml")->required();

  std::string keys_config;
  auto* keys = app.add_subcommand("keys", "Show, rotate and rewrap the key hierarchy");
  keys->require_subcommand(1);
  bool keys_json = false;
  auto* keys_status = keys->add_subcommand("status", "Show every key's version and age");
  keys_status->add_option("--config", keys_config, "strongroom.toml")->required();
  keys_status->add_flag("--json", keys_json, "Print JSON for machines");
  std::string rotate_workspace;
  bool rotate_all = false;
  bool rotate_root = false;
  auto* keys_rotate = keys->add_subcommand("rotate", "Create a new key version");
  keys_rotate->add_option("--config", keys_config, "strongroom.toml")->required();
  auto* ws_option =
      keys_rotate->add_option("--workspace", rotate_workspace, "Rotate this workspace's key");
  auto* all_flag = keys_rotate->add_flag("--all", rotate_all, "Rotate every workspace's key");
  auto* root_flag = keys_rotate->add_flag("--root", rotate_root, "Rotate the root key");
  ws_option->excludes(all_flag)->excludes(root_flag);
  all_flag->excludes(root_flag);
  auto* keys_rewrap = keys->add_subcommand(
      "rewrap", "Move every wrapped key to the newest version (resumable, idempotent)");
  keys_rewrap->add_option("--config", keys_config, "strongroom.toml")->required();

  auto* version = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);

  try {
    if (init->parsed()) {
      if (auto r = sr::config::InitDataDir(data_dir); !r) return Report(r.error());
      fmt::print("initialised {}; start with: strongroom serve --config {}/strongroom.toml\n",
                 data_dir, data_dir);
      return 0;
    }
    if (serve->parsed()) {
      if (!listen.empty()) serve_options.listen = listen;
      if (auto r = sr::server::Serve(serve_options); !r) return Report(r.error());
      return 0;
    }
    if (routes->parsed()) {
      auto list = sr::server::ListRoutes(routes_config);
      if (!list) return Report(list.error());
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : *list) {
        out.push_back({{"method", r.method}, {"pattern", r.pattern}, {"summary", r.summary}});
      }
      fmt::print("{}\n", out.dump(2));
      return 0;
    }
    if (keys->parsed()) {
      if (keys_rotate->parsed() && rotate_workspace.empty() && !rotate_all && !rotate_root) {
        fmt::print(stderr, "strongroom: keys rotate needs --workspace ID, --all or --root\n");
        return 1;
      }
      auto cli = OpenKeys(keys_config);
      if (!cli) return Report(cli.error());
      sr::keys::KeyService& service = *(*cli)->keys;
      if (keys_status->parsed()) return KeysStatus(**cli, keys_json);
      if (keys_rotate->parsed() && rotate_root) {
        auto v = service.RotateRoot();
        if (!v) return Report(v.error());
        fmt::print(
            "root key rotated to version {}; run `strongroom keys rewrap` to move the "
            "workspace keys to it\n",
            *v);
      } else if (keys_rotate->parsed() && rotate_all) {
        auto n = service.RotateAll();
        if (!n) return Report(n.error());
        fmt::print("rotated {} workspace keys\n", *n);
      } else if (keys_rotate->parsed()) {
        auto v = service.Rotate(rotate_workspace);
        if (!v) return Report(v.error());
        fmt::print("workspace {} key rotated to version {}\n", rotate_workspace, *v);
      } else if (keys_rewrap->parsed()) {
        std::int64_t rows = 0;
        auto done = service.Rewrap([&](const sr::keys::RewrapProgress& p) -> sr::Status {
          if (++rows % 1000 == 0) {
            fmt::print(stderr, "... {} erasure-domain keys, {} workspace keys so far\n",
                       p.domains_rewrapped, p.keks_rewrapped);
          }
          return sr::Ok();
        });
        if (!done) return Report(done.error());
        fmt::print(
            "rewrapped {} erasure-domain keys and {} workspace keys; destroyed {} old "
            "workspace key versions; {} skipped\n",
            done->domains_rewrapped, done->keks_rewrapped, done->keks_destroyed, done->skipped);
      }
      return 0;
    }
    if (version->parsed()) {
      fmt::print("strongroom {} ({})\n", sr::server::kVersion, sr::server::kCommit);
      return 0;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "strongroom: internal error: {}\n", e.what());
    return 2;
  }
  return 0;
}
