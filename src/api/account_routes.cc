#include "api/account_routes.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <charconv>

#include "api/auth.h"
#include "api/json_body.h"
#include "api/problems.h"
#include "api/query.h"

namespace sr::api {

namespace asio = boost::asio;
using http::Request;
using http::Response;
using http::Verb;

namespace {

// Passwords may be long passphrases; the policy caps them at 256 characters.
constexpr std::size_t kMaxPasswordBytes = 4096;
constexpr std::size_t kMaxEmailBytes = 320;
constexpr std::size_t kMaxTokenBytes = 128;

Response Empty(http::Status status, unsigned version) {
  Response res(status, version);
  res.prepare_payload();
  return res;
}

nlohmann::json SessionJson(const store::Session& s, std::string_view current_id) {
  return {{"id", s.id},
          {"current", s.id == current_id},
          {"created_at", IsoTime(s.created_at)},
          {"last_seen_at", IsoTime(s.last_seen_at)},
          {"expires_at", IsoTime(s.expires_at)},
          {"aal", s.aal},
          {"ip", s.ip},
          {"user_agent", s.user_agent}};
}

nlohmann::json AccountJson(const store::Account& a) {
  return {{"id", a.id},
          {"email", a.email},
          {"display_name", a.display_name},
          {"email_verified", a.email_verified_at.has_value()},
          {"created_at", IsoTime(a.created_at)}};
}

class Routes : public std::enable_shared_from_this<Routes> {
 public:
  explicit Routes(const AccountRoutesDeps& deps) : deps_(deps) {}

  // Register adds the routes; each handler holds a reference to this object.
  Status Register(http::Router& router) {
    auto self = shared_from_this();
    auto& svc = deps_.service;
    const std::string url = svc.options().public_url;
    http::Middleware session = RequireSession(svc, url);
    SR_TRY(Add(router, Verb::post, "/v1/accounts", "Create an account.", {}, true,
               [self](Request& r) { return self->SignUp(r); }));
    SR_TRY(Add(router, Verb::post, "/v1/sessions", "Sign in with e-mail and password.", {}, true,
               [self](Request& r) { return self->SignIn(r); }));
    SR_TRY(Add(router, Verb::get, "/v1/sessions", "List your sessions.", session, false,
               [self](Request& r) { return self->ListSessions(r); }));
    SR_TRY(Add(router, Verb::delete_, "/v1/sessions", "Sign out every other session.", session,
               false, [self](Request& r) { return self->RevokeOthers(r); }));
    SR_TRY(Add(router, Verb::delete_, "/v1/sessions/current", "Sign out.", session, false,
               [self](Request& r) { return self->SignOut(r); }));
    SR_TRY(Add(router, Verb::delete_, "/v1/sessions/{id}", "Revoke one of your sessions.",
               session, false, [self](Request& r) { return self->RevokeSession(r); }));
    SR_TRY(Add(router, Verb::get, "/v1/me", "Your account.", session, false,
               [self](Request& r) { return self->Me(r); }));
    SR_TRY(Add(router, Verb::delete_, "/v1/me", "Request deletion of your account.", session,
               true, [self](Request& r) { return self->DeleteMe(r); }));
    SR_TRY(Add(router, Verb::post, "/v1/me/password", "Change your password.", session, true,
               [self](Request& r) { return self->ChangePassword(r); }));
    SR_TRY(Add(router, Verb::post, "/v1/me/email", "Change your e-mail address.", session, true,
               [self](Request& r) { return self->ChangeEmail(r); }));
    SR_TRY(Add(router, Verb::post, "/v1/me/email/verification", "Send a new verification link.",
               session, false, [self](Request& r) { return self->ResendVerification(r); }));
    SR_TRY(Add(router, Verb::get, "/v1/me/events", "Your security events, newest first.",
               session, false, [self](Request& r) { return self->Events(r); }));
    SR_TRY(Add(router, Verb::post, "/v1/password-reset", "E-mail a password-reset link.", {},
               true, [self](Request& r) { return self->RequestReset(r); }));
    SR_TRY(Add(router, Verb::post, "/v1/password-reset/complete",
               "Set a new password with a reset link's token.", {}, true,
               [self](Request& r) { return self->CompleteReset(r); }));
    SR_TRY(Add(router, Verb::post, "/v1/email-verification/complete",
               "Confirm an e-mail address with a link's token.", {}, true,
               [self](Request& r) { return self->CompleteVerification(r); }));
    return Ok();
  }

 private:
  using Body = std::function<asio::awaitable<Response>(Request&)>;

  Status Add(http::Router& router, Verb method, std::string pattern, std::string summary,
             http::Middleware auth, bool json_body, Body handler) {
    http::Route route;
    route.method = method;
    route.pattern = std::move(pattern);
    route.summary = std::move(summary);
    if (auth) route.middleware.push_back(std::move(auth));
    if (json_body) {
      route.content_type = "application/json";
      route.max_body_bytes = deps_.json_body_limit;
    }
    route.handler = std::move(handler);
    return router.Add(std::move(route));
  }

