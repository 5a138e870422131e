#include <utility>

#include <array>
#include <limits>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include "common/log.h"
#include "http/dispatch.h"
#include "http/internal/connection.h"
#include "http/problem.h"

namespace sr::http::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

bool IsParseError(const error_code& ec) {
  return ec.category() == make_error_code(bhttp::error::bad_method).category();
}

// CloseGuard keeps the open-connections gauge exact on every exit path.
struct CloseGuard {
  Metrics& metrics;
  explicit CloseGuard(Metrics& m) : metrics(m) { metrics.ConnectionOpened(); }
  ~CloseGuard() { metrics.ConnectionClosed(); }
};

}  // namespace

TlsConnection::TlsConnection(SessionEnv env, asio::ip::tcp::socket socket,
                             std::shared_ptr<asio::ssl::context> tls)
    : env_(env), tls_(std::move(tls)), stream_(beast::tcp_stream(std::move(socket)), *tls_) {
  error_code ec;
  auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address();
}

void TlsConnection::CancelIfIdle() {
  closing_ = true;
  if (!busy_) beast::get_lowest_layer(stream_).cancel();
}

asio::awaitable<void> TlsConnection::Serve() {
  auto self = shared_from_this();
  CloseGuard guard(env_.metrics);
  auto& tcp = beast::get_lowest_layer(stream_);
  error_code ec;
  tcp.expires_after(env_.options.handshake_timeout);
  co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    env_.metrics.TlsHandshakeFailed();
    tcp.close();
    co_return;
  }
  for (std::size_t served = 0; served < env_.options.max_requests_per_connection; ++served) {
    const bool more = co_await ServeOne(served == 0, served + 1);
    busy_ = false;
    if (!more || closing_ || env_.draining.load()) break;
  }
  // Best effort close_notify; a peer that has gone away must not hold us.
  tcp.expires_after(std::chrono::seconds(2));
  co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  tcp.close();
}

