#include "mfa/otpauth.h"

#include "mfa/base32.h"

namespace sr::mfa {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

Status CheckLabelPart(std::string_view value, std::size_t max_bytes, std::string_view what) {
  if (value.empty() || value.size() > max_bytes) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(what) + " must be 1 to " + std::to_string(max_bytes) + " bytes");
  }
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ':' || c < 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(what) + " must not contain ':' or control characters");
    }
  }
  return Ok();
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

Result<std::string> OtpauthUri(std::string_view issuer, std::string_view account,
                               const SecretBytes& secret, const TotpParams& params) {
  SR_TRY(CheckLabelPart(issuer, kMaxOtpauthIssuerBytes, "issuer"));
  SR_TRY(CheckLabelPart(account, kMaxOtpauthAccountBytes, "account name"));
  SR_TRY(ValidateTotpParams(params));
  if (secret.size() < kMinTotpSecretBytes) {
    return Fail(ErrorCode::kInvalidArgument, "TOTP secret too short");
  }
  const std::string encoded_issuer = PercentEncode(issuer);
  std::string uri = "otpauth://totp/";
  uri += encoded_issuer;
  uri += ':';
  uri += PercentEncode(account);
  uri += "?secret=";
  uri += Base32Encode(secret.Reveal());
  uri += "&issuer=";
  uri += encoded_issuer;
  uri += "&algorithm=";
  uri += TotpAlgorithmName(params.algorithm);
  uri += "&digits=";
  uri += std::to_string(params.digits);
  uri += "&period=";
  uri += std::to_string(params.period.count());
  return uri;
}

}  // namespace sr::mfa
