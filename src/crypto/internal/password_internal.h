#pragma once
// Private to sr_crypto: Argon2id hashing without the policy floor, so tests
// that only check behaviour can use libsodium's minimum cost (m = 8 KiB, t =
// 1) and run fast. Production code must call HashPassword.

#include <string>
#include <string_view>

#include "common/error.h"
#include "crypto/password.h"

namespace sr::crypto::internal {

// HashPasswordWithoutPolicy is HashPassword without the OWASP/ASVS floor:
// `params` need only be within libsodium's limits and have parallelism 1.
Result<std::string> HashPasswordWithoutPolicy(std::string_view password,
                                              const Argon2Params& params);

}  // namespace sr::crypto::internal
