#pragma once
// System routes: liveness, readiness, metrics, and the optional echo route
// used to check a deployment's request path (body limits through proxies).

#include <cstddef>
#include <functional>

#include "common/error.h"
#include "http/metrics.h"
#include "http/router.h"
#include "store/metadata_store.h"

namespace sr::api {

struct SystemRoutesDeps {
  store::MetadataStore& store;
  http::Metrics& metrics;
  std::function<bool()> draining;  // readiness turns false while draining
  bool echo_enabled = false;
  std::size_t json_body_limit = 1 << 20;
};

// RegisterSystemRoutes adds GET /healthz, GET /readyz, GET /metrics and, when
// enabled, POST /v1/echo. The deps must outlive the router.
Status RegisterSystemRoutes(http::Router& router, const SystemRoutesDeps& deps);

}  // namespace sr::api
