#pragma once
// The request and response types every handler sees. Handlers know nothing of
// the transport: they get a Request, return a Response, and may suspend.

#include <utility>  // Boost 1.74's awaitable.hpp needs it first.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <any>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::http {

namespace bhttp = boost::beast::http;

using Response = bhttp::response<bhttp::string_body>;
using Verb = bhttp::verb;
using Status = bhttp::status;

struct Route;

// Request is one parsed request with its routing result.
struct Request {
  bhttp::request<bhttp::string_body> message;
  std::string path;   // the target's path, before the query; not percent-decoded
  std::string query;  // the target's query, without '?'
  std::vector<std::pair<std::string, std::string>> params;  // path parameters
  std::string request_id;
  boost::asio::ip::address remote_address;
  const Route* route = nullptr;
  // context carries what middleware learned (e.g. the authenticated
  // principal) to the handler; http/ never looks inside.
  std::any context;

  // Param returns the path parameter `name`, or an empty view.
  std::string_view Param(std::string_view name) const;
  // Header returns the named header's value, or an empty view.
  std::string_view Header(bhttp::field field) const;
};

// Handler produces the response for a routed request.
using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// Middleware runs before the handler; returning a response short-circuits it.
using Middleware = std::function<boost::asio::awaitable<std::optional<Response>>(Request&)>;

}  // namespace sr::http
