#pragma once
// Reading parameters from a request's query string (the part after '?').
// Values are returned raw, not percent-decoded: each caller decides how its
// parameter is decoded (object paths, for one, are decoded exactly once).

#include <cstdint>
#include <optional>
#include <string_view>

namespace sr::api {

// QueryParam returns the raw value of the first `name=value` pair, "" for a
// bare `name`, or nullopt if the name is absent.
std::optional<std::string_view> QueryParam(std::string_view query, std::string_view name);

// HasQueryFlag says whether `name` appears, with or without a value.
bool HasQueryFlag(std::string_view query, std::string_view name);

// QueryInt returns the integer value of `name`, or `fallback` if it is
// absent or not a whole decimal number.
std::int64_t QueryInt(std::string_view query, std::string_view name, std::int64_t fallback);

}  // namespace sr::api
