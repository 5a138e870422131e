#pragma once
// Structured logging: every line is one JSON object with ts, level, msg and
// the event's fields. Callers pass fields explicitly, so nothing reaches a log
// line by accident; never pass a secret, token, password, cookie or
// Authorization header as a field. Thread-safe.

#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/common.h>

namespace sr::log {

// Configure sends JSON lines to standard output at `level` and above
// ("trace", "debug", "info", "warn", "error", "off").
void Configure(std::string_view level);

// Enabled reports whether a line at `level` would be written.
bool Enabled(spdlog::level::level_enum level);

// Write logs `msg` with `fields` (a JSON object) at `level`.
void Write(spdlog::level::level_enum level, std::string_view msg,
           const nlohmann::json& fields = nlohmann::json::object());

// WriteFragment logs a line whose fields the caller has already rendered as a
// JSON object's members without braces, e.g. `"msg":"request","status":200`.
// For the hot access-log path only: every value must be JSON-safe by
// construction (numbers, server-defined names), never client-supplied text.
void WriteFragment(spdlog::level::level_enum level, std::string_view fragment);

// Flush writes out buffered lines (they are flushed every second anyway).
void Flush();

inline void Info(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(spdlog::level::info, msg, fields);
}
inline void Warn(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(spdlog::level::warn, msg, fields);
}
inline void Error(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(spdlog::level::err, msg, fields);
}

}  // namespace sr::log
