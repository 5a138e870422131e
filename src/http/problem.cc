#include "http/problem.h"

#include <nlohmann/json.hpp>

namespace sr::http {

Response MakeProblem(Status status, std::string_view slug, std::string_view title,
                     std::string_view detail, unsigned http_version) {
  nlohmann::json body = {
      {"type", std::string(kProblemTypeBase) + std::string(slug)},
      {"title", title},
      {"status", static_cast<unsigned>(status)},
  };
  if (!detail.empty()) body["detail"] = detail;
  Response res(status, http_version);
  res.set(bhttp::field::content_type, "application/problem+json");
  // Invalid UTF-8 from a client must not turn a 4xx into an exception.
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

}  // namespace sr::http
