#pragma once
// AccountRepository stores accounts. Implementations encrypt personal data
// (e-mail, display name) with crypto::FieldCipher and look e-mails up through
// its keyed blind index: no e-mail or name is ever stored in clear.
// Times are Unix seconds. Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace sr::store {

struct Account {
  std::string id;            // random, e.g. "acc_" + 22 base62 characters
  std::string email;         // normalised (see identity/email.h)
  std::string display_name;
  std::string password_hash;  // PHC string (Argon2id)
  std::optional<std::int64_t> email_verified_at;
  bool reset_required = false;  // set by brute-force lockout; cleared by a reset
  std::optional<std::int64_t> deletion_requested_at;
  std::int64_t created_at = 0;
  std::int64_t password_changed_at = 0;
};

class AccountRepository {
 public:
  virtual ~AccountRepository() = default;
  // Create inserts `account`; kAlreadyExists when the e-mail is taken.
  virtual Status CreateAccount(const Account& account) = 0;
  // FindAccountByEmail: kNotFound when no account has this normalised e-mail.
  // The store compares exactly what it is given: normalise before calling.
  virtual Result<Account> FindAccountByEmail(std::string_view email) = 0;
  virtual Result<Account> FindAccountById(std::string_view id) = 0;
  // The updates below are kNotFound when no account has `id`.
  virtual Status UpdatePasswordHash(std::string_view id, std::string_view password_hash,
                                    std::int64_t changed_at) = 0;
  // UpdateEmail sets a new e-mail and clears email_verified_at;
  // kAlreadyExists when another account has it.
  virtual Status UpdateEmail(std::string_view id, std::string_view email) = 0;
  virtual Status SetEmailVerified(std::string_view id, std::int64_t at) = 0;
  virtual Status SetResetRequired(std::string_view id, bool required) = 0;
  virtual Status MarkDeletionRequested(std::string_view id, std::int64_t at) = 0;
};

}  // namespace sr::store
