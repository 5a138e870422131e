#pragma once
// Recovery codes: single-use secrets that stand in for the TOTP device when
// it is lost. Ten are made at a time and shown once; only their Argon2id
// hashes are kept (ASVS 5.0 6.5.2: lookup secrets under 112 bits of entropy
// are stored with an approved password hash and a random salt). Format,
// alphabet and costs: docs/formats/totp.md.
//
// A code is 16 characters of Crockford's base32 alphabet
// (0123456789ABCDEFGHJKMNPQRSTVWXYZ: no I, L, O or U), shown in four groups
// of four ("7K3M-Q9XD-2HPT-WB4C"): 16 x 5 = 80 bits from the CSPRNG, each
// character exactly uniform because 32 is a power of two.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "crypto/password.h"

namespace sr::mfa {

inline constexpr std::size_t kRecoveryCodeCount = 10;
inline constexpr std::size_t kRecoveryCodeChars = 16;  // without the dashes
// kMaxRecoveryCodeInputBytes bounds what NormalizeRecoveryCode reads, so
// stray input costs nothing; generous for separators and spaces.
inline constexpr std::size_t kMaxRecoveryCodeInputBytes = 64;

// kRecoveryCodeArgon2 is the cost for recovery-code hashes: the policy floor
// of crypto::ValidateArgon2Params (19 MiB, 2 passes), below the password
// default, since each code carries 80 random bits and no guessing attack
// benefits from a higher cost the way it does against human passwords.
inline constexpr crypto::Argon2Params kRecoveryCodeArgon2{
    .memory_kib = crypto::kMinArgon2MemoryKib, .iterations = crypto::kMinArgon2Iterations};

// RecoveryCodeSet is one freshly made set: `codes[i]` is shown to the user
// once (grouped with dashes) and `hashes[i]` (an Argon2id PHC string) is what
// is stored. The codes are secrets; the strings are not wiped.
struct RecoveryCodeSet {
  std::vector<std::string> codes;
  std::vector<std::string> hashes;
};

// GenerateRecoveryCodes makes kRecoveryCodeCount new codes and their hashes
// under `params`. Storing the new set must replace the old one entirely
// (regenerating invalidates the old codes). Costs kRecoveryCodeCount Argon2id
// hashes: run it where password hashing runs, off the io threads. Errors are
// crypto::HashPassword's (kInvalidArgument for params below the floor,
// kResourceExhausted). Thread-safe.
Result<RecoveryCodeSet> GenerateRecoveryCodes(
    const crypto::Argon2Params& params = kRecoveryCodeArgon2);

// NormalizeRecoveryCode returns the 16-character canonical form of what a
// user typed: spaces, tabs and '-' removed, letters upper-cased, and the
// look-alikes Crockford's alphabet folds mapped (I and L to 1, O to 0). It
// returns nullopt for input longer than kMaxRecoveryCodeInputBytes, or not
// exactly 16 alphabet characters after that.
std::optional<std::string> NormalizeRecoveryCode(std::string_view input);

// MatchRecoveryCode returns the index in `stored_hashes` of the hash that
// `input` matches, or nullopt. An empty string in `stored_hashes` marks a
// code already used: it never matches, but the input is still verified
// against a live hash in its place, so the time taken is that of one Argon2id
// verification per entry whichever entry matches and however many are used
// (the caller blanks entry i after a match rather than removing it).
// Malformed input (NormalizeRecoveryCode gives nullopt) returns nullopt at
// once: the format is public, so that timing tells nothing. With every entry
// used it also returns nullopt at once.
//
// Errors: kInvalidArgument for more than kRecoveryCodeCount entries;
// kDataLoss if any stored hash is not a valid Argon2id PHC string (after
// checking all entries; fail closed); kResourceExhausted if Argon2id cannot
// allocate. Callers must throttle failures as they do for passwords and run
// this off the io threads (up to kRecoveryCodeCount verifications).
Result<std::optional<std::size_t>> MatchRecoveryCode(std::string_view input,
                                                     std::span<const std::string> stored_hashes);

}  // namespace sr::mfa