  static Response Problem(const Error& e, const Request& r) {
    return ProblemFromError(e, r.message.version());
  }

  asio::awaitable<Response> SignUp(Request& r) {
    auto doc = ParseJsonBody(r);
    if (!doc) co_return Problem(doc.error(), r);
    auto email = StringField(*doc, "email", kMaxEmailBytes);
    auto password = StringField(*doc, "password", kMaxPasswordBytes);
    auto name = StringField(*doc, "display_name", 1024);
    for (const auto* f : {&email, &password, &name}) {
      if (!*f) co_return Problem(f->error(), r);
    }
    auto account = co_await deps_.service.SignUp(std::move(*email), std::move(*password),
                                                 std::move(*name), ClientOf(r));
    if (!account) co_return Problem(account.error(), r);
    co_return JsonResponse(http::Status::created, AccountJson(*account), r.message.version());
  }

  asio::awaitable<Response> SignIn(Request& r) {
    auto doc = ParseJsonBody(r);
    if (!doc) co_return Problem(doc.error(), r);
    auto email = StringField(*doc, "email", kMaxEmailBytes);
    auto password = StringField(*doc, "password", kMaxPasswordBytes);
    if (!email) co_return Problem(email.error(), r);
    if (!password) co_return Problem(password.error(), r);
    auto signed_in =
        co_await deps_.service.SignIn(std::move(*email), std::move(*password), ClientOf(r));
    if (!signed_in) co_return Problem(signed_in.error(), r);
    const store::Session& s = signed_in->session;
    Response res = JsonResponse(
        http::Status::created,
        {{"token", signed_in->token},
         {"session", {{"id", s.id}, {"expires_at", IsoTime(s.expires_at)}, {"aal", s.aal}}}},
        r.message.version());
    res.set(http::bhttp::field::set_cookie,
            SessionCookie(signed_in->token, std::chrono::seconds(s.expires_at - s.created_at)));
    co_return res;
  }

  asio::awaitable<Response> ListSessions(Request& r) {
    const AuthContext& auth = Auth(r);
    auto sessions = deps_.service.ListSessions(auth.principal);
    if (!sessions) co_return Problem(sessions.error(), r);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : *sessions) list.push_back(SessionJson(s, auth.principal.session.id));
    co_return JsonResponse(http::Status::ok, {{"sessions", std::move(list)}}, r.message.version());
  }

  asio::awaitable<Response> RevokeOthers(Request& r) {
    auto revoked = deps_.service.RevokeOtherSessions(Auth(r).principal, ClientOf(r));
    if (!revoked) co_return Problem(revoked.error(), r);
    co_return JsonResponse(http::Status::ok, {{"revoked", *revoked}}, r.message.version());
  }

  asio::awaitable<Response> SignOut(Request& r) {
    if (auto done = deps_.service.SignOut(Auth(r).principal, ClientOf(r)); !done) {
      co_return Problem(done.error(), r);
    }
    Response res = Empty(http::Status::no_content, r.message.version());
    res.set(http::bhttp::field::set_cookie, ClearSessionCookie());
    co_return res;
  }

  asio::awaitable<Response> RevokeSession(Request& r) {
    const AuthContext& auth = Auth(r);
    const std::string id(r.Param("id"));
    if (auto done = deps_.service.RevokeSession(auth.principal, id, ClientOf(r)); !done) {
      co_return Problem(done.error(), r);
    }
    Response res = Empty(http::Status::no_content, r.message.version());
    if (id == auth.principal.session.id) {
      res.set(http::bhttp::field::set_cookie, ClearSessionCookie());
    }
    co_return res;
  }

  asio::awaitable<Response> Me(Request& r) {
    co_return JsonResponse(http::Status::ok, AccountJson(Auth(r).principal.account),
                           r.message.version());
  }

  // OptionalPassword reads {"current_password"} from an optional JSON body.
  static Result<std::optional<std::string>> OptionalPassword(const Request& r) {
    if (r.message.body().empty()) return std::optional<std::string>();
    SR_ASSIGN_OR_RETURN(auto doc, ParseJsonBody(r));
    return OptionalStringField(doc, "current_password", kMaxPasswordBytes);
  }

  asio::awaitable<Response> DeleteMe(Request& r) {
    auto password = OptionalPassword(r);
    if (!password) co_return Problem(password.error(), r);
    auto done = co_await deps_.service.RequestDeletion(Auth(r).principal, std::move(*password),
                                                       ClientOf(r));
    if (!done) co_return Problem(done.error(), r);
    Response res = JsonResponse(http::Status::accepted, {{"status", "deletion_requested"}},
                                r.message.version());
    res.set(http::bhttp::field::set_cookie, ClearSessionCookie());
    co_return res;
  }

