#pragma once
// The content API of the storage issue: workspaces and their object trees
// (see docs/openapi.yaml).

#include <cstddef>
#include <cstdint>

#include <utility>

#include <boost/asio/thread_pool.hpp>

#include "accounts/account_service.h"
#include "audit/audit_writer.h"
#include "common/error.h"
#include "content/codex.h"
#include "http/router.h"

namespace sr::api {

struct ContentRoutesDeps {
  accounts::AccountService& accounts;  // authentication of every route
  content::Codex& codex;
  audit::AuditWriter& audit;
  std::uint64_t max_object_bytes = std::uint64_t{1} << 40;
  std::size_t json_body_limit = 64 * 1024;
  // decrypt_pool, when set, decrypts downloads off the io threads, so that
  // decryption of the next chunk overlaps TLS sending of this one.
  boost::asio::thread_pool* decrypt_pool = nullptr;
};

// RegisterContentRoutes adds the routes; deps must outlive the router.
Status RegisterContentRoutes(http::Router& router, const ContentRoutesDeps& deps);

}  // namespace sr::api
