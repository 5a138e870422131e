// TlsConnection's streaming half: routes declared with `stream_body` read
// their request body piece by piece, and handlers that set a BodySource
// stream their response body. Memory stays constant whatever the size.

#include <utility>

#include <algorithm>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "http/dispatch.h"
#include "http/internal/connection.h"
#include "http/problem.h"

namespace sr::http::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

// kStreamChunkBytes is the response write size: large enough that TLS
// records are full and syscalls few, small enough to keep memory flat.
constexpr std::size_t kStreamChunkBytes = 256 * 1024;

}  // namespace

// StreamedBodyReader feeds a handler from a buffer_body parser. It sends
// "100 Continue" only when the handler first asks for the body, so a request
// refused before that (authentication, quota) never invites the upload.
class StreamedBodyReader final : public BodyReader {
 public:
  StreamedBodyReader(TlsConnection& connection,
                     bhttp::request_parser<bhttp::buffer_body>& parser, unsigned version)
      : connection_(connection), parser_(parser), version_(version) {
    const auto length = parser_.content_length();
    if (!parser_.chunked() && length) length_ = *length;
    if (!parser_.chunked() && !length) length_ = 0;
    expects_continue_ = beast::iequals(parser_.get()[bhttp::field::expect], "100-continue");
  }

  asio::awaitable<sr::Result<std::size_t>> Read(std::span<std::uint8_t> out) override {
    if (failed_) co_return Fail(ErrorCode::kUnavailable, "the request body was not received");
    auto& tcp = beast::get_lowest_layer(connection_.stream_);
    error_code ec;
    if (expects_continue_ && !parser_.is_done()) {
      expects_continue_ = false;
      bhttp::response<bhttp::empty_body> go_on(Status::continue_, version_);
      tcp.expires_after(connection_.env_.options.body_timeout);
      co_await bhttp::async_write(connection_.stream_, go_on,
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return Failed(ErrorCode::kUnavailable, "the request body was not received");
    }
    while (!parser_.is_done()) {
      auto& body = parser_.get().body();
      body.data = out.data();
      body.size = out.size();
      tcp.expires_after(connection_.env_.options.body_timeout);
      co_await bhttp::async_read_some(connection_.stream_, connection_.buffer_, parser_,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec == bhttp::error::body_limit) {
        co_return Failed(ErrorCode::kResourceExhausted, "the request body is too large");
      }
      if (ec && ec.category() == make_error_code(bhttp::error::bad_method).category()) {
        co_return Failed(ErrorCode::kInvalidArgument, "the request body framing is malformed");
      }
      if (ec) co_return Failed(ErrorCode::kUnavailable, "the request body was not received");
      const std::size_t n = out.size() - body.size;
      if (n > 0) co_return n;
    }
    co_return std::size_t{0};
  }

  std::optional<std::uint64_t> content_length() const override { return length_; }
  bool complete() const { return !failed_ && parser_.is_done(); }

 private:
  std::unexpected<Error> Failed(ErrorCode code, std::string message) {
    failed_ = true;
    return std::unexpected(Error(code, std::move(message)));
  }

  TlsConnection& connection_;
  bhttp::request_parser<bhttp::buffer_body>& parser_;
  unsigned version_;
  std::optional<std::uint64_t> length_;
  bool expects_continue_ = false;
  bool failed_ = false;
};

asio::awaitable<bool> TlsConnection::ServeStreamed(bhttp::request_parser<bhttp::empty_body>& header,
                                                   RouteMatch found, std::string_view path,
                                                   std::string_view query, const Exchange& ex,
                                                   bool can_continue) {
  const Route& route = *found.route;
  bhttp::request_parser<bhttp::buffer_body> parser(std::move(header));
  parser.body_limit(route.max_body_bytes);
  StreamedBodyReader reader(*this, parser, ex.version);

  Request request = NewRequest(found, path, query, ex);
  request.message = bhttp::request<bhttp::string_body>(parser.get().base());
  request.body = &reader;
  Response res = co_await RunRoute(request);
  // A body the handler did not read to the end is still on the wire: answer,
  // then close (draining briefly so the answer is not lost to a reset).
  const bool body_done = reader.complete();
  const bool keep_alive = can_continue && body_done && request.message.keep_alive();
  bool sent_ok = true;
  if (request.response_body) {
    sent_ok = co_await SendStreamed(res, *request.response_body, ex, keep_alive);
  } else {
    co_await Send(res, ex, keep_alive);
  }
  if (!body_done && sent_ok) co_await DrainInput();
  co_return keep_alive && sent_ok;
}

namespace {

// NextChunk is one source read running while the previous chunk is sent:
// the producer coroutine fills it in and cancels `ready` to wake the sender.
struct NextChunk {
  explicit NextChunk(asio::any_io_executor executor)
      : ready(executor, std::chrono::steady_clock::time_point::max()) {}
  asio::steady_timer ready;
  bool done = false;
  Result<std::size_t> result = std::size_t{0};
};

asio::awaitable<void> Produce(BodySource& source, std::span<std::uint8_t> out, NextChunk& next) {
  next.result = co_await source.Next(out);
  next.done = true;
  next.ready.cancel();
}

}  // namespace

asio::awaitable<bool> TlsConnection::SendBody(BodySource& source, std::uint64_t remaining) {
  // Double buffering: while chunk k goes out through TLS, the source
  // produces chunk k+1 (on another thread if it offloads its work).
  const std::size_t size =
      static_cast<std::size_t>(std::min<std::uint64_t>(kStreamChunkBytes, remaining));
  std::vector<std::uint8_t> current(size);
  std::vector<std::uint8_t> spare(size);
  auto want = [&] { return static_cast<std::size_t>(std::min<std::uint64_t>(size, remaining)); };
  auto executor = co_await asio::this_coro::executor;
  Result<std::size_t> n = co_await source.Next(std::span(current.data(), want()));
  auto& tcp = beast::get_lowest_layer(stream_);
  for (;;) {
    if (!n || *n == 0 || *n > want()) co_return false;
    remaining -= *n;
    NextChunk next(executor);
    if (remaining > 0) {
      asio::co_spawn(executor, Produce(source, std::span(spare.data(), want()), next),
                     asio::detached);
    } else {
      next.done = true;
    }
    error_code ec;
    tcp.expires_after(env_.options.body_timeout);
    co_await asio::async_write(stream_, asio::buffer(current.data(), *n),
                               asio::redirect_error(asio::use_awaitable, ec));
    // The producer uses `spare`, `source` and `next`: wait for it even when
    // the write failed.
    if (!next.done) {
      error_code ignored;
      co_await next.ready.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (ec) co_return false;
    if (remaining == 0) co_return true;
    n = std::move(next.result);
    std::swap(current, spare);
  }
}

asio::awaitable<bool> TlsConnection::SendStreamed(Response& res, BodySource& source,
                                                  const Exchange& ex, bool keep_alive) {
  res.version(ex.version);
  ApplyStandardHeaders(res, ex.request_id);
  res.keep_alive(keep_alive && !env_.draining.load() && !closing_);
  const auto length_field = res.find(bhttp::field::content_length);
  std::uint64_t remaining = 0;
  if (length_field == res.end() ||
      !std::all_of(length_field->value().begin(), length_field->value().end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      length_field->value().empty() || length_field->value().size() > 19) {
    // A handler bug: without a length the client cannot detect truncation.
    Response problem = MakeProblem(Status::internal_server_error, "internal",
                                   "Internal Server Error",
                                   "The server could not complete the request.", ex.version);
    co_await Send(problem, ex, false);
    co_return false;
  }
  remaining = std::stoull(std::string(length_field->value()));
  auto& tcp = beast::get_lowest_layer(stream_);
  error_code ec;
  bhttp::response_serializer<bhttp::string_body> serializer(res);
  tcp.expires_after(env_.options.body_timeout);
  co_await bhttp::async_write_header(stream_, serializer,
                                     asio::redirect_error(asio::use_awaitable, ec));
  bool ok = !ec;
  if (ok && !ex.head && remaining > 0) ok = co_await SendBody(source, remaining);
  Record(ex, res.result_int(), ok);
  if (!ok) {
    // The client holds a short body and a Content-Length it cannot reach:
    // it must see the connection end, not a next response.
    tcp.close();
    co_return false;
  }
  co_return true;
}

}  // namespace sr::http::internal
