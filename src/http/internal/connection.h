#pragma once
// Private to http/: the per-connection coroutines behind Server.

#include <utility>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"

namespace sr::http::internal {

// SessionEnv is what a connection needs from its server; it outlives them.
struct SessionEnv {
  const ServerOptions& options;
  const Router& router;
  Metrics& metrics;
  const std::atomic<bool>& draining;
};

// Exchange is the bookkeeping of one request/response for metrics and logs.
struct Exchange {
  std::string request_id;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string_view route = "unmatched";  // a route pattern: bounded label set
  std::string_view method = "OTHER";     // a known verb: bounded label set
  unsigned version = 11;
  bool head = false;  // a HEAD request: answers carry headers only
};

// TlsConnection serves one HTTPS connection: handshake, then requests in
// order until the client closes, a limit is hit or the server drains.
// All its work runs on its socket's io_context (one thread), so no locking.
class TlsConnection : public std::enable_shared_from_this<TlsConnection> {
 public:
  TlsConnection(SessionEnv env, boost::asio::ip::tcp::socket socket,
                std::shared_ptr<boost::asio::ssl::context> tls);

  boost::asio::awaitable<void> Serve();

  // CancelIfIdle closes the connection unless a request is in flight. It
  // must run on the connection's executor.
  void CancelIfIdle();
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  // ServeOne reads and answers one request; false ends the connection.
  boost::asio::awaitable<bool> ServeOne(bool first, std::size_t ordinal);
  boost::asio::awaitable<void> Send(Response& res, const Exchange& ex, bool keep_alive);
  // ServeStreamed runs a stream_body route: the handler reads the body
  // through a BodyReader; an unread rest of the body ends the connection.
  boost::asio::awaitable<bool> ServeStreamed(bhttp::request_parser<bhttp::empty_body>& header,
                                             RouteMatch found, std::string_view path,
                                             std::string_view query, const Exchange& ex,
                                             bool can_continue);
  // SendStreamed writes `res`'s header, then the body pulled from `source`;
  // false (and a closed connection) if the source fails or falls short.
  boost::asio::awaitable<bool> SendStreamed(Response& res, BodySource& source, const Exchange& ex,
                                            bool keep_alive);
  // SendBody writes `remaining` bytes pulled from `source`, double-buffered.
  boost::asio::awaitable<bool> SendBody(BodySource& source, std::uint64_t remaining);
  void Record(const Exchange& ex, unsigned status, bool sent);
  // NewRequest fills what every routed request carries; the caller adds the
  // message (and, for stream_body routes, the body reader).
  Request NewRequest(RouteMatch& found, std::string_view path, std::string_view query,
                     const Exchange& ex) const;
  boost::asio::awaitable<void> DrainInput();
  static Response PayloadTooLarge(const Route& route, unsigned version);

  SessionEnv env_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // keeps the SSL_CTX alive
  friend class StreamedBodyReader;
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  boost::asio::ip::address remote_;
  bool busy_ = false;
  bool closing_ = false;
};

// ServeRedirect answers every request on a plaintext connection with a 308 to
// the same target under options.public_url, then closes.
boost::asio::awaitable<void> ServeRedirect(SessionEnv env, boost::asio::ip::tcp::socket socket);

}  // namespace sr::http::internal
