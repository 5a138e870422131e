#pragma once
// otpauth:// URIs in the Key Uri Format that authenticator apps read from a
// QR code (Google Authenticator wiki, "Key Uri Format"):
//
//   otpauth://totp/<issuer>:<account>?secret=<base32, unpadded>
//       &issuer=<issuer>&algorithm=SHA1&digits=6&period=30
//
// The label's issuer and account and the issuer parameter are
// percent-encoded (RFC 3986; every byte but A-Z a-z 0-9 - . _ ~, so a space
// is %20, never '+'). All parameters are always written, so an app that
// ignores one still agrees with the server when the defaults are in use.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/secret.h"
#include "mfa/totp.h"

namespace sr::mfa {

inline constexpr std::size_t kMaxOtpauthIssuerBytes = 100;
inline constexpr std::size_t kMaxOtpauthAccountBytes = 254;  // an e-mail address

// OtpauthUri returns the URI that enrols `secret` with `params` under the
// label "<issuer>:<account>". The URI contains the secret in base32: treat it
// like the secret (show it once, never log it; the string is not wiped).
// Errors (kInvalidArgument): an empty or over-long issuer or account, either
// containing ':' (the label separator, forbidden by the format) or an ASCII
// control character, params failing ValidateTotpParams, or a secret shorter
// than kMinTotpSecretBytes. `issuer` and `account` should be UTF-8; their
// bytes are percent-encoded as they are. Thread-safe.
Result<std::string> OtpauthUri(std::string_view issuer, std::string_view account,
                               const SecretBytes& secret, const TotpParams& params);

// PercentEncode returns `text` with every byte outside RFC 3986's
// unreserved set (A-Z a-z 0-9 - . _ ~) written as %XX in upper-case hex.
std::string PercentEncode(std::string_view text);

}  // namespace sr::mfa
