#pragma once
// Server is the HTTPS front end: it accepts TLS connections on worker threads
// (one io_context each), reads requests under size and time limits, routes
// them, and writes the answers with the security headers every response
// carries. An optional plaintext listener only redirects to HTTPS.
//
// Lifecycle: Listen() binds (so "port in use" is reported before serving),
// Run() serves on the calling thread plus workers-1 more, Shutdown() stops
// accepting, lets in-flight requests finish within the grace period, closes
// idle connections, and makes Run() return. Shutdown() and Reload paths are
// thread-safe; everything else is called from the owning thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/error.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/tls_context.h"

namespace sr::http {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;  // 0 picks a free port
};

struct ServerOptions {
  ListenAddress https;
  std::optional<ListenAddress> redirect;  // plaintext listener answering 308
  std::string public_url;                 // redirect target base, e.g. https://example.com
  unsigned workers = 1;
  std::size_t max_connections = 10000;
  std::size_t header_limit_bytes = 16 * 1024;
  std::size_t max_requests_per_connection = 1000;
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds shutdown_grace{10};
  bool access_log = true;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, TlsContextStore& tls, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listen binds the HTTPS (and redirect) sockets; errors are one line.
  sr::Status Listen();
  std::uint16_t https_port() const { return https_port_; }
  std::uint16_t redirect_port() const { return redirect_port_; }

  // control_context is where signal handlers and timers of the owner run.
  boost::asio::io_context& control_context() { return *contexts_.front(); }

  // Run serves until shutdown completes.
  void Run();
  // Shutdown starts a graceful stop; a second call stops at once. Thread-safe.
  void Shutdown();
  bool draining() const { return draining_.load(); }

 private:
  class Connection;
  friend class Connection;

  boost::asio::io_context& NextContext();
  static void RunContext(boost::asio::io_context& ctx);
  void AcceptLoop(boost::asio::ip::tcp::acceptor& acceptor, bool tls);
  void Register(const std::shared_ptr<Connection>& c);
  void Unregister(Connection* c);
  void WatchDrain(std::chrono::steady_clock::time_point deadline);
  void StopAll();

  ServerOptions options_;
  const Router& router_;
  TlsContextStore& tls_;
  Metrics& metrics_;

  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_context_{0};
  std::unique_ptr<boost::asio::ip::tcp::acceptor> https_acceptor_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> redirect_acceptor_;
  std::uint16_t https_port_ = 0;
  std::uint16_t redirect_port_ = 0;

  std::atomic<bool> draining_{false};
  std::atomic<bool> stopped_{false};
  std::mutex connections_mutex_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
};

}  // namespace sr::http