asio::awaitable<bool> TlsConnection::ServeOne(bool first, std::size_t ordinal) {
  const ServerOptions& opt = env_.options;
  auto& tcp = beast::get_lowest_layer(stream_);
  error_code ec;

  // Idle wait: the next request may take idle_timeout to start...
  if (buffer_.size() == 0) {
    tcp.expires_after(first ? opt.header_timeout : opt.idle_timeout);
    std::size_t n = co_await stream_.async_read_some(
        buffer_.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    buffer_.commit(n);
  }
  // ...but once started, the whole header must arrive within header_timeout.
  busy_ = true;
  Exchange ex;
  ex.request_id = NewRequestId();
  tcp.expires_after(opt.header_timeout);
  bhttp::request_parser<bhttp::empty_body> header_parser;
  header_parser.header_limit(static_cast<std::uint32_t>(opt.header_limit_bytes));
  // The body limit depends on the route, known only after the header; until
  // then Beast's default (1 MB) must not refuse a large declared length.
  header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  co_await bhttp::async_read_header(stream_, buffer_, header_parser,
                                    asio::redirect_error(asio::use_awaitable, ec));
  if (ec == bhttp::error::header_limit) {
    Response res = MakeProblem(Status::request_header_fields_too_large,
                               "request-header-fields-too-large", "Request Header Fields Too Large",
                               "The request header exceeds the server's limit.");
    co_await Send(res, ex, false);
    co_return false;
  }
  if (ec && IsParseError(ec)) {
    Response res = MakeProblem(Status::bad_request, "malformed-request", "Bad Request",
                               "The request is not valid HTTP/1.1.");
    co_await Send(res, ex, false);
    co_return false;
  }
  if (ec) co_return false;

  const auto& head = header_parser.get();
  if (head.method() != Verb::unknown) ex.method = bhttp::to_string(head.method());
  ex.version = head.version();
  ex.head = head.method() == Verb::head;
  std::string_view target = head.target();
  if (target.empty() || target.front() != '/') {
    Response res = MakeProblem(Status::bad_request, "malformed-request", "Bad Request",
                               "The request target must be an absolute path.", ex.version);
    co_await Send(res, ex, false);
    co_return false;
  }
  const auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query = question == std::string_view::npos ? "" : target.substr(question + 1);

  const auto content_length = header_parser.content_length();
  const bool has_body = header_parser.chunked() || (content_length && *content_length > 0);
  const bool can_continue = head.keep_alive() && ordinal < opt.max_requests_per_connection;

  MatchResult match = env_.router.Match(head.method(), path);
  if (std::holds_alternative<NotFound>(match)) {
    Response res = MakeProblem(Status::not_found, "not-found", "Not Found",
                               "No resource exists at this path.", ex.version);
    co_await Send(res, ex, can_continue && !has_body);
    if (has_body) co_await DrainInput();
    co_return can_continue && !has_body;
  }
  if (auto* not_allowed = std::get_if<MethodNotAllowed>(&match)) {
    Response res = MakeProblem(Status::method_not_allowed, "method-not-allowed",
                               "Method Not Allowed", "This resource does not support the method.",
                               ex.version);
    res.set(bhttp::field::allow, not_allowed->allow);
    co_await Send(res, ex, can_continue && !has_body);
    if (has_body) co_await DrainInput();
    co_return can_continue && !has_body;
  }
  auto& found = std::get<RouteMatch>(match);
  const Route& route = *found.route;
  ex.route = route.pattern;

  if (has_body && !route.content_type.empty() &&
      !MediaTypeMatches(head[bhttp::field::content_type], route.content_type)) {
    Response res = MakeProblem(Status::unsupported_media_type, "unsupported-media-type",
                               "Unsupported Media Type",
                               "The request body must be " + route.content_type + ".", ex.version);
    co_await Send(res, ex, false);
    co_await DrainInput();
    co_return false;
  }
  if (has_body && (route.max_body_bytes == 0 ||
                   (content_length && *content_length > route.max_body_bytes))) {
    Response res = PayloadTooLarge(route, ex.version);
    co_await Send(res, ex, false);
    co_await DrainInput();
    co_return false;
  }

  if (route.stream_body) {
    co_return co_await ServeStreamed(header_parser, std::move(found), path, query, ex,
                                     can_continue);
  }

  bhttp::request_parser<bhttp::string_body> parser(std::move(header_parser));
  parser.body_limit(route.max_body_bytes);
  if (has_body) {
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on(Status::continue_, ex.version);
      tcp.expires_after(opt.body_timeout);
      co_await bhttp::async_write(stream_, go_on, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
    }
    tcp.expires_after(opt.body_timeout);
    co_await bhttp::async_read(stream_, buffer_, parser,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {
      Response res = PayloadTooLarge(route, ex.version);
      co_await Send(res, ex, false);
      co_await DrainInput();
      co_return false;
    }
    if (ec && IsParseError(ec)) {
      Response res = MakeProblem(Status::bad_request, "malformed-request", "Bad Request",
                                 "The request body is not valid HTTP/1.1 framing.", ex.version);
      co_await Send(res, ex, false);
      co_return false;
    }
    if (ec) co_return false;
  }

  Request request = NewRequest(found, path, query, ex);
  request.message = parser.release();
  Response res = co_await RunRoute(request);
  const bool keep_alive = can_continue && request.message.keep_alive();
  if (request.response_body) {
    co_return co_await SendStreamed(res, *request.response_body, ex, keep_alive);
  }
  co_await Send(res, ex, keep_alive);
  co_return keep_alive;
}

Request TlsConnection::NewRequest(RouteMatch& found, std::string_view path,
                                  std::string_view query, const Exchange& ex) const {
  Request request;
  request.path = std::string(path);
  request.query = std::string(query);
  request.params = std::move(found.params);
  request.request_id = ex.request_id;
  request.remote_address = remote_;
  request.route = found.route;
  return request;
}

asio::awaitable<void> TlsConnection::DrainInput() {
  // A lingering close: read and drop what the client is still sending, for a
  // bounded time and amount, so that closing with unread data (which makes the
  // kernel send RST) does not destroy the error response still in flight.
  constexpr std::size_t kMaxDrainBytes = 256 * 1024;
  auto& tcp = beast::get_lowest_layer(stream_);
  tcp.expires_after(std::chrono::seconds(1));
  std::array<char, 8192> scratch;
  std::size_t total = buffer_.size();
  buffer_.consume(buffer_.size());
  error_code ec;
  while (total < kMaxDrainBytes) {
    total += co_await stream_.async_read_some(asio::buffer(scratch),
                                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
}

Response TlsConnection::PayloadTooLarge(const Route& route, unsigned version) {
  return MakeProblem(Status::payload_too_large, "payload-too-large", "Content Too Large",
                     route.max_body_bytes == 0
                         ? std::string("This resource accepts no request body.")
                         : "The request body exceeds " + std::to_string(route.max_body_bytes) +
                               " bytes.",
                     version);
}

asio::awaitable<void> TlsConnection::Send(Response& res, const Exchange& ex, bool keep_alive) {
  res.version(ex.version);
  ApplyStandardHeaders(res, ex.request_id);
  res.keep_alive(keep_alive && !env_.draining.load() && !closing_);
  res.prepare_payload();
  if (ex.head) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  error_code ec;
  beast::get_lowest_layer(stream_).expires_after(env_.options.body_timeout);
  co_await bhttp::async_write(stream_, res, asio::redirect_error(asio::use_awaitable, ec));
  Record(ex, res.result_int(), !ec);
}

void TlsConnection::Record(const Exchange& ex, unsigned status, bool sent) {
  const auto elapsed = Clock::now() - ex.started;
  env_.metrics.RecordRequest(ex.route, ex.method, status, elapsed);
  if (env_.options.access_log && sr::log::Enabled(spdlog::level::info)) {
    // Rendered directly, not through a JSON object: this runs for every
    // request, and every value here is JSON-safe by construction (hex id,
    // known verb, route pattern from the route table, number, IP address).
    fmt::memory_buffer line;
    fmt::format_to(std::back_inserter(line),
                   R"("msg":"request","request_id":"{}","method":"{}","route":"{}","status":{},)"
                   R"("duration_ms":{:.3f},"remote":"{}","sent":{})",
                   ex.request_id, ex.method, ex.route, status,
                   std::chrono::duration<double, std::milli>(elapsed).count(),
                   remote_.to_string(), sent);
    sr::log::WriteFragment(spdlog::level::info, std::string_view(line.data(), line.size()));
  }
}

}  // namespace sr::http::internal
