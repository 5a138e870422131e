#include "http/server.h"

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "common/log.h"
#include "http/internal/connection.h"

namespace sr::http {

namespace asio = boost::asio;
using asio::ip::tcp;
using internal::SessionEnv;
using internal::TlsConnection;

// Server::Connection only exists to let the registry name TlsConnection.
class Server::Connection : public TlsConnection {
 public:
  using TlsConnection::TlsConnection;
};

namespace {

sr::Result<std::unique_ptr<tcp::acceptor>> Bind(asio::io_context& ioc, const ListenAddress& where,
                                                std::string_view what) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(where.host, ec);
  if (ec) {
    // A host name: bind its first address (e.g. "localhost" -> 127.0.0.1).
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(where.host, "", tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} host '{}' does not resolve", what, where.host));
    }
    address = results.begin()->endpoint().address();
  }
  auto acceptor = std::make_unique<tcp::acceptor>(ioc);
  tcp::endpoint endpoint(address, where.port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot listen on {} {}:{}: {}", what,
                                                     where.host, where.port, ec.message()));
  }
  return acceptor;
}

}  // namespace

Server::Server(ServerOptions options, const Router& router, TlsContextStore& tls, Metrics& metrics)
    : options_(std::move(options)), router_(router), tls_(tls), metrics_(metrics) {
  if (options_.workers == 0) options_.workers = 1;
  for (unsigned i = 0; i < options_.workers; ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
  }
}

Server::~Server() {
  StopAll();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  // Acceptors and pending coroutine frames must go before their contexts,
  // and the contexts before the registry the frames unregister from.
  https_acceptor_.reset();
  redirect_acceptor_.reset();
  contexts_.clear();
}

sr::Status Server::Listen() {
  SR_ASSIGN_OR_RETURN(https_acceptor_, Bind(control_context(), options_.https, "HTTPS"));
  https_port_ = https_acceptor_->local_endpoint().port();
  if (options_.redirect) {
    SR_ASSIGN_OR_RETURN(redirect_acceptor_,
                        Bind(control_context(), *options_.redirect, "redirect"));
    redirect_port_ = redirect_acceptor_->local_endpoint().port();
  }
  return Ok();
}

asio::io_context& Server::NextContext() {
  return *contexts_[next_context_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void Server::AcceptLoop(tcp::acceptor& acceptor, bool tls) {
  asio::co_spawn(
      control_context(),
      [this, &acceptor, tls]() -> asio::awaitable<void> {
        SessionEnv env{options_, router_, metrics_, draining_};
        asio::steady_timer backoff(control_context());
        while (acceptor.is_open()) {
          asio::io_context& ioc = NextContext();
          tcp::socket socket(ioc);
          boost::system::error_code ec;
          co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
          if (ec == asio::error::operation_aborted || draining_.load()) co_return;
          if (ec) {
            // Out of descriptors or similar: pause instead of spinning.
            sr::log::Warn("accept failed", {{"error", ec.message()}});
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
          }
          if (static_cast<std::size_t>(metrics_.open_connections()) >= options_.max_connections) {
            socket.close(ec);
            continue;
          }
          socket.set_option(tcp::no_delay(true), ec);
          if (!tls) {
            asio::co_spawn(ioc, internal::ServeRedirect(env, std::move(socket)), asio::detached);
            continue;
          }
          auto connection = std::make_shared<Connection>(env, std::move(socket), tls_.Current());
          Register(connection);
          asio::co_spawn(
              ioc,
              [this, connection]() -> asio::awaitable<void> {
                co_await connection->Serve();
                Unregister(connection.get());
              },
              asio::detached);
        }
      },
      asio::detached);
}

void Server::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(connections_mutex_);
  connections_.emplace(c.get(), c);
}

void Server::Unregister(Connection* c) {
  std::lock_guard lock(connections_mutex_);
  connections_.erase(c);
}

void Server::RunContext(asio::io_context& ctx) {
  // No exception may end a worker: log it and keep serving the others.
  while (true) {
    try {
      ctx.run();
      return;
    } catch (const std::exception& e) {
      sr::log::Error("uncaught exception on an io thread", {{"error", e.what()}});
    }
  }
}

void Server::Run() {
  AcceptLoop(*https_acceptor_, true);
  if (redirect_acceptor_) AcceptLoop(*redirect_acceptor_, false);
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& ctx : contexts_) guards.push_back(asio::make_work_guard(*ctx));
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads_.emplace_back([ctx = contexts_[i].get()] { RunContext(*ctx); });
  }
  RunContext(*contexts_.front());
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void Server::Shutdown() {
  if (draining_.exchange(true)) {
    // A second request to stop cuts the grace period short.
    asio::post(control_context(), [this] { StopAll(); });
    return;
  }
  asio::post(control_context(), [this] {
    boost::system::error_code ec;
    if (https_acceptor_) https_acceptor_->close(ec);
    if (redirect_acceptor_) redirect_acceptor_->close(ec);
    {
      std::lock_guard lock(connections_mutex_);
      for (auto& [raw, weak] : connections_) {
        if (auto c = weak.lock()) {
          asio::post(c->executor(), [c] { c->CancelIfIdle(); });
        }
      }
    }
    WatchDrain(std::chrono::steady_clock::now() + options_.shutdown_grace);
  });
}

void Server::WatchDrain(std::chrono::steady_clock::time_point deadline) {
  auto timer = std::make_shared<asio::steady_timer>(control_context());
  timer->expires_after(std::chrono::milliseconds(20));
  timer->async_wait([this, timer, deadline](boost::system::error_code) {
    std::size_t open;
    {
      std::lock_guard lock(connections_mutex_);
      open = connections_.size();
    }
    if (open == 0 || std::chrono::steady_clock::now() >= deadline) {
      if (open > 0) sr::log::Warn("shutdown grace expired", {{"open_connections", open}});
      StopAll();
      return;
    }
    WatchDrain(deadline);
  });
}

void Server::StopAll() {
  if (stopped_.exchange(true)) return;
  for (auto& ctx : contexts_) ctx->stop();
}

}  // namespace sr::http
