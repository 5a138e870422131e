#include "http/router.h"

#include <algorithm>
#include <cctype>

namespace sr::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool IsParam(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

std::string_view ParamName(std::string_view s) {
  s = s.substr(1, s.size() - 2);
  if (s.ends_with("...")) s.remove_suffix(3);
  return s;
}

}  // namespace

sr::Status Router::Add(Route route) {
  if (!route.handler) return Fail(ErrorCode::kInvalidArgument, "route has no handler: " + route.pattern);
  if (route.pattern.empty() || route.pattern.front() != '/') {
    return Fail(ErrorCode::kInvalidArgument, "route pattern must start with '/': " + route.pattern);
  }
  // Patterns appear unescaped in logs and metrics labels, so they are kept
  // to a plain alphabet.
  const bool plain = std::all_of(route.pattern.begin(), route.pattern.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '.' || c == '{' || c == '}';
  });
  if (!plain) return Fail(ErrorCode::kInvalidArgument, "route pattern has a disallowed character");
  Compiled compiled;
  auto parts = SplitPath(route.pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (IsParam(part) && part.ends_with("...}")) {
      if (i + 1 != parts.size()) {
        return Fail(ErrorCode::kInvalidArgument, "'...' parameter must be last: " + route.pattern);
      }
      compiled.rest = true;
    }
    compiled.segments.emplace_back(part);
  }
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == route.method && routes_[i].pattern == route.pattern) {
      return Fail(ErrorCode::kAlreadyExists, "duplicate route: " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
  return Ok();
}

bool Router::MatchSegments(const Compiled& c, const std::vector<std::string_view>& parts,
                           std::vector<std::pair<std::string, std::string>>* params) {
  const std::size_t fixed = c.rest ? c.segments.size() - 1 : c.segments.size();
  if (c.rest ? parts.size() < c.segments.size() : parts.size() != fixed) return false;
  params->clear();
  for (std::size_t i = 0; i < fixed; ++i) {
    const std::string& seg = c.segments[i];
    if (IsParam(seg)) {
      if (parts[i].empty()) return false;
      params->emplace_back(ParamName(seg), parts[i]);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  if (c.rest) {
    std::string rest;
    for (std::size_t i = fixed; i < parts.size(); ++i) {
      if (i > fixed) rest += '/';
      rest += parts[i];
    }
    if (rest.empty()) return false;
    params->emplace_back(ParamName(c.segments.back()), std::move(rest));
  }
  return true;
}

MatchResult Router::Match(Verb method, std::string_view path) const {
  const auto parts = SplitPath(path);
  if (parts.empty()) return NotFound{};
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<Verb> allowed;
  const Route* get_fallback = nullptr;
  std::vector<std::pair<std::string, std::string>> get_params;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchSegments(compiled_[i], parts, &params)) continue;
    const Route& r = routes_[i];
    if (r.method == method) return RouteMatch{&r, std::move(params)};
    if (method == Verb::head && r.method == Verb::get && get_fallback == nullptr) {
      get_fallback = &r;
      get_params = params;
    }
    allowed.push_back(r.method);
  }
  if (get_fallback != nullptr) return RouteMatch{get_fallback, std::move(get_params)};
  if (allowed.empty()) return NotFound{};
  if (std::find(allowed.begin(), allowed.end(), Verb::get) != allowed.end()) {
    allowed.push_back(Verb::head);
  }
  std::string allow;
  for (Verb v : allowed) {
    if (!allow.empty()) allow += ", ";
    allow += std::string(bhttp::to_string(v));
  }
  return MethodNotAllowed{std::move(allow)};
}

}  // namespace sr::http
