#pragma once
// Endpoint is a listen address as written in the configuration: "host:port"
// or "[ipv6]:port". Parsing only checks syntax; resolving the host is the
// listener's job.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace sr::config {

struct Endpoint {
  std::string host;  // without brackets, e.g. "0.0.0.0", "::1", "localhost"
  std::uint16_t port = 0;

  bool operator==(const Endpoint&) const = default;
};

// ParseEndpoint parses "host:port" or "[ipv6]:port" into an Endpoint; port 0
// (an ephemeral port) is allowed. An unbracketed IPv6 address, an empty host,
// or a port outside 0..65535 is kInvalidArgument. The error message quotes the
// input, so only pass configuration values, not secrets.
Result<Endpoint> ParseEndpoint(std::string_view text);

// FormatEndpoint renders `endpoint` back to "host:port", bracketing IPv6 hosts.
std::string FormatEndpoint(const Endpoint& endpoint);

}  // namespace sr::config
