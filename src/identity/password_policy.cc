#include "identity/password_policy.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <zxcvbn.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "crypto/password.h"
#include "identity/internal/breached_file.h"
#include "identity/internal/common_passwords.h"
#include "identity/internal/sha1.h"
#include "identity/internal/utf8.h"

namespace sr::identity {
namespace {

constexpr std::size_t kMinMinLength = 8;       // NIST SP 800-63B floor
constexpr std::size_t kMinMaxLength = 64;      // NIST SP 800-63B: at least 64
constexpr std::size_t kMinLocalPartCheck = 3;  // shorter local parts match too much
constexpr std::size_t kMinCommonStem = 4;      // see IsCommon
static_assert(4 * kMaxPasswordCodePoints <= crypto::kMaxPasswordBytes);

// ScrubbedString is a copy of password material wiped when it goes.
class ScrubbedString {
 public:
  explicit ScrubbedString(std::string_view s) : s_(s) {}
  ~ScrubbedString() { OPENSSL_cleanse(s_.data(), s_.size()); }
  ScrubbedString(const ScrubbedString&) = delete;
  ScrubbedString& operator=(const ScrubbedString&) = delete;
  std::string& get() { return s_; }

 private:
  std::string s_;
};

void LowerAscii(std::string& s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

bool IsAsciiDigitOrPunct(char c) {
  return (c >= '0' && c <= '9') || (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
         (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

// IsCommon: `lowered` is on the list, or is a listed word of at least
// kMinCommonStem characters followed by ASCII digits and punctuation
// ("password123456", "iloveyou2024!"). The stem floor keeps "a" or "me"
// plus random digits from counting as common; zxcvbn judges those.
bool IsCommon(std::string_view lowered) {
  if (internal::IsCommonPassword(lowered)) return true;
  std::string_view stem = lowered;
  while (!stem.empty() && IsAsciiDigitOrPunct(stem.back())) stem.remove_suffix(1);
  return stem.size() < lowered.size() && stem.size() >= kMinCommonStem &&
         internal::IsCommonPassword(stem);
}

// ZxcvbnScore maps libzxcvbn's entropy (bits; guesses = 2^entropy) to the
// 0..4 score of zxcvbn's guesses_to_score.
int ZxcvbnScore(double entropy_bits) {
  if (entropy_bits < std::log2(1e3)) return 0;
  if (entropy_bits < std::log2(1e6)) return 1;
  if (entropy_bits < std::log2(1e8)) return 2;
  if (entropy_bits < std::log2(1e10)) return 3;
  return 4;
}

// ZxcvbnText rewrites valid UTF-8 for libzxcvbn, which judges single bytes
// (its README: "character sets which use single byte characters primarily
// in the code range 0x20 to 0x7E"). ASCII other than NUL stays; every other
// code point becomes one byte from 0x80 up, the same code point always the
// same byte (numbered in order of first appearance; after 128 distinct ones
// bytes are shared, which can only lower the estimate). Otherwise twelve
// copies of one emoji would count as 48 bytes of unknown symbols (about 30
// bits) instead of one symbol repeated, and a NUL would end the string.
// Bytes >= 0x80 are never letters or digits to libzxcvbn, so the numbering
// creates no false sequences.
class ZxcvbnText {
 public:
  // Map appends the rewritten `utf8` (valid UTF-8) to `out`.
  void Map(std::string_view utf8, std::string& out) {
    out.reserve(out.size() + utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
      const auto lead = static_cast<unsigned char>(utf8[i]);
      const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      const std::string_view symbol = utf8.substr(i, len);
      i += len;
      if (lead != 0 && lead < 0x80) {
        out.push_back(static_cast<char>(lead));
        continue;
      }
      auto it = std::ranges::find(symbols_, symbol);
      const std::size_t index =
          it != symbols_.end() ? static_cast<std::size_t>(it - symbols_.begin()) : symbols_.size();
      if (it == symbols_.end()) symbols_.push_back(symbol);
      out.push_back(static_cast<char>(0x80 + index % 128));
    }
  }

 private:
  std::vector<std::string_view> symbols_;  // views into the mapped inputs
};

Status Reject(std::string message) { return Fail(ErrorCode::kInvalidArgument, std::move(message)); }

}  // namespace

Result<std::unique_ptr<PasswordPolicy>> PasswordPolicy::Create(PasswordPolicyOptions options) {
  if (options.min_length < kMinMinLength) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("password min_length must be at least {}", kMinMinLength));
  }
  if (options.max_length < kMinMaxLength || options.max_length > kMaxPasswordCodePoints) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("password max_length must be between {} and {}", kMinMaxLength,
                            kMaxPasswordCodePoints));
  }
  if (options.min_length > options.max_length) {
    return Fail(ErrorCode::kInvalidArgument, "password min_length must not exceed max_length");
  }
  if (options.min_zxcvbn_score < 0 || options.min_zxcvbn_score > 4) {
    return Fail(ErrorCode::kInvalidArgument, "password min_zxcvbn_score must be 0 to 4");
  }
  std::unique_ptr<internal::BreachedFile> breached;
  if (options.breached_file) {
    SR_ASSIGN_OR_RETURN(breached, internal::BreachedFile::Open(*options.breached_file));
  }
  return std::unique_ptr<PasswordPolicy>(
      new PasswordPolicy(std::move(options), std::move(breached)));
}

PasswordPolicy::PasswordPolicy(PasswordPolicyOptions options,
                               std::unique_ptr<internal::BreachedFile> breached)
    : options_(std::move(options)), breached_(std::move(breached)) {}

PasswordPolicy::~PasswordPolicy() = default;

Status PasswordPolicy::Check(std::string_view password, std::string_view email_local_part) const {
  const std::optional<std::size_t> length = internal::CountCodePoints(password);
  if (!length) return Reject("password must be valid UTF-8");
  if (*length < options_.min_length) {
    return Reject(fmt::format("password must be at least {} characters", options_.min_length));
  }
  if (*length > options_.max_length) {
    return Reject(fmt::format("password must be at most {} characters", options_.max_length));
  }

  ScrubbedString lowered(password);
  LowerAscii(lowered.get());
  if (IsCommon(lowered.get())) return Reject("password is too common");

  std::string local(email_local_part);
  LowerAscii(local);
  const std::size_t local_length = internal::CountCodePoints(local).value_or(local.size());
  if (local_length >= kMinLocalPartCheck && lowered.get().find(local) != std::string::npos) {
    return Reject("password must not contain your e-mail name");
  }

  if (options_.min_zxcvbn_score > 0) {
    // libzxcvbn keeps no mutable global state (its dictionary is compiled in
    // as constant data; ZxcvbnInit is a no-op macro in this build) and
    // allocates per call, so concurrent calls need no lock.
    ZxcvbnText text;
    ScrubbedString mapped("");
    text.Map(password, mapped.get());
    std::string mapped_local;
    if (internal::CountCodePoints(local)) text.Map(local, mapped_local);
    const char* user_dict[] = {mapped_local.c_str(), nullptr};
    const double entropy =
        ZxcvbnMatch(mapped.get().c_str(), mapped_local.empty() ? nullptr : user_dict, nullptr);
    if (ZxcvbnScore(entropy) < options_.min_zxcvbn_score) {
      return Reject("password is too easy to guess");
    }
  }

  if (breached_ != nullptr) {
    internal::Sha1Digest digest = internal::Sha1(password);
    Result<bool> found = breached_->Contains(digest);
    OPENSSL_cleanse(digest.data(), digest.size());
    if (!found) return std::unexpected(found.error());
    if (*found) return Reject("password has appeared in a data breach; choose another");
  }
  return Ok();
}

}  // namespace sr::identity