  asio::awaitable<Response> ChangePassword(Request& r) {
    auto doc = ParseJsonBody(r);
    if (!doc) co_return Problem(doc.error(), r);
    auto current = StringField(*doc, "current_password", kMaxPasswordBytes);
    auto next = StringField(*doc, "new_password", kMaxPasswordBytes);
    if (!current) co_return Problem(current.error(), r);
    if (!next) co_return Problem(next.error(), r);
    auto done = co_await deps_.service.ChangePassword(Auth(r).principal, std::move(*current),
                                                      std::move(*next), ClientOf(r));
    if (!done) co_return Problem(done.error(), r);
    co_return Empty(http::Status::no_content, r.message.version());
  }

  asio::awaitable<Response> ChangeEmail(Request& r) {
    auto doc = ParseJsonBody(r);
    if (!doc) co_return Problem(doc.error(), r);
    auto email = StringField(*doc, "email", kMaxEmailBytes);
    auto password = OptionalStringField(*doc, "current_password", kMaxPasswordBytes);
    if (!email) co_return Problem(email.error(), r);
    if (!password) co_return Problem(password.error(), r);
    auto done = co_await deps_.service.ChangeEmail(Auth(r).principal, std::move(*email),
                                                   std::move(*password), ClientOf(r));
    if (!done) co_return Problem(done.error(), r);
    co_return JsonResponse(http::Status::accepted, {{"status", "verification_sent"}},
                           r.message.version());
  }

  asio::awaitable<Response> ResendVerification(Request& r) {
    if (auto done = deps_.service.ResendVerification(Auth(r).principal, ClientOf(r)); !done) {
      co_return Problem(done.error(), r);
    }
    co_return JsonResponse(http::Status::accepted, {{"status", "verification_sent"}},
                           r.message.version());
  }

  asio::awaitable<Response> Events(Request& r) {
    const std::int64_t limit = std::clamp<std::int64_t>(QueryInt(r.query, "limit", 50), 1, 200);
    const std::int64_t before = QueryInt(r.query, "before", 0);
    auto events = deps_.events.ListForAccount(
        Auth(r).principal.account.id, static_cast<int>(limit),
        before > 0 ? std::optional<std::int64_t>(before) : std::nullopt);
    if (!events) co_return Problem(events.error(), r);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : *events) {
      nlohmann::json detail = nlohmann::json::parse(e.detail, nullptr, false);
      list.push_back({{"id", e.id},
                      {"at", IsoTime(e.at)},
                      {"type", e.type},
                      {"outcome", e.outcome},
                      {"ip", e.ip},
                      {"user_agent", e.user_agent},
                      {"detail", detail.is_discarded() ? nlohmann::json::object() : detail}});
    }
    nlohmann::json body = {{"events", list}};
    if (static_cast<std::int64_t>(events->size()) == limit) {
      body["next_before"] = events->back().id;
    }
    co_return JsonResponse(http::Status::ok, body, r.message.version());
  }

  asio::awaitable<Response> RequestReset(Request& r) {
    auto doc = ParseJsonBody(r);
    if (!doc) co_return Problem(doc.error(), r);
    auto email = StringField(*doc, "email", kMaxEmailBytes);
    if (!email) co_return Problem(email.error(), r);
    // The work happens after the answer, so known and unknown addresses get
    // the same answer in the same time.
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(executor,
                   deps_.service.RequestPasswordReset(std::move(*email), ClientOf(r)),
                   [](std::exception_ptr, Status) {});
    co_return JsonResponse(
        http::Status::accepted,
        {{"status", "If the address belongs to an account, a reset link is on its way."}},
        r.message.version());
  }

  asio::awaitable<Response> CompleteReset(Request& r) {
    auto doc = ParseJsonBody(r);
    if (!doc) co_return Problem(doc.error(), r);
    auto token = StringField(*doc, "token", kMaxTokenBytes);
    auto password = StringField(*doc, "password", kMaxPasswordBytes);
    if (!token) co_return Problem(token.error(), r);
    if (!password) co_return Problem(password.error(), r);
    auto done = co_await deps_.service.CompletePasswordReset(std::move(*token),
                                                             std::move(*password), ClientOf(r));
    if (!done) co_return Problem(done.error(), r);
    co_return Empty(http::Status::no_content, r.message.version());
  }

  asio::awaitable<Response> CompleteVerification(Request& r) {
    auto doc = ParseJsonBody(r);
    if (!doc) co_return Problem(doc.error(), r);
    auto token = StringField(*doc, "token", kMaxTokenBytes);
    if (!token) co_return Problem(token.error(), r);
    if (auto done = deps_.service.CompleteEmailVerification(*token, ClientOf(r)); !done) {
      co_return Problem(done.error(), r);
    }
    co_return Empty(http::Status::no_content, r.message.version());
  }

  AccountRoutesDeps deps_;
};

}  // namespace

Status RegisterAccountRoutes(http::Router& router, const AccountRoutesDeps& deps) {
  return std::make_shared<Routes>(deps)->Register(router);
}

}  // namespace sr::api
