#pragma once
// PasswordPolicy applies NIST SP 800-63B: length only (minimum 12 by
// default, maximum >= 256 characters), any Unicode, no composition rules;
// refuses common passwords (a list taken at build time from Debian's
// john-data password.lst), passwords the zxcvbn estimator scores below a
// minimum, passwords containing the e-mail's local part, and, when a file is
// configured, passwords found in a local breached-password file in HIBP's
// SHA-1 "HASH:count" format (sorted by hash; searched by binary search on
// the file, never loaded into memory). Thread-safe.
//
// Check applies, in this order (cheap rules first; the first failure wins):
//  1. valid UTF-8              "password must be valid UTF-8"
//  2. length in code points    "password must be at least N characters" /
//                              "password must be at most N characters"
//  3. common-password list     "password is too common": the password,
//     lower-cased (ASCII), is on the list exactly, or is once its trailing
//     ASCII digits and punctuation are removed, if at least 4 characters
//     remain ("Password123!" -> "password"; "a1234567890!" is not judged
//     by "a", which zxcvbn can weigh).
//  4. e-mail local part        "password must not contain your e-mail name":
//     the local part, when at least 3 code points long, occurs in the
//     password, compared with ASCII case folded.
//  5. zxcvbn score             "password is too easy to guess": the score is
//     zxcvbn's guesses_to_score of 2^entropy from libzxcvbn (with the local
//     part as a user-dictionary word): < 10^3 guesses 0, < 10^6 1, < 10^8 2,
//     < 10^10 3, else 4. libzxcvbn judges single bytes, so each non-ASCII
//     code point (and NUL) is given to it as one byte, the same byte for the
//     same code point: "x" * 12 for an emoji x is one symbol repeated, not 48
//     bytes of unknown symbols. It reads the first 100 bytes in full detail.
//  6. breached-password file   "password has appeared in a data breach;
//     choose another"
// Messages never contain the password.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "common/error.h"

namespace sr::identity {

namespace internal {
class BreachedFile;
}

struct PasswordPolicyOptions {
  std::size_t min_length = 12;                         // in Unicode code points; never below 8
  std::size_t max_length = 256;                        // in code points; 64..1024
  int min_zxcvbn_score = 3;                            // 0..4; 0 disables the estimator
  std::optional<std::filesystem::path> breached_file;  // HIBP SHA-1 file
};

// kMaxPasswordCodePoints is the largest max_length Create accepts: 1024 code
// points take at most 4096 bytes, crypto::kMaxPasswordBytes, so any password
// the policy accepts can be hashed.
inline constexpr std::size_t kMaxPasswordCodePoints = 1024;

class PasswordPolicy {
 public:
  // Create checks `options` and opens the breached-password file, if one is
  // configured. kInvalidArgument if min_length < 8, max_length < 64 or >
  // kMaxPasswordCodePoints, min_length > max_length, or min_zxcvbn_score is
  // outside 0..4; the errors of internal::BreachedFile::Open (kUnavailable if
  // the file cannot be read, kInvalidArgument if it is empty or not in the
  // HIBP SHA-1 format) otherwise. The file stays open for the policy's life.
  static Result<std::unique_ptr<PasswordPolicy>> Create(PasswordPolicyOptions options);

  ~PasswordPolicy();
  PasswordPolicy(const PasswordPolicy&) = delete;
  PasswordPolicy& operator=(const PasswordPolicy&) = delete;

  // Check returns kInvalidArgument with a message safe to show the user
  // (it never repeats the password) when `password` is not acceptable; see
  // the rules above. `email_local_part` may be empty. A failure to read the
  // breached-password file is kUnavailable or kDataLoss (fail closed).
  Status Check(std::string_view password, std::string_view email_local_part) const;

 private:
  PasswordPolicy(PasswordPolicyOptions options, std::unique_ptr<internal::BreachedFile> breached);

  PasswordPolicyOptions options_;
  std::unique_ptr<internal::BreachedFile> breached_;  // null when not configured
};

}  // namespace sr::identity
