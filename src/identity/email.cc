#include "identity/email.h"

#include <string_view>

#include "identity/internal/utf8.h"

namespace sr::identity {
namespace {

constexpr std::size_t kMaxAddress = 254;  // RFC 5321 path limit minus "<>"
constexpr std::size_t kMaxLocal = 64;     // RFC 5321 4.5.3.1.1
constexpr std::size_t kMaxLabel = 63;     // RFC 1035

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// IsAtext: RFC 5322 atext, the characters of an unquoted local part.
bool IsAtext(char c) {
  return IsAsciiAlnum(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

Result<std::string> Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

Status CheckLocalPart(std::string_view local) {
  if (local.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "e-mail address needs a local part before '@'");
  }
  if (local.size() > kMaxLocal) {
    return Fail(ErrorCode::kInvalidArgument, "e-mail local part is longer than 64 bytes");
  }
  if (!internal::CountCodePoints(local)) {
    return Fail(ErrorCode::kInvalidArgument, "e-mail address must be valid UTF-8");
  }
  // Dot-atom: atext (or, after RFC 6531, non-ASCII UTF-8) separated by
  // single dots. Quoted local parts are not accepted.
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                "e-mail local part must not start or end with '.' or contain '..'");
  }
  for (char c : local) {
    if (c == '.' || IsAtext(c) || static_cast<unsigned char>(c) >= 0x80) continue;
    return Fail(ErrorCode::kInvalidArgument,
                "e-mail local part may contain only letters, digits, '.', non-ASCII "
                "characters and !#$%&'*+-/=?^_`{|}~");
  }
  return Ok();
}

Status CheckDomain(std::string_view domain) {
  if (domain.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "e-mail address needs a domain after '@'");
  }
  for (char c : domain) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return Fail(ErrorCode::kInvalidArgument,
                  "e-mail domain must be ASCII; write an internationalised domain in "
                  "punycode (xn--...)");
    }
  }
  if (domain.find('.') == std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, "e-mail domain must contain a '.'");
  }
  std::string_view last;
  for (std::size_t start = 0;;) {
    const std::size_t dot = domain.find('.', start);
    last = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (last.empty() || last.size() > kMaxLabel) {
      return Fail(ErrorCode::kInvalidArgument,
                  "e-mail domain labels must be 1 to 63 characters (no empty label or "
                  "trailing dot)");
    }
    if (last.front() == '-' || last.back() == '-') {
      return Fail(ErrorCode::kInvalidArgument,
                  "e-mail domain labels must not start or end with '-'");
    }
    for (char c : last) {
      if (!IsAsciiAlnum(c) && c != '-') {
        return Fail(ErrorCode::kInvalidArgument,
                    "e-mail domain may contain only letters, digits, '-' and '.'");
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // An all-numeric top-level label would make the domain an IPv4 address;
  // address literals are not accepted.
  bool numeric = true;
  for (char c : last) numeric = numeric && c >= '0' && c <= '9';
  if (numeric) {
    return Fail(ErrorCode::kInvalidArgument, "e-mail domain must be a name, not an address");
  }
  return Ok();
}

}  // namespace

Result<std::string> NormalizeEmail(std::string_view email) {
  while (!email.empty() && IsSpace(email.front())) email.remove_prefix(1);
  while (!email.empty() && IsSpace(email.back())) email.remove_suffix(1);
  if (email.empty()) return Invalid("e-mail address is empty");
  if (email.size() > kMaxAddress) return Invalid("e-mail address is longer than 254 bytes");
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos) return Invalid("e-mail address needs an '@'");
  if (email.find('@', at + 1) != std::string_view::npos) {
    return Invalid("e-mail address must contain exactly one '@'");
  }
  SR_TRY(CheckLocalPart(email.substr(0, at)));
  SR_TRY(CheckDomain(email.substr(at + 1)));
  std::string out(email);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

std::string_view EmailLocalPart(std::string_view normalized_email) {
  const std::size_t at = normalized_email.find('@');
  if (at == std::string_view::npos) return {};
  return normalized_email.substr(0, at);
}

}  // namespace sr::identity
