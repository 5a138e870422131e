#pragma once
// Session authentication for API routes: the session token comes from
// `Authorization: Bearer` or the `__Host-` session cookie; cookie-borne
// unsafe requests must pass a CSRF origin check.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/account_service.h"
#include "http/message.h"

namespace sr::api {

inline constexpr std::string_view kSessionCookie = "__Host-strongroom_session";

// AuthContext is what RequireSession leaves in Request::context.
struct AuthContext {
  accounts::Principal principal;
  bool via_cookie = false;
};

// RequireSession authenticates the request or answers 401 (403 for a failed
// CSRF check). `public_url` gives the origin cookie requests must come from.
http::Middleware RequireSession(accounts::AccountService& service, std::string public_url);

// Auth returns the context RequireSession stored; only call it on routes
// that have that middleware.
const AuthContext& Auth(const http::Request& request);

// ClientOf describes the caller for sessions and security events.
accounts::Client ClientOf(const http::Request& request);

// CookieValue finds `name` in a Cookie header.
std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name);

// SessionCookie and ClearSessionCookie render Set-Cookie values.
std::string SessionCookie(std::string_view token, std::chrono::seconds max_age);
std::string ClearSessionCookie();

// OriginOf returns "scheme://host[:port]" of a URL.
std::string OriginOf(std::string_view url);

}  // namespace sr::api
