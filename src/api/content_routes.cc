#include "api/content_routes.h"

#include <charconv>
#include <vector>

#include <boost/beast/core/detail/base64.hpp>

#include "api/auth.h"
#include "api/json_body.h"
#include "api/problems.h"
#include "api/query.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/run_on_pool.h"
#include "http/problem.h"
#include "http/range.h"

namespace sr::api {

namespace asio = boost::asio;
namespace bhttp = http::bhttp;
using content::ObjectInfo;
using content::Sha256;
using http::Request;
using http::Response;
using http::Verb;

namespace {

// kUploadChunkBytes is how much of a request body is read and encrypted at
// a time: memory per upload stays at about this plus one segment.
constexpr std::size_t kUploadChunkBytes = 256 * 1024;
constexpr int kMaxListLimit = 1000;
constexpr std::size_t kMaxContentTypeBytes = 255;
constexpr std::string_view kDefaultContentType = "application/octet-stream";

Response Empty(http::Status status, unsigned version) {
  Response res(status, version);
  res.prepare_payload();
  return res;
}

// ContentProblem maps content errors; storage limits are 413 (the request
// is too large for what may be stored), not 429 (try later).
Response ContentProblem(const Error& e, const Request& r) {
  const std::string& type = e.problem_type();
  if (type == "quota-exceeded" || type == "payload-too-large") {
    return http::MakeProblem(http::Status::payload_too_large, type, "Content Too Large",
                             e.message(), r.message.version());
  }
  if (e.code() == ErrorCode::kResourceExhausted && type.empty()) {
    // The only untyped exhaustion here is the server's disk.
    log::Error("content storage exhausted", {{"request_id", r.request_id}, {"error", e.ToString()}});
    return http::MakeProblem(http::Status::insufficient_storage, "insufficient-storage",
                             "Insufficient Storage", "The server has no room for this object now.",
                             r.message.version());
  }
  if (e.code() == ErrorCode::kDataLoss || e.code() == ErrorCode::kInternal) {
    // Integrity failures may be an attack on stored data: always logged.
    log::Error("content request failed", {{"request_id", r.request_id},
                                          {"route", r.route->pattern},
                                          {"error", e.ToString()}});
  }
  return ProblemFromError(e, r.message.version());
}

nlohmann::json ObjectJson(const ObjectInfo& o) {
  return {{"path", o.path},
          {"object_id", o.object_id},
          {"version", o.version},
          {"size", o.size},
          {"etag", content::EtagOf(o.sha256)},
          {"sha256", HexEncode(o.sha256)},
          {"content_type", o.content_type},
          {"created_at", IsoTime(o.created_at)},
          {"current", o.current}};
}

nlohmann::json WorkspaceJson(const content::WorkspaceInfo& w) {
  return {{"id", w.id},
          {"name", w.name},
          {"personal", w.personal},
          {"used_bytes", w.used_bytes},
          {"quota_bytes", w.quota_bytes},
          {"created_at", IsoTime(w.created_at)}};
}

// ParseSha256Header reads Content-SHA256 as 64 hex digits or 44 base64
// characters.
Result<std::optional<Sha256>> ParseSha256Header(std::string_view value) {
  if (value.empty()) return std::optional<Sha256>();
  Sha256 out{};
  if (value.size() == 64) {
    auto bytes = HexDecode(value);
    if (bytes && bytes->size() == 32) {
      std::copy(bytes->begin(), bytes->end(), out.begin());
      return std::optional<Sha256>(out);
    }
  } else if (value.size() == 44 && value.back() == '=') {
    namespace b64 = boost::beast::detail::base64;
    std::uint8_t decoded[33] = {};
    auto [written, read] = b64::decode(decoded, value.data(), value.size());
    if (written == 32 && read == value.size()) {
      std::copy(decoded, decoded + 32, out.begin());
      return std::optional<Sha256>(out);
    }
  }
  return Fail(ErrorCode::kInvalidArgument,
              "Content-SHA256 must be 64 hexadecimal digits or 44 base64 characters");
}

bool IsValidContentType(std::string_view type) {
  if (type.empty() || type.size() > kMaxContentTypeBytes) return false;
  if (type.find('/') == std::string_view::npos) return false;
  for (char c : type) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// EtagMatches implements the strong comparison of an If-Match or
// If-None-Match list against `etag` ("*" matches any existing object).
bool EtagListMatches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

// WriteCondition turns If-Match / If-None-Match into a commit condition.
Result<content::CommitCondition> WriteCondition(const Request& r) {
  content::CommitCondition c;
  const std::string_view if_match = r.Header(bhttp::field::if_match);
  const std::string_view if_none = r.Header(bhttp::field::if_none_match);
  if (!if_match.empty()) {
    if (if_match == "*") {
      c.if_match_any = true;
    } else {
      c.if_match = content::ParseEtag(if_match);
      // An entity tag we never issue can match nothing: fail the condition.
      if (!c.if_match) return Fail(ErrorCode::kFailedPrecondition, "If-Match does not match");
    }
  }
  if (!if_none.empty()) {
    if (if_none != "*") {
      return Fail(ErrorCode::kInvalidArgument, "only If-None-Match: * is supported on writes");
    }
    c.if_none_match_any = true;
  }
  return c;
}

// ObjectBody streams a verified object range as a response body; the range
// stream is opened on first use, so HEAD answers never read the blob. With a
// pool, reading and decrypting run there; calls never overlap (the sender
// awaits each before the next), so the stream needs no lock.
class ObjectBody final : public http::BodySource {
 public:
  ObjectBody(std::shared_ptr<content::ObjectSource> source, std::uint64_t first,
             std::uint64_t last, boost::asio::thread_pool* pool)
      : source_(std::move(source)), first_(first), last_(last), pool_(pool) {}

  asio::awaitable<Result<std::size_t>> Next(std::span<std::uint8_t> out) override {
    auto produce = [this, out]() noexcept -> Result<std::size_t> { return Produce(out); };
    if (pool_ == nullptr) co_return produce();
    co_return co_await RunOnPool<Result<std::size_t>>(pool_->get_executor(), produce);
  }

 private:
  Result<std::size_t> Produce(std::span<std::uint8_t> out) noexcept {
    try {
      if (!stream_) {
        auto stream = source_->Stream(first_, last_);
        if (!stream) {
          log::Error("object stream failed", {{"error", stream.error().ToString()}});
          return std::unexpected(stream.error());
        }
        stream_ = std::move(*stream);
      }
      auto n = stream_->Next(out);
      if (!n) log::Error("object stream failed", {{"error", n.error().ToString()}});
      return n;
    } catch (const std::exception&) {
      return Fail(ErrorCode::kInternal, "object stream failed");
    }
  }

  std::shared_ptr<content::ObjectSource> source_;
  std::uint64_t first_;
  std::uint64_t last_;
  boost::asio::thread_pool* pool_;
  std::unique_ptr<content::ObjectStream> stream_;
};

std::string HttpDate(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return buf;
}

class Routes : public std::enable_shared_from_this<Routes> {
 public:
  explicit Routes(const ContentRoutesDeps& deps) : deps_(deps) {}

  Status Register(http::Router& router) {
    auto self = shared_from_this();
    http::Middleware session = RequireSession(deps_.accounts, deps_.accounts.options().public_url);
    SR_TRY(Add(router, Verb::get, "/v1/workspaces", "List the workspaces you can reach.", session,
               [self](Request& r) { return self->ListWorkspaces(r); }));
    SR_TRY(Add(router, Verb::get, "/v1/workspaces/{ws}", "Describe a workspace.", session,
               [self](Request& r) { return self->GetWorkspace(r); }));
    {
      http::Route del = MakeRoute(Verb::delete_, "/v1/workspaces/{ws}",
                                  "Delete a workspace and crypto-shred its keys.", session,
                                  [self](Request& r) { return self->DeleteWorkspace(r); });
      del.content_type = "application/json";
      del.max_body_bytes = deps_.json_body_limit;
      SR_TRY(router.Add(std::move(del)));
    }
    SR_TRY(Add(router, Verb::get, "/v1/workspaces/{ws}/objects",
               "List objects by prefix, optionally one folder level (delimiter=/).", session,
               [self](Request& r) { return self->List(r); }));
    {
      http::Route put = MakeRoute(Verb::put, "/v1/workspaces/{ws}/objects/{path...}",
                                  "Store a new version of an object (streamed, encrypted).",
                                  session, [self](Request& r) { return self->Put(r); });
      put.stream_body = true;
      put.max_body_bytes = static_cast<std::size_t>(deps_.max_object_bytes);
      SR_TRY(router.Add(std::move(put)));
    }
    SR_TRY(Add(router, Verb::get, "/v1/workspaces/{ws}/objects/{path...}",
               "Read an object (Range supported; ?version=N, ?versions).", session,
               [self](Request& r) { return self->Get(r); }));
    SR_TRY(Add(router, Verb::delete_, "/v1/workspaces/{ws}/objects/{path...}",
               "Delete an object (kept per the retention setting) or an empty folder.", session,
               [self](Request& r) { return self->Delete(r); }));
    for (auto [pattern, summary, move] :
         {std::tuple{"/v1/workspaces/{ws}/copy", "Copy an object within the workspace.", false},
          std::tuple{"/v1/workspaces/{ws}/move", "Move or rename an object or folder.", true}}) {
      http::Route route = MakeRoute(Verb::post, pattern, summary, session,
                                    [self, move](Request& r) { return self->CopyOrMove(r, move); });
      route.content_type = "application/json";
      route.max_body_bytes = deps_.json_body_limit;
      SR_TRY(router.Add(std::move(route)));
    }
    return Ok();
  }

 private:
  using Body = std::function<asio::awaitable<Response>(Request&)>;

  static http::Route MakeRoute(Verb method, std::string pattern, std::string summary,
                               http::Middleware auth, Body handler) {
    http::Route route;
    route.method = method;
    route.pattern = std::move(pattern);
    route.summary = std::move(summary);
    route.middleware.push_back(std::move(auth));
    route.handler = std::move(handler);
    return route;
  }

  static Status Add(http::Router& router, Verb method, std::string pattern, std::string summary,
                    http::Middleware auth, Body handler) {
    return router.Add(MakeRoute(method, std::move(pattern), std::move(summary), std::move(auth),
                                std::move(handler)));
  }

  Result<content::Workspace> Workspace(const Request& r) {
    return deps_.codex.Authorize(Auth(r).principal.account.id, r.Param("ws"));
  }

  asio::awaitable<Response> ListWorkspaces(Request& r) {
    auto all = deps_.codex.ListWorkspaces(Auth(r).principal.account.id);
    if (!all) co_return ContentProblem(all.error(), r);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& w : *all) list.push_back(WorkspaceJson(w));
    co_return JsonResponse(http::Status::ok, {{"workspaces", list}}, r.message.version());
  }

  asio::awaitable<Response> GetWorkspace(Request& r) {
    auto all = deps_.codex.ListWorkspaces(Auth(r).principal.account.id);
    if (!all) co_return ContentProblem(all.error(), r);
    for (const auto& w : *all) {
      if (w.id == r.Param("ws")) co_return JsonResponse(http::Status::ok, WorkspaceJson(w), r.message.version());
    }
    co_return ProblemFromError(Error(ErrorCode::kNotFound, "no such workspace"), r.message.version());
  }

  asio::awaitable<Response> DeleteWorkspace(Request& r) {
    auto ws = Workspace(r);
    if (!ws) co_return ContentProblem(ws.error(), r);
    std::optional<std::string> password;
    if (!r.message.body().empty()) {
      auto doc = ParseJsonBody(r);
      if (!doc) co_return ProblemFromError(doc.error(), r.message.version());
      auto field = OptionalStringField(*doc, "current_password", 4096);
      if (!field) co_return ProblemFromError(field.error(), r.message.version());
      password = std::move(*field);
    }
    const accounts::Client client = ClientOf(r);
    const accounts::Principal who = Auth(r).principal;
    Status recent = co_await deps_.accounts.RequireRecentAuth(who, password, client,
                                                              "workspace.delete");
    if (!recent) co_return ProblemFromError(recent.error(), r.message.version());
    Status deleted = deps_.codex.DeleteWorkspace(*ws);
    audit::SecurityEvent event;
    event.type = "workspace.deleted";
    event.account_id = who.account.id;
    event.actor_id = who.account.id;
    event.ip = client.ip;
    event.user_agent = client.user_agent;
    event.outcome = deleted ? "success" : "failure";
    event.detail = nlohmann::json{{"workspace_id", ws->id}}.dump();
    (void)deps_.audit.Append(event);
    if (!deleted) co_return ContentProblem(deleted.error(), r);
    co_return Empty(http::Status::no_content, r.message.version());
  }

  asio::awaitable<Response> List(Request& r) {
    auto ws = Workspace(r);
    if (!ws) co_return ContentProblem(ws.error(), r);
    const std::string_view delimiter = QueryParam(r.query, "delimiter").value_or("");
    if (!delimiter.empty() && delimiter != "/" && delimiter != "%2F" && delimiter != "%2f") {
      co_return ProblemFromError(Error(ErrorCode::kInvalidArgument, "delimiter must be \"/\""),
                                 r.message.version());
    }
    const std::int64_t limit = QueryInt(r.query, "limit", kMaxListLimit);
    if (limit < 1 || limit > kMaxListLimit) {
      co_return ProblemFromError(Error(ErrorCode::kInvalidArgument, "limit must be 1 to 1000"),
                                 r.message.version());
    }
    auto listing = deps_.codex.List(*ws, QueryParam(r.query, "prefix").value_or(""),
                                    !delimiter.empty(), QueryParam(r.query, "cursor").value_or(""),
                                    static_cast<int>(limit));
    if (!listing) co_return ContentProblem(listing.error(), r);
    nlohmann::json objects = nlohmann::json::array();
    for (const ObjectInfo& o : listing->objects) objects.push_back(ObjectJson(o));
    nlohmann::json body = {{"objects", objects},
                           {"folders", listing->folders},
                           {"next_cursor", nullptr}};
    if (listing->next_cursor) body["next_cursor"] = *listing->next_cursor;
    co_return JsonResponse(http::Status::ok, body, r.message.version());
  }

  asio::awaitable<Response> Put(Request& r) {
    const unsigned v = r.message.version();
    auto ws = Workspace(r);
    if (!ws) co_return ContentProblem(ws.error(), r);
    auto path = content::ParseObjectPath(r.Param("path"));
    if (!path) co_return ProblemFromError(path.error(), v);
    std::string_view type = r.Header(bhttp::field::content_type);
    if (type.empty()) type = kDefaultContentType;
    if (!IsValidContentType(type)) {
      co_return ProblemFromError(Error(ErrorCode::kInvalidArgument, "invalid Content-Type"), v);
    }
    auto digest = ParseSha256Header(r.Header("Content-SHA256"));
    if (!digest) co_return ProblemFromError(digest.error(), v);
    auto condition = WriteCondition(r);
    if (!condition) co_return ProblemFromError(condition.error(), v);
    auto upload = deps_.codex.BeginUpload(*ws, *path, type, *condition, r.body->content_length());
    if (!upload) co_return ContentProblem(upload.error(), r);

    std::vector<std::uint8_t> buffer(kUploadChunkBytes);
    for (;;) {
      Result<std::size_t> n = co_await r.body->Read(buffer);
      if (!n) {
        if (n.error().code() == ErrorCode::kResourceExhausted) {
          co_return ContentProblem(
              Error(ErrorCode::kResourceExhausted, "the object is too large")
                  .WithProblemType("payload-too-large"),
              r);
        }
        co_return ProblemFromError(Error(ErrorCode::kInvalidArgument, n.error().message()), v);
      }
      if (*n == 0) break;
      Status written = (*upload)->Write(std::span(buffer.data(), *n));
      if (!written) co_return ContentProblem(written.error(), r);
    }
    auto info = (*upload)->Commit(*digest);
    if (!info) co_return ContentProblem(info.error(), r);
    Response res = JsonResponse(info->created ? http::Status::created : http::Status::ok,
                                ObjectJson(*info), v);
    res.set(bhttp::field::etag, content::EtagOf(info->sha256));
    co_return res;
  }

  asio::awaitable<Response> Get(Request& r) {
    const unsigned v = r.message.version();
    auto ws = Workspace(r);
    if (!ws) co_return ContentProblem(ws.error(), r);
    auto path = content::ParseObjectPath(r.Param("path"));
    if (!path) co_return ProblemFromError(path.error(), v);
    if (HasQueryFlag(r.query, "versions")) {
      auto versions = deps_.codex.Versions(*ws, *path);
      if (!versions) co_return ContentProblem(versions.error(), r);
      nlohmann::json list = nlohmann::json::array();
      for (const ObjectInfo& o : *versions) list.push_back(ObjectJson(o));
      co_return JsonResponse(http::Status::ok, {{"versions", list}}, v);
    }
    std::optional<std::uint64_t> version;
    if (auto text = QueryParam(r.query, "version")) {
      std::uint64_t n = 0;
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
      if (ec != std::errc() || end != text->data() + text->size() || n == 0) {
        co_return ProblemFromError(Error(ErrorCode::kInvalidArgument, "invalid version"), v);
      }
      version = n;
    }
    auto opened = deps_.codex.Open(*ws, *path, version);
    if (!opened) co_return ContentProblem(opened.error(), r);
    const ObjectInfo& info = opened->info;
    const std::string etag = content::EtagOf(info.sha256);

    auto with_headers = [&](Response res) {
      res.set(bhttp::field::etag, etag);
      res.set(bhttp::field::accept_ranges, "bytes");
      res.set(bhttp::field::last_modified, HttpDate(info.created_at));
      res.set("X-Object-Version", std::to_string(info.version));
      return res;
    };
    const std::string_view if_match = r.Header(bhttp::field::if_match);
    if (!if_match.empty() && !EtagListMatches(if_match, etag)) {
      co_return with_headers(ProblemFromError(
          Error(ErrorCode::kFailedPrecondition, "If-Match does not match"), v));
    }
    const std::string_view if_none = r.Header(bhttp::field::if_none_match);
    if (!if_none.empty() && EtagListMatches(if_none, etag)) {
      co_return with_headers(Empty(http::Status::not_modified, v));
    }
    http::RangeDecision range = http::WholeBody{};
    const std::string_view if_range = r.Header(bhttp::field::if_range);
    if (if_range.empty() || if_range == etag) {
      range = http::DecideRange(r.Header(bhttp::field::range), info.size);
    }
    if (std::holds_alternative<http::RangeNotSatisfiable>(range)) {
      Response res = with_headers(ProblemFromError(
          Error(ErrorCode::kOutOfRange, "the range is outside the object"), v));
      res.set(bhttp::field::content_range, "bytes */" + std::to_string(info.size));
      co_return res;
    }
    Response res(http::Status::ok, v);
    res.set(bhttp::field::content_type, info.content_type);
    // Stored content is the user's, not ours: never let a browser run it
    // in this origin.
    res.set(bhttp::field::content_disposition, "attachment");
    res.set("Content-Security-Policy", "sandbox; default-src 'none'");
    res = with_headers(std::move(res));
    std::uint64_t first = 0;
    std::uint64_t length = info.size;
    if (const auto* part = std::get_if<http::ByteRange>(&range)) {
      res.result(http::Status::partial_content);
      res.set(bhttp::field::content_range, "bytes " + std::to_string(part->first) + "-" +
                                               std::to_string(part->last) + "/" +
                                               std::to_string(info.size));
      first = part->first;
      length = part->last - part->first + 1;
    }
    res.content_length(length);
    if (length > 0) {
      r.response_body = std::make_unique<ObjectBody>(opened->source, first, first + length - 1,
                                                     deps_.decrypt_pool);
    }
    co_return res;
  }

  asio::awaitable<Response> Delete(Request& r) {
    auto ws = Workspace(r);
    if (!ws) co_return ContentProblem(ws.error(), r);
    auto path = content::ParseObjectPath(r.Param("path"));
    if (!path) co_return ProblemFromError(path.error(), r.message.version());
    auto condition = WriteCondition(r);
    if (!condition) co_return ProblemFromError(condition.error(), r.message.version());
    Status deleted = deps_.codex.Delete(*ws, *path, *condition);
    if (!deleted) co_return ContentProblem(deleted.error(), r);
    co_return Empty(http::Status::no_content, r.message.version());
  }

  asio::awaitable<Response> CopyOrMove(Request& r, bool move) {
    const unsigned v = r.message.version();
    auto ws = Workspace(r);
    if (!ws) co_return ContentProblem(ws.error(), r);
    auto doc = ParseJsonBody(r);
    if (!doc) co_return ProblemFromError(doc.error(), v);
    auto from_text = StringField(*doc, "from", content::kMaxPathBytes);
    if (!from_text) co_return ProblemFromError(from_text.error(), v);
    auto to_text = StringField(*doc, "to", content::kMaxPathBytes);
    if (!to_text) co_return ProblemFromError(to_text.error(), v);
    auto from = content::ParsePlainObjectPath(*from_text);
    if (!from) co_return ProblemFromError(from.error(), v);
    auto to = content::ParsePlainObjectPath(*to_text);
    if (!to) co_return ProblemFromError(to.error(), v);
    if (move) {
      Status moved = deps_.codex.Move(*ws, *from, *to);
      if (!moved) co_return ContentProblem(moved.error(), r);
      co_return Empty(http::Status::no_content, v);
    }
    auto condition = WriteCondition(r);
    if (!condition) co_return ProblemFromError(condition.error(), v);
    auto copied = deps_.codex.Copy(*ws, *from, *to, *condition);
    if (!copied) co_return ContentProblem(copied.error(), r);
    Response res = JsonResponse(copied->created ? http::Status::created : http::Status::ok,
                                ObjectJson(*copied), v);
    res.set(bhttp::field::etag, content::EtagOf(copied->sha256));
    co_return res;
  }

  ContentRoutesDeps deps_;
};

}  // namespace

Status RegisterContentRoutes(http::Router& router, const ContentRoutesDeps& deps) {
  return std::make_shared<Routes>(deps)->Register(router);
}

}  // namespace sr::api
