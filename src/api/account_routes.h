#pragma once
// The account API of the accounts issue: sign-up, sessions, self-service,
// password reset and e-mail verification (see docs/openapi.yaml).

#include <cstddef>

#include "accounts/account_service.h"
#include "audit/audit_writer.h"
#include "common/error.h"
#include "http/router.h"

namespace sr::api {

struct AccountRoutesDeps {
  accounts::AccountService& service;
  audit::AuditReader& events;
  std::size_t json_body_limit = 64 * 1024;
};

// RegisterAccountRoutes adds the account routes; deps must outlive the router.
Status RegisterAccountRoutes(http::Router& router, const AccountRoutesDeps& deps);

}  // namespace sr::api
