#include "common/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace sr::log {
namespace {

// StdoutSink writes lines through stdio's buffer. spdlog's own stdout sink
// flushes after every line, a write(2) per request under a process-wide lock;
// here a terminal still sees every line at once, while a pipe or file gets
// whole buffers, flushed at least every second and at once for warnings.
class StdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  StdoutSink() : line_buffered_(isatty(STDOUT_FILENO) == 1) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
    if (line_buffered_) std::fflush(stdout);
  }
  void flush_() override { std::fflush(stdout); }

 private:
  const bool line_buffered_;
};

}  // namespace

void Configure(std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>("strongroom", std::make_shared<StdoutSink>());
  // The message is a JSON fragment ("msg":...,...), so the pattern closes the object.
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
}

bool Enabled(spdlog::level::level_enum level) { return spdlog::default_logger_raw()->should_log(level); }

void Flush() { spdlog::default_logger_raw()->flush(); }

void WriteFragment(spdlog::level::level_enum level, std::string_view fragment) {
  spdlog::default_logger_raw()->log(level, fragment);
}

void Write(spdlog::level::level_enum level, std::string_view msg, const nlohmann::json& fields) {
  auto* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  nlohmann::ordered_json line;  // keeps "msg" first for people reading logs
  line["msg"] = msg;
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) line[key] = value;
  }
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Strip the braces: the pattern supplies them around ts and level.
  logger->log(level, std::string_view(text).substr(1, text.size() - 2));
}

}  // namespace sr::log
