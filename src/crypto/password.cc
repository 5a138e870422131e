#include "crypto/password.h"

#include <sodium.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "crypto/internal/password_internal.h"

namespace sr::crypto {
namespace {

constexpr std::string_view kPrefix = "$argon2id$v=19$";
using PhcBuffer = std::array<char, crypto_pwhash_STRBYTES>;

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) {
    std::fputs("strongroom: fatal: sodium_init failed\n", stderr);
    std::abort();
  }
}

Status CheckLibsodiumLimits(const Argon2Params& p) {
  if (p.parallelism != 1) return Fail(ErrorCode::kInvalidArgument, "Argon2 parallelism must be 1");
  if (p.iterations < crypto_pwhash_argon2id_opslimit_min() ||
      p.iterations > crypto_pwhash_argon2id_opslimit_max()) {
    return Fail(ErrorCode::kInvalidArgument, "Argon2 iterations out of range");
  }
  if (p.memory_kib < crypto_pwhash_argon2id_memlimit_min() / 1024 ||
      p.memory_kib > crypto_pwhash_argon2id_memlimit_max() / 1024) {
    return Fail(ErrorCode::kInvalidArgument, "Argon2 memory out of range");
  }
  return Ok();
}

Status CheckPasswordLength(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    return Fail(ErrorCode::kInvalidArgument, "password too long");
  return Ok();
}

// PasswordPtr gives libsodium a non-null pointer even for an empty password.
const char* PasswordPtr(std::string_view password) {
  return password.empty() ? "" : password.data();
}

// TakeNumber consumes "<key><decimal digits>" from the front of `s`.
std::optional<std::uint64_t> TakeNumber(std::string_view& s, std::string_view key) {
  if (!s.starts_with(key)) return std::nullopt;
  s.remove_prefix(key.size());
  std::uint64_t value = 0;
  std::size_t n = 0;
  for (; n < s.size() && s[n] >= '0' && s[n] <= '9'; ++n) {
    if (n >= 10) return std::nullopt;  // every field is a 32-bit number
    value = value * 10 + static_cast<std::uint64_t>(s[n] - '0');
  }
  if (n == 0 || value > UINT32_MAX) return std::nullopt;
  s.remove_prefix(n);
  return value;
}

bool IsUnpaddedBase64(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

bool TakeChar(std::string_view& s, char c) {
  if (!s.starts_with(c)) return false;
  s.remove_prefix(1);
  return true;
}

// ParsePhc returns the cost parameters of a well-formed argon2id v=19 PHC
// string, which it copies NUL-terminated into `buf` for libsodium, or nullopt.
// Well-formed means our grammar accepts it and libsodium's decoder does too.
std::optional<Argon2Params> ParsePhc(std::string_view phc, PhcBuffer& buf) {
  if (phc.size() >= buf.size() || !phc.starts_with(kPrefix)) return std::nullopt;
  std::string_view s = phc.substr(kPrefix.size());
  auto m = TakeNumber(s, "m=");
  if (!m || !TakeChar(s, ',')) return std::nullopt;
  auto t = TakeNumber(s, "t=");
  if (!t || !TakeChar(s, ',')) return std::nullopt;
  auto p = TakeNumber(s, "p=");
  if (!p || !TakeChar(s, '$')) return std::nullopt;
  std::size_t dollar = s.find('$');
  if (dollar == std::string_view::npos || !IsUnpaddedBase64(s.substr(0, dollar)) ||
      !IsUnpaddedBase64(s.substr(dollar + 1))) {
    return std::nullopt;
  }
  buf.fill('\0');
  phc.copy(buf.data(), phc.size());
  // libsodium checks lengths and ranges (salt >= 8 bytes, hash >= 16 bytes,
  // m >= 8 * p, t >= 1); -1 means its decoder rejects the string.
  EnsureSodium();
  if (crypto_pwhash_argon2id_str_needs_rehash(buf.data(), *t,
                                              static_cast<std::size_t>(*m) * 1024) == -1) {
    return std::nullopt;
  }
  return Argon2Params{
      .memory_kib = *m, .iterations = *t, .parallelism = static_cast<std::uint32_t>(*p)};
}

}  // namespace

namespace internal {

Result<std::string> HashPasswordWithoutPolicy(std::string_view password,
                                              const Argon2Params& params) {
  SR_TRY(CheckLibsodiumLimits(params));
  SR_TRY(CheckPasswordLength(password));
  EnsureSodium();
  PhcBuffer out{};
  if (crypto_pwhash_str_alg(out.data(), PasswordPtr(password), password.size(), params.iterations,
                            static_cast<std::size_t>(params.memory_kib) * 1024,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(ErrorCode::kResourceExhausted, "password hashing could not allocate its memory");
  }
  return std::string(out.data());
}

}  // namespace internal

Status ValidateArgon2Params(const Argon2Params& params) {
  if (params.memory_kib < kMinArgon2MemoryKib || params.iterations < kMinArgon2Iterations) {
    return Fail(ErrorCode::kInvalidArgument,
                "Argon2 parameters below the policy minimum (m=19456 KiB, t=2)");
  }
  return CheckLibsodiumLimits(params);
}

Result<std::string> HashPassword(std::string_view password, const Argon2Params& params) {
  SR_TRY(ValidateArgon2Params(params));
  return internal::HashPasswordWithoutPolicy(password, params);
}

Result<bool> VerifyPassword(std::string_view phc, std::string_view password) {
  SR_TRY(CheckPasswordLength(password));
  PhcBuffer buf;
  if (!ParsePhc(phc, buf)) return Fail(ErrorCode::kInvalidArgument, "malformed password hash");
  // libsodium returns -1 both for a mismatch (errno EINVAL) and for a failure
  // to run, such as no memory; only the first is an answer.
  errno = 0;
  if (crypto_pwhash_str_verify(buf.data(), PasswordPtr(password), password.size()) == 0)
    return true;
  if (errno == EINVAL) return false;
  return Fail(ErrorCode::kResourceExhausted, "password verification could not run");
}

bool NeedsRehash(std::string_view phc, const Argon2Params& params) {
  PhcBuffer buf;
  auto stored = ParsePhc(phc, buf);
  return !stored || stored->memory_kib != params.memory_kib ||
         stored->iterations != params.iterations || stored->parallelism != params.parallelism;
}

}  // namespace sr::crypto
