// strongroom: one binary, subcommands init, serve, routes and version.
// Every failure is reported as one line on stderr with a non-zero exit.

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/init.h"
#include "server/app.h"
#include "server/version.h"

namespace {

int Report(const sr::Error& error) {
  fmt::print(stderr, "strongroom: {}\n", error.message());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"strongroom: a self-hosted security core"};
  app.require_subcommand(1);

  std::string data_dir;
  auto* init = app.add_subcommand("init", "Create a data directory with config, root key and TLS certificate");
  init->add_option("--data", data_dir, "Directory to create")->required();

  sr::server::ServeOptions serve_options;
  std::string listen;
  auto* serve = app.add_subcommand("serve", "Serve HTTPS until SIGTERM");
  serve->add_option("--config", serve_options.config_file, "strongroom.toml")->required();
  serve->add_option("--listen", listen, "HOST:PORT, overrides server.listen");

  std::string routes_config;
  auto* routes = app.add_subcommand("routes", "Print the route table as JSON");
  routes->add_option("--config", routes_config, "strongroom.toml")->required();

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
