#pragma once
// OneTimeTokenRepository stores single-use tokens (password reset, e-mail
// verification). Only the token's SHA-256 is stored. Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "store/session_repository.h"

namespace sr::store {

struct OneTimeToken {
  TokenHash token_hash{};
  std::string purpose;     // "password_reset", "email_verification", ...
  std::string account_id;
  std::string email;       // the address it was sent to (encrypted at rest)
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

class OneTimeTokenRepository {
 public:
  virtual ~OneTimeTokenRepository() = default;
  // IssueToken atomically invalidates every unused token of the same account
  // and purpose and stores `token`: only the newest link works.
  virtual Status IssueToken(const OneTimeToken& token) = 0;
  // ConsumeToken atomically marks the token used and returns it, if it
  // exists with this purpose, is unused and expires after `now`; otherwise
  // kNotFound (one answer for unknown, used and expired tokens).
  virtual Result<OneTimeToken> ConsumeToken(const TokenHash& hash, std::string_view purpose,
                                            std::int64_t now) = 0;
  // FindToken returns the token ConsumeToken would consume, without
  // consuming it (to check a request before spending the link).
  virtual Result<OneTimeToken> FindToken(const TokenHash& hash, std::string_view purpose,
                                         std::int64_t now) = 0;
  // InvalidateTokens voids every unused token of the account and purpose
  // (e.g. on a password change). Having none to void is not an error.
  virtual Status InvalidateTokens(std::string_view account_id, std::string_view purpose) = 0;
};

}  // namespace sr::store
