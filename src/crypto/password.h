#pragma once
// Password hashing with Argon2id (RFC 9106) through libsodium, stored as PHC
// strings: $argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>, with a fresh
// 16-byte random salt and a 32-byte hash. All functions are thread-safe; each
// hash or verify uses memory_kib of RAM and CPU time in proportion to
// memory_kib * iterations, so callers must bound how many run at once.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace sr::crypto {

// Argon2Params are the Argon2id cost parameters. libsodium computes with one
// lane only, so parallelism must be 1.
struct Argon2Params {
  std::uint64_t memory_kib = 65536;
  std::uint64_t iterations = 2;
  std::uint32_t parallelism = 1;
};

// The policy floor: OWASP's Password Storage Cheat Sheet and ASVS 4.0 (2.4.1)
// minimum for Argon2id, m = 19 MiB with t = 2.
inline constexpr std::uint64_t kMinArgon2MemoryKib = 19456;
inline constexpr std::uint64_t kMinArgon2Iterations = 2;

// kMaxPasswordBytes bounds the password length accepted by HashPassword and
// VerifyPassword, so that no caller can make hashing arbitrarily long.
inline constexpr std::size_t kMaxPasswordBytes = 4096;

// ValidateArgon2Params returns kInvalidArgument unless `params` meet the
// policy floor (memory_kib >= kMinArgon2MemoryKib, iterations >=
// kMinArgon2Iterations), have parallelism 1 and are within libsodium's limits.
Status ValidateArgon2Params(const Argon2Params& params);

// HashPassword returns the PHC string of `password` under `params` with a new
// random salt. It fails with kInvalidArgument if `params` fail
// ValidateArgon2Params or the password exceeds kMaxPasswordBytes, and with
// kResourceExhausted if the memory cannot be allocated.
Result<std::string> HashPassword(std::string_view password, const Argon2Params& params);

// VerifyPassword returns whether `password` matches the Argon2id PHC string
// `phc`, comparing in constant time. A `phc` that is not a well-formed
// argon2id v=19 string gives kInvalidArgument, as does an over-long password.
Result<bool> VerifyPassword(std::string_view phc, std::string_view password);

// NeedsRehash returns false only if `phc` is a well-formed argon2id v=19
// string made with exactly `params` (m, t and p); otherwise the stored hash
// should be replaced by HashPassword's the next time the password is known.
bool NeedsRehash(std::string_view phc, const Argon2Params& params);

}  // namespace sr::crypto
