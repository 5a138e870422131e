#include "config/endpoint.h"

#include <fmt/format.h>

#include <charconv>

namespace sr::config {
namespace {

bool IsHostChar(char c, bool bracketed) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  if (c == '.' || c == '-') return true;
  // Only a bracketed IPv6 literal may carry colons or a "%zone" suffix.
  return bracketed && (c == ':' || c == '%' || c == '_');
}

Result<std::uint16_t> ParsePort(std::string_view text, std::string_view whole) {
  if (text.empty() || text.size() > 5) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' has no valid port (expected HOST:PORT)", whole));
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' has an invalid port (must be 0..65535)", whole));
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<Endpoint> ParseEndpoint(std::string_view text) {
  Endpoint out;
  std::string_view host;
  std::string_view port;
  bool bracketed = false;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'{}' is not a valid [IPv6]:PORT address", text));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    bracketed = true;
    if (host.find(':') == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'{}': brackets are only for IPv6 addresses", text));
    }
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'{}' has no port (expected HOST:PORT)", text));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'{}': write IPv6 addresses in brackets, e.g. [::1]:8443", text));
    }
  }
  if (host.empty() || host.size() > 253) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' has an empty or overlong host", text));
  }
  for (char c : host) {
    if (!IsHostChar(c, bracketed)) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'{}' has an invalid character in its host", text));
    }
  }
  SR_ASSIGN_OR_RETURN(out.port, ParsePort(port, text));
  out.host = std::string(host);
  return out;
}

std::string FormatEndpoint(const Endpoint& endpoint) {
  if (endpoint.host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", endpoint.host, endpoint.port);
  }
  return fmt::format("{}:{}", endpoint.host, endpoint.port);
}

}  // namespace sr::config
