#include "api/query.h"

#include <charconv>

namespace sr::api {

std::optional<std::string_view> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
  }
  return std::nullopt;
}

bool HasQueryFlag(std::string_view query, std::string_view name) {
  return QueryParam(query, name).has_value();
}

std::int64_t QueryInt(std::string_view query, std::string_view name, std::int64_t fallback) {
  const auto value = QueryParam(query, name);
  if (!value || value->empty()) return fallback;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), v);
  if (ec != std::errc() || end != value->data() + value->size()) return fallback;
  return v;
}

}  // namespace sr::api
