#pragma once
// The composition root: the only place that knows every concrete class. It
// turns a configuration file into a running server.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace sr::server {

struct ServeOptions {
  std::filesystem::path config_file;
  std::optional<std::string> listen;  // "HOST:PORT", overrides server.listen
};

// Serve loads the configuration, opens the store, binds the listeners and
// serves until SIGTERM/SIGINT has drained the connections. SIGHUP reloads the
// TLS certificate. Start-up problems are returned as one-line errors.
Status Serve(const ServeOptions& options);

struct RouteInfo {
  std::string method;
  std::string pattern;
  std::string summary;
};

// ListRoutes returns every route the configuration would register, so the
// API description can be checked against the code.
Result<std::vector<RouteInfo>> ListRoutes(const std::filesystem::path& config_file);

}  // namespace sr::server
