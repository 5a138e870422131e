#include "http/metrics.h"

#include <gtest/gtest.h>

namespace sr::http {
namespace {

TEST(MetricsTest, RendersCountersHistogramsAndProcessFigures) {
  Metrics m("1.2.3", "abc");
  m.RecordRequest("/healthz", "GET", 200, std::chrono::microseconds(300));
  m.RecordRequest("/healthz", "GET", 200, std::chrono::milliseconds(30));
  m.RecordRequest("/v1/x/{id}", "POST", 400, std::chrono::seconds(20));
  m.ConnectionOpened();
  m.TlsHandshakeFailed();
  const std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("http_requests_total{route=\"/healthz\",method=\"GET\",code=\"200\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.05\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{route=\"/v1/x/{id}\",le=\"10\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{route=\"/v1/x/{id}\",le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("http_open_connections 1\n"), std::string::npos);
  EXPECT_NE(text.find("tls_handshake_failures_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("process_cpu_seconds_total "), std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(text.find("strongroom_build_info{version=\"1.2.3\",commit=\"abc\"} 1\n"),
            std::string::npos);
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics m("v\"1\\", "c\n");
  EXPECT_NE(m.RenderPrometheus().find(R"(version="v\"1\\",commit="c\n")"), std::string::npos);
}

}  // namespace
}  // namespace sr::http
