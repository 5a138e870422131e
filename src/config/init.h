#pragma once
// InitDataDir prepares a data directory for a first start: configuration,
// root key and a self-signed TLS certificate, each with private permissions.

#include <filesystem>
#include <string_view>

#include "common/error.h"

namespace sr::config {

inline constexpr std::string_view kConfigFileName = "strongroom.toml";

// DefaultConfigText returns the commented strongroom.toml that InitDataDir
// writes: every key with its default value and a one-line explanation, paths
// relative to the data directory. It parses to the same Config as an empty file.
std::string_view DefaultConfigText();

// InitDataDir creates `dir` (mode 0700) and writes, in this order:
//  - the root key file (32 random bytes, mode 0600, created exclusively),
//  - a self-signed certificate for localhost, 127.0.0.1 and ::1 (key 0600,
//    certificate 0644, directory tls/ 0700) unless the configured
//    certificate already exists,
//  - strongroom.toml (mode 0600), last, so its presence means "complete".
// A directory that already holds strongroom.toml is kAlreadyExists ("already
// initialised"); an existing root key file is never overwritten.
Status InitDataDir(const std::filesystem::path& dir);

}  // namespace sr::config
