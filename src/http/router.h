#pragma once
// Router maps (method, path) to a Route. Patterns are literal segments and
// `{name}` parameters matching one segment; a final `{name...}` matches the
// rest of the path. Each route declares its own limits and middleware, and a
// route cannot be registered without a handler. Matching is read-only and
// thread-safe once registration is over.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"
#include "http/message.h"

namespace sr::http {

struct Route {
  Verb method = Verb::get;
  std::string pattern;  // also the `route` label of metrics and logs
  Handler handler;
  std::vector<Middleware> middleware;
  // max_body_bytes is the largest request body accepted; 0 accepts none.
  std::size_t max_body_bytes = 0;
  // stream_body routes read the body themselves through Request::body, up
  // to max_body_bytes, instead of receiving it whole in Request::message.
  bool stream_body = false;
  // content_type, when set, is the media type a request body must declare.
  std::string content_type;
  std::string summary;  // one line, for the route listing
};

struct RouteMatch {
  const Route* route;
  std::vector<std::pair<std::string, std::string>> params;
};
struct NotFound {};
struct MethodNotAllowed {
  std::string allow;  // value for the Allow header
};
using MatchResult = std::variant<RouteMatch, NotFound, MethodNotAllowed>;

class Router {
 public:
  // Add registers a route; it refuses a missing handler, a malformed pattern
  // and a duplicate (method, pattern).
  sr::Status Add(Route route);

  // Match finds the route for `method` and `path` (path without query).
  // HEAD falls back to the GET route of the same path.
  MatchResult Match(Verb method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{x}" for parameters
    bool rest = false;                  // last segment is "{x...}"
  };
  static bool MatchSegments(const Compiled& c, const std::vector<std::string_view>& parts,
                            std::vector<std::pair<std::string, std::string>>* params);

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace sr::http
