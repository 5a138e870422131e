#include <utility>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/dispatch.h"
#include "http/internal/connection.h"
#include "http/problem.h"

namespace sr::http::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;

asio::awaitable<void> ServeRedirect(SessionEnv env, asio::ip::tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  Exchange ex;
  ex.request_id = NewRequestId();
  ex.route = "(redirect)";
  stream.expires_after(env.options.header_timeout);
  bhttp::request_parser<bhttp::empty_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(env.options.header_limit_bytes));
  co_await bhttp::async_read_header(stream, buffer, parser,
                                    asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;  // nothing useful to redirect

  const auto& head = parser.get();
  if (head.method() != Verb::unknown) ex.method = bhttp::to_string(head.method());
  std::string_view target = head.target();
  // The destination comes from configuration, never from the Host header,
  // so the redirect cannot be pointed at another site.
  std::string location = env.options.public_url;
  location += (!target.empty() && target.front() == '/') ? target : std::string_view("/");

  Response res(Status::permanent_redirect, head.version());
  res.set(bhttp::field::location, location);
  res.set(bhttp::field::content_type, "text/plain");
  res.body() = "Use HTTPS: " + location + "\n";
  ApplyStandardHeaders(res, ex.request_id);
  res.keep_alive(false);
  res.prepare_payload();
  stream.expires_after(env.options.body_timeout);
  co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  env.metrics.RecordRequest(ex.route, ex.method, res.result_int(),
                            std::chrono::steady_clock::now() - ex.started);
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace sr::http::internal
