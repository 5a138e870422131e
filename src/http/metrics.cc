#include "http/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

namespace sr::http {
namespace {

// EscapeLabel escapes a label value per the exposition format.
std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double ResidentMemoryBytes() {
  std::ifstream statm("/proc/self/statm");
  long total_pages = 0, resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return static_cast<double>(resident_pages) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

Metrics::Metrics(std::string version, std::string commit)
    : version_(std::move(version)), commit_(std::move(commit)) {}

void Metrics::RecordRequest(std::string_view route, std::string_view method, unsigned status,
                            std::chrono::steady_clock::duration duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mutex_);
  auto counter = requests_.find(std::make_tuple(route, method, status));
  if (counter == requests_.end()) {
    counter = requests_.emplace(std::make_tuple(std::string(route), std::string(method), status), 0)
                  .first;
  }
  ++counter->second;
  auto it = durations_.find(route);
  if (it == durations_.end()) it = durations_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  out += "# HELP http_requests_total HTTP requests answered, by route pattern, method and status.\n";
  out += "# TYPE http_requests_total counter\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, code] = key;
      out += fmt::format("http_requests_total{{route=\"{}\",method=\"{}\",code=\"{}\"}} {}\n",
                         EscapeLabel(route), EscapeLabel(method), code, count);
    }
    out += "# HELP http_request_duration_seconds Time from request header to response sent.\n";
    out += "# TYPE http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : durations_) {
      const std::string label = EscapeLabel(route);
      for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        out += fmt::format("http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                           label, kLatencyBuckets[i], h.buckets[i]);
      }
      out += fmt::format("http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                         label, h.count);
      out += fmt::format("http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label, h.sum);
      out += fmt::format("http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label,
                         h.count);
    }
  }
  out += "# HELP http_open_connections Client connections currently open.\n";
  out += "# TYPE http_open_connections gauge\n";
  out += fmt::format("http_open_connections {}\n", open_connections_.load());
  out += "# HELP tls_handshake_failures_total TLS handshakes that failed or timed out.\n";
  out += "# TYPE tls_handshake_failures_total counter\n";
  out += fmt::format("tls_handshake_failures_total {}\n", tls_handshake_failures_.load());
  out += "# HELP process_cpu_seconds_total User and system CPU time spent, in seconds.\n";
  out += "# TYPE process_cpu_seconds_total counter\n";
  out += fmt::format("process_cpu_seconds_total {}\n", ProcessCpuSeconds());
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
  out += "# TYPE process_resident_memory_bytes gauge\n";
  out += fmt::format("process_resident_memory_bytes {}\n", ResidentMemoryBytes());
  out += "# HELP strongroom_build_info Build of the running server; the value is always 1.\n";
  out += "# TYPE strongroom_build_info gauge\n";
  out += fmt::format("strongroom_build_info{{version=\"{}\",commit=\"{}\"}} 1\n",
                     EscapeLabel(version_), EscapeLabel(commit_));
  return out;
}

}  // namespace sr::http
