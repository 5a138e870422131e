#include "api/auth.h"

#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

#include "api/problems.h"

namespace sr::api {

namespace asio = boost::asio;
namespace bhttp = http::bhttp;

namespace {

constexpr std::size_t kMaxUserAgentBytes = 256;

bool IsSafeMethod(http::Verb v) {
  return v == http::Verb::get || v == http::Verb::head || v == http::Verb::options;
}

// CsrfAllowed accepts a cookie-authenticated unsafe request only when the
// browser says it is same-origin (Fetch Metadata) or its Origin is ours.
// Clients that send neither header are not browsers and carry no ambient
// credentials worth forging.
bool CsrfAllowed(const http::Request& req, std::string_view origin) {
  auto it = req.message.find("Sec-Fetch-Site");
  std::string_view site = it == req.message.end() ? std::string_view() : it->value();
  if (!site.empty()) return site == "same-origin" || site == "none";
  std::string_view sent_origin = req.Header(bhttp::field::origin);
  if (!sent_origin.empty()) return sent_origin == origin;
  return true;
}

}  // namespace

std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semicolon = header.find(';');
    std::string_view pair = header.substr(0, semicolon);
    header = semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

std::string SessionCookie(std::string_view token, std::chrono::seconds max_age) {
  return fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}", kSessionCookie,
                     token, max_age.count());
}

std::string ClearSessionCookie() {
  return fmt::format("{}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0", kSessionCookie);
}

std::string OriginOf(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  auto path = url.find('/', scheme_end + 3);
  return std::string(url.substr(0, path));
}

accounts::Client ClientOf(const http::Request& request) {
  accounts::Client c;
  c.ip = request.remote_address.to_string();
  c.user_agent = std::string(request.Header(bhttp::field::user_agent).substr(0, kMaxUserAgentBytes));
  return c;
}

const AuthContext& Auth(const http::Request& request) {
  return std::any_cast<const AuthContext&>(request.context);
}

http::Middleware RequireSession(accounts::AccountService& service, std::string public_url) {
  return [&service, origin = OriginOf(public_url)](
             http::Request& req) -> asio::awaitable<std::optional<http::Response>> {
    std::string_view token;
    bool via_cookie = false;
    std::string_view authorization = req.Header(bhttp::field::authorization);
    if (!authorization.empty()) {
      if (authorization.size() < 7 || !boost::beast::iequals(authorization.substr(0, 7), "Bearer ")) {
        http::Response res = ProblemFromError(
            Error(ErrorCode::kUnauthenticated, "use a Bearer token"), req.message.version());
        res.set(bhttp::field::www_authenticate, "Bearer");
        co_return res;
      }
      token = authorization.substr(7);
    } else if (auto cookie = CookieValue(req.Header(bhttp::field::cookie), kSessionCookie)) {
      token = *cookie;
      via_cookie = true;
    }
    if (token.empty()) {
      http::Response res = ProblemFromError(
          Error(ErrorCode::kUnauthenticated, "sign in first"), req.message.version());
      res.set(bhttp::field::www_authenticate, "Bearer");
      co_return res;
    }
    if (via_cookie && !IsSafeMethod(req.message.method()) && !CsrfAllowed(req, origin)) {
      co_return ProblemFromError(
          Error(ErrorCode::kPermissionDenied, "cross-site request refused").WithProblemType("csrf"),
          req.message.version());
    }
    auto principal = service.Authenticate(token);
    if (!principal) {
      http::Response res = ProblemFromError(principal.error(), req.message.version());
      if (principal.error().code() == ErrorCode::kUnauthenticated) {
        res.set(bhttp::field::www_authenticate, "Bearer error=\"invalid_token\"");
      }
      co_return res;
    }
    req.context = AuthContext{std::move(*principal), via_cookie};
    co_return std::nullopt;
  };
}

}  // namespace sr::api
