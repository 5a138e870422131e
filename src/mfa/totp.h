#pragma once
// Time-based one-time passwords: TOTP (RFC 6238) over HOTP (RFC 4226), with
// HMAC from OpenSSL (crypto/mac.h). Verification accepts the previous, the
// current and the next time step, compares in constant time and refuses any
// step at or before the last one accepted, so each code works only once.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "common/secret.h"

namespace sr::mfa {

enum class TotpAlgorithm { kSha1, kSha256, kSha512 };

// TotpAlgorithmName returns "SHA1", "SHA256" or "SHA512", the spelling of the
// otpauth:// `algorithm` parameter and of docs/formats/totp.md.
std::string_view TotpAlgorithmName(TotpAlgorithm algorithm);

// ParseTotpAlgorithm is the inverse of TotpAlgorithmName (exact spelling);
// anything else gives kInvalidArgument.
Result<TotpAlgorithm> ParseTotpAlgorithm(std::string_view name);

// TotpParams are the parameters shared by server and authenticator app. The
// defaults are what every app supports and what the Key Uri Format assumes
// when a parameter is absent.
struct TotpParams {
  TotpAlgorithm algorithm = TotpAlgorithm::kSha1;
  int digits = 6;
  std::chrono::seconds period{30};
};

inline constexpr int kMinTotpDigits = 6;  // RFC 4226 R4 requires at least 6
inline constexpr int kMaxTotpDigits = 8;  // 31 truncated bits hold 9; apps show 8
inline constexpr std::chrono::seconds kMinTotpPeriod{10};
inline constexpr std::chrono::seconds kMaxTotpPeriod{300};
// kMinTotpSecretBytes is RFC 4226 R6's floor of 128 bits; NewSecret makes
// longer ones.
inline constexpr std::size_t kMinTotpSecretBytes = 16;

// ValidateTotpParams returns kInvalidArgument unless digits is within
// [kMinTotpDigits, kMaxTotpDigits] and period within [kMinTotpPeriod,
// kMaxTotpPeriod].
Status ValidateTotpParams(const TotpParams& params);

// Totp generates and checks codes for one set of parameters. It holds no
// secret and no state: the caller stores the secret (encrypted) and the last
// accepted step. Immutable; all methods are thread-safe.
class Totp {
 public:
  // Totp uses the default parameters: SHA-1, 6 digits, 30 seconds.
  Totp() = default;

  // Create returns a Totp for `params`, or ValidateTotpParams' error.
  static Result<Totp> Create(const TotpParams& params);

  const TotpParams& params() const { return params_; }

  // SecretSize returns the length of the secrets NewSecret makes: the output
  // size of the HMAC hash (20, 32 or 64 bytes), as RFC 6238 section 5.1
  // recommends and its Appendix B seeds have.
  std::size_t SecretSize() const;

  // NewSecret returns SecretSize() bytes from the CSPRNG (crypto::RandomKey).
  SecretBytes NewSecret() const;

  // StepAt returns the RFC 6238 time step of `t`: floor(unix seconds /
  // period), counted from T0 = 1970-01-01T00:00:00Z. Times before T0 give 0.
  std::uint64_t StepAt(Clock::TimePoint t) const;

  // Code returns the HOTP value of `secret` for counter `step` (RFC 4226
  // section 5.3: dynamic truncation, modulo 10^digits), zero-padded to
  // params().digits characters. The code is as sensitive as the secret for
  // the length of its step. Any secret length is accepted (HMAC allows it);
  // Verify enforces kMinTotpSecretBytes.
  std::string Code(const SecretBytes& secret, std::uint64_t step) const;

  // Verify checks `code` against the steps StepAt(now) - 1, StepAt(now) and
  // StepAt(now) + 1 and returns the step it matched (the highest, in the
  // one-in-a-million case that two match). The caller must store that step
  // and pass it as `last_accepted_step` next time: steps <= it are refused,
  // so a code is accepted at most once and never an older one after a newer
  // (pass 0 before the first use; step 0 ended in 1970).
  //
  // All three codes are computed and compared in constant time whatever the
  // input, so the time taken does not depend on which step matched, whether
  // the code was replayed, or where a wrong code differs.
  //
  // Errors: kInvalidArgument if `code` is not exactly params().digits ASCII
  // digits (after the same work); kUnauthenticated "invalid or already used
  // code" for a wrong, expired or replayed code, one error for all three so
  // the answer does not confirm that an observed code was right;
  // kFailedPrecondition if `secret` is shorter than kMinTotpSecretBytes.
  // Callers must throttle failures as they do for passwords.
  Result<std::uint64_t> Verify(const SecretBytes& secret, std::string_view code,
                               Clock::TimePoint now, std::uint64_t last_accepted_step) const;

 private:
  explicit Totp(const TotpParams& params) : params_(params) {}

  TotpParams params_;
};

}  // namespace sr::mfa
