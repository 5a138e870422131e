#pragma once
// Metrics is the registry behind GET /metrics: request counters and latency
// histograms per route, connection gauges, TLS handshake failures and process
// figures, rendered in the Prometheus text exposition format (version 0.0.4).
// All methods are thread-safe; the per-request path takes one short lock.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace sr::http {

class Metrics {
 public:
  // kLatencyBuckets are the upper bounds, in seconds, of the duration histogram.
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  Metrics(std::string version, std::string commit);

  // RecordRequest counts one finished request. `route` is the route pattern
  // (never the raw path, which may carry identifiers or tokens).
  void RecordRequest(std::string_view route, std::string_view method, unsigned status,
                     std::chrono::steady_clock::duration duration);
  void ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void TlsHandshakeFailed() { tls_handshake_failures_.fetch_add(1, std::memory_order_relaxed); }

  std::int64_t open_connections() const { return open_connections_.load(); }

  // RenderPrometheus returns the whole exposition text.
  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  std::string version_;
  std::string commit_;
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> tls_handshake_failures_{0};

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t, std::less<>> requests_;
  std::map<std::string, Histogram, std::less<>> durations_;
};

}  // namespace sr::http
