#pragma once
// The request and response types every handler sees. Handlers know nothing of
// the transport: they get a Request, return a Response, and may suspend.

#include <utility>  // Boost 1.74's awaitable.hpp needs it first.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <any>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <span>
#include <vector>

#include "common/error.h"

namespace sr::http {

namespace bhttp = boost::beast::http;

using Response = bhttp::response<bhttp::string_body>;
using Verb = bhttp::verb;
using Status = bhttp::status;

struct Route;

// BodyReader streams the request body of a route declared with
// `stream_body`, so a handler can process a body of any size in constant
// memory. Each Read waits at most the server's body timeout.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Read fills the front of `out` (non-empty) with the next body bytes and
  // returns how many; 0 means the body is complete. Malformed framing is
  // kInvalidArgument, a body over the route's limit kResourceExhausted, a
  // timeout or disconnect kUnavailable; after an error the connection closes.
  virtual boost::asio::awaitable<sr::Result<std::size_t>> Read(std::span<std::uint8_t> out) = 0;
  // content_length is the declared Content-Length; empty for a chunked body.
  virtual std::optional<std::uint64_t> content_length() const = 0;
};

// BodySource produces a response body that is streamed rather than held in
// memory. The response it belongs to must carry its exact Content-Length.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Next fills the front of `out` with the next bytes and returns how many;
  // 0 means the body is complete. An error (or ending before Content-Length
  // bytes) aborts the connection, so the client sees a truncated response
  // rather than wrong bytes.
  virtual boost::asio::awaitable<sr::Result<std::size_t>> Next(std::span<std::uint8_t> out) = 0;
};

// Request is one parsed request with its routing result.
struct Request {
  bhttp::request<bhttp::string_body> message;
  std::string path;   // the target's path, before the query; not percent-decoded
  std::string query;  // the target's query, without '?'
  std::vector<std::pair<std::string, std::string>> params;  // path parameters
  std::string request_id;
  boost::asio::ip::address remote_address;
  const Route* route = nullptr;
  // body streams the request body; set only for `stream_body` routes, whose
  // `message` then carries the header and an empty body.
  BodyReader* body = nullptr;
  // response_body, when a handler sets it, streams the body of the response
  // it returns (which must set Content-Length); HEAD answers skip it.
  std::unique_ptr<BodySource> response_body;
  // context carries what middleware learned (e.g. the authenticated
  // principal) to the handler; http/ never looks inside.
  std::any context;

  // Param returns the path parameter `name`, or an empty view.
  std::string_view Param(std::string_view name) const;
  // Header returns the named header's value, or an empty view.
  std::string_view Header(bhttp::field field) const;
  std::string_view Header(std::string_view name) const;
};

// Handler produces the response for a routed request.
using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// Middleware runs before the handler; returning a response short-circuits it.
using Middleware = std::function<boost::asio::awaitable<std::optional<Response>>(Request&)>;

}  // namespace sr::http
