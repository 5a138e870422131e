#include "mfa/recovery_codes.h"

#include <openssl/crypto.h>

#include <array>
#include <cstdint>

#include "crypto/random.h"

namespace sr::mfa {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static_assert(kAlphabet.size() == 32);
constexpr std::size_t kGroup = 4;

// Generate one canonical code from 10 CSPRNG bytes (80 bits, 5 per char).
std::string NewCanonicalCode() {
  SecretBytes random = crypto::RandomKey(kRecoveryCodeChars * 5 / 8);
  std::string code;
  code.reserve(kRecoveryCodeChars);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : random.Reveal()) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      code.push_back(kAlphabet[(buffer >> bits) & 31u]);
    }
    buffer &= (1u << bits) - 1;
  }
  OPENSSL_cleanse(&buffer, sizeof buffer);
  return code;
}

std::string Grouped(std::string_view canonical) {
  std::string out;
  for (std::size_t i = 0; i < canonical.size(); i += kGroup) {
    if (i != 0) out.push_back('-');
    out.append(canonical.substr(i, kGroup));
  }
  return out;
}

}  // namespace

std::optional<std::string> NormalizeRecoveryCode(std::string_view input) {
  if (input.size() > kMaxRecoveryCodeInputBytes) return std::nullopt;
  std::string out;
  out.reserve(kRecoveryCodeChars);
  for (char c : input) {
    if (c == ' ' || c == '\t' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (kAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
  }
  if (out.size() != kRecoveryCodeChars) return std::nullopt;
  return out;
}

Result<RecoveryCodeSet> GenerateRecoveryCodes(const crypto::Argon2Params& params) {
  SR_TRY(crypto::ValidateArgon2Params(params));
  RecoveryCodeSet set;
  set.codes.reserve(kRecoveryCodeCount);
  set.hashes.reserve(kRecoveryCodeCount);
  for (std::size_t i = 0; i < kRecoveryCodeCount; ++i) {
    std::string canonical = NewCanonicalCode();
    SR_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(canonical, params));
    set.codes.push_back(Grouped(canonical));
    set.hashes.push_back(std::move(hash));
    OPENSSL_cleanse(canonical.data(), canonical.size());
  }
  return set;
}

Result<std::optional<std::size_t>> MatchRecoveryCode(std::string_view input,
                                                     std::span<const std::string> stored_hashes) {
  if (stored_hashes.size() > kRecoveryCodeCount) {
    return Fail(ErrorCode::kInvalidArgument, "too many recovery-code hashes");
  }
  std::optional<std::string> canonical = NormalizeRecoveryCode(input);
  if (!canonical) return std::nullopt;
  // A used entry is verified against the first live hash instead, so every
  // entry costs one verification.
  const std::string* decoy = nullptr;
  for (const std::string& h : stored_hashes) {
    if (!h.empty()) {
      decoy = &h;
      break;
    }
  }
  std::optional<std::size_t> found;
  std::optional<Error> error;
  if (decoy != nullptr) {
    for (std::size_t i = 0; i < stored_hashes.size(); ++i) {
      const bool used = stored_hashes[i].empty();
      Result<bool> match = crypto::VerifyPassword(used ? *decoy : stored_hashes[i], *canonical);
      if (!match) {
        if (!error) error = match.error();
        continue;
      }
      if (*match && !used && !found) found = i;
    }
  }
  OPENSSL_cleanse(canonical->data(), canonical->size());
  if (error) {
    if (error->code() == ErrorCode::kInvalidArgument) {
      return Fail(ErrorCode::kDataLoss, "a stored recovery-code hash is malformed");
    }
    return std::unexpected(*error);
  }
  return found;
}

}  // namespace sr::mfa
