#include "mfa/totp.h"

#include <array>
#include <span>

#include "crypto/compare.h"
#include "crypto/mac.h"
#include "crypto/random.h"

namespace sr::mfa {
namespace {

constexpr std::array<std::uint32_t, kMaxTotpDigits + 1> kPow10 = {
    1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000};

// Truncate is RFC 4226 section 5.3's DT: the low 4 bits of the last byte
// pick an offset, and the 31 bits read big-endian from there are the value.
std::uint32_t Truncate(std::span<const std::uint8_t> mac) {
  std::size_t offset = mac.back() & 0x0f;
  return (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
         static_cast<std::uint32_t>(mac[offset + 3]);
}

std::uint32_t HotpValue(TotpAlgorithm algorithm, const SecretBytes& secret, std::uint64_t counter) {
  std::array<std::uint8_t, 8> message;
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter);
    counter >>= 8;
  }
  switch (algorithm) {
    case TotpAlgorithm::kSha256:
      return Truncate(crypto::HmacSha256(secret, message));
    case TotpAlgorithm::kSha512:
      return Truncate(crypto::HmacSha512(secret, message));
    case TotpAlgorithm::kSha1:
      break;
  }
  return Truncate(crypto::HmacSha1(secret, message));
}

// IsAllDigits reports whether every byte of `s` is '0'..'9', looking at all
// of them whatever it finds.
bool IsAllDigits(std::string_view s) {
  unsigned bad = 0;
  for (char c : s) bad |= static_cast<unsigned>(static_cast<unsigned char>(c) - '0') > 9u;
  return bad == 0;
}

}  // namespace

std::string_view TotpAlgorithmName(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::kSha256:
      return "SHA256";
    case TotpAlgorithm::kSha512:
      return "SHA512";
    case TotpAlgorithm::kSha1:
      break;
  }
  return "SHA1";
}

Result<TotpAlgorithm> ParseTotpAlgorithm(std::string_view name) {
  for (TotpAlgorithm a : {TotpAlgorithm::kSha1, TotpAlgorithm::kSha256, TotpAlgorithm::kSha512}) {
    if (name == TotpAlgorithmName(a)) return a;
  }
  return Fail(ErrorCode::kInvalidArgument, "unknown TOTP algorithm");
}

Status ValidateTotpParams(const TotpParams& params) {
  if (params.digits < kMinTotpDigits || params.digits > kMaxTotpDigits) {
    return Fail(ErrorCode::kInvalidArgument, "TOTP digits must be 6 to 8");
  }
  if (params.period < kMinTotpPeriod || params.period > kMaxTotpPeriod) {
    return Fail(ErrorCode::kInvalidArgument, "TOTP period must be 10 to 300 seconds");
  }
  return Ok();
}

Result<Totp> Totp::Create(const TotpParams& params) {
  SR_TRY(ValidateTotpParams(params));
  return Totp(params);
}

std::size_t Totp::SecretSize() const {
  switch (params_.algorithm) {
    case TotpAlgorithm::kSha256:
      return crypto::kSha256Size;
    case TotpAlgorithm::kSha512:
      return crypto::kHmacSha512Size;
    case TotpAlgorithm::kSha1:
      break;
  }
  return crypto::kHmacSha1Size;
}

SecretBytes Totp::NewSecret() const { return crypto::RandomKey(SecretSize()); }

std::uint64_t Totp::StepAt(Clock::TimePoint t) const {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  if (seconds < 0) return 0;
  return static_cast<std::uint64_t>(seconds) / static_cast<std::uint64_t>(params_.period.count());
}

std::string Totp::Code(const SecretBytes& secret, std::uint64_t step) const {
  auto digits = static_cast<std::size_t>(params_.digits);
  std::uint32_t value = HotpValue(params_.algorithm, secret, step) % kPow10[digits];
  std::string code(digits, '0');
  for (std::size_t i = digits; i > 0; --i) {
    code[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return code;
}

Result<std::uint64_t> Totp::Verify(const SecretBytes& secret, std::string_view code,
                                   Clock::TimePoint now, std::uint64_t last_accepted_step) const {
  if (secret.size() < kMinTotpSecretBytes) {
    return Fail(ErrorCode::kFailedPrecondition, "TOTP secret too short");
  }
  const auto digits = static_cast<std::size_t>(params_.digits);
  // A malformed code is compared as a string no code can equal, so it costs
  // what a wrong one costs. Its length is not secret: the sender chose it.
  const bool well_formed = code.size() == digits && IsAllDigits(code);
  const std::string impossible(digits, 'x');
  const std::string_view candidate = well_formed ? code : std::string_view(impossible);

  const std::uint64_t current = StepAt(now);
  std::uint64_t accepted = 0;
  unsigned any = 0;
  for (std::uint64_t step = current == 0 ? 0 : current - 1; step <= current + 1; ++step) {
    const unsigned match = crypto::ConstantTimeEqual(Code(secret, step), candidate) ? 1u : 0u;
    const unsigned fresh = step > last_accepted_step ? 1u : 0u;
    // Branch-free selection: step increases, so the last match is the highest.
    const std::uint64_t take = 0 - std::uint64_t{match & fresh};
    accepted = (accepted & ~take) | (step & take);
    any |= match & fresh;
  }
  if (!well_formed) {
    return Fail(ErrorCode::kInvalidArgument, "code must be " + std::to_string(digits) + " digits");
  }
  if (!any) return Fail(ErrorCode::kUnauthenticated, "invalid or already used code");
  return accepted;
}

}  // namespace sr::mfa
