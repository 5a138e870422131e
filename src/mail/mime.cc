#include "mail/mime.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "common/hex.h"
#include "crypto/random.h"

namespace sr::mail {
namespace {

constexpr std::size_t kMaxQpLine = 76;         // RFC 2045 6.7 (5)
constexpr std::size_t kMaxLocalPartSize = 64;  // RFC 5321 4.5.3.1.1
constexpr std::size_t kMaxLabelSize = 63;
// Raw bytes per encoded-word: 39 bytes are 52 base64 characters, so a word
// is 64 characters and "Subject: " plus one word stays within 78.
constexpr std::size_t kEncodedWordBytes = 39;

constexpr char kHexDigits[] = "0123456789ABCDEF";

std::unexpected<Error> Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool HasControl(std::string_view text) {
  for (unsigned char c : text) {
    if (IsControl(c)) return true;
  }
  return false;
}

bool IsPrintableAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// ValidDotAtom checks a dot-atom: atext runs separated by single dots.
bool ValidDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.' ? prev == '.' : !IsAtext(c)) return false;
    prev = c;
  }
  return true;
}

bool ValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > kMaxLabelSize) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

Status ValidateAddress(std::string_view address) {
  if (address.size() > kMaxAddressSize) return Invalid("e-mail address is too long");
  const std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return Invalid("e-mail address has no '@'");
  const std::string_view local = address.substr(0, at);
  if (local.size() > kMaxLocalPartSize || !ValidDotAtom(local)) {
    return Invalid("e-mail address has an unsupported local part");
  }
  if (!ValidDomain(address.substr(at + 1))) return Invalid("e-mail address has a bad domain");
  return Ok();
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Utf8SequenceLength returns the length of the UTF-8 sequence that starts
// with lead byte `c` (1 for a byte that is not a lead byte).
std::size_t Utf8SequenceLength(unsigned char c) {
  if (c >= 0xf0) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

// EncodePhrase renders a display name as an atom sequence, a quoted string,
// or encoded-words, whichever is the simplest that is exact.
std::string EncodePhrase(std::string_view name) {
  if (!IsPrintableAscii(name) || name.find("=?") != std::string_view::npos) {
    return EncodeHeaderText(name, 0);
  }
  bool plain = true;
  for (char c : name) plain = plain && (c == ' ' || IsAtext(c));
  if (plain) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string FormatMailbox(const Mailbox& mailbox) {
  if (mailbox.display_name.empty()) return mailbox.address;
  return EncodePhrase(mailbox.display_name) + " <" + mailbox.address + ">";
}

std::string RandomHex(std::size_t bytes) { return HexEncode(crypto::RandomBytes(bytes)); }

Status ValidateBody(std::string_view body, std::string_view name) {
  if (body.size() > kMaxBodySize) {
    return Invalid(fmt::format("{} body exceeds {} bytes", name, kMaxBodySize));
  }
  if (!IsValidUtf8(body)) return Invalid(fmt::format("{} body is not valid UTF-8", name));
  return Ok();
}

void AppendPart(std::string& out, std::string_view subtype, std::string_view body) {
  out += fmt::format(
      "Content-Type: text/{}; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
      subtype);
  out += EncodeQuotedPrintable(body);
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;  // continuation byte, overlong 2-byte lead, or beyond U+10FFFF
    }
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

Result<Mailbox> ParseMailbox(std::string_view text) {
  if (HasControl(text)) return Invalid("e-mail mailbox contains a control character or line break");
  text = Trim(text);
  Mailbox mailbox;
  if (!text.empty() && text.back() == '>') {
    const std::size_t open = text.rfind('<');
    if (open == std::string_view::npos) return Invalid("e-mail mailbox has an unmatched '>'");
    std::string_view name = Trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
      for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '\\' && i + 1 < name.size()) ++i;
        mailbox.display_name += name[i];
      }
    } else {
      mailbox.display_name = std::string(name);
    }
    mailbox.address = std::string(text.substr(open + 1, text.size() - open - 2));
  } else {
    mailbox.address = std::string(text);
  }
  if (mailbox.display_name.size() > kMaxDisplayNameSize) {
    return Invalid("e-mail display name is too long");
  }
  if (!IsValidUtf8(mailbox.display_name)) return Invalid("e-mail display name is not UTF-8");
  SR_TRY(ValidateAddress(mailbox.address));
  return mailbox;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 16);
  std::size_t line_length = 0;  // characters on the current output line
  std::size_t i = 0;
  while (i <= text.size()) {
    // One input line: [i, end), followed by a line break or the end of text.
    std::size_t end = text.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = text.size();
    for (std::size_t k = i; k < end; ++k) {
      const auto c = static_cast<unsigned char>(text[k]);
      const bool last = k + 1 == end;
      const bool literal =
          ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) &&
          !(c == '.' && line_length == 0);
      std::array<char, 3> token{static_cast<char>(c), 0, 0};
      std::size_t token_size = 1;
      if (!literal) {
        token = {'=', kHexDigits[c >> 4], kHexDigits[c & 0xf]};
        token_size = 3;
      }
      // Keep room for the '=' of a soft break unless this ends the line.
      const std::size_t limit = last ? kMaxQpLine : kMaxQpLine - 1;
      if (line_length + token_size > limit) {
        out += "=\r\n";
        line_length = 0;
        if (c == '.') {  // a '.' that now starts a line must be escaped too
          token = {'=', '2', 'E'};
          token_size = 3;
        }
      }
      out.append(token.data(), token_size);
      line_length += token_size;
    }
    if (end == text.size()) break;
    out += "\r\n";
    line_length = 0;
    i = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
  }
  return out;
}

std::string EncodeHeaderText(std::string_view text, std::size_t max_plain) {
  if (text.size() <= max_plain && IsPrintableAscii(text) &&
      text.find("=?") == std::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      const std::size_t len = Utf8SequenceLength(static_cast<unsigned char>(text[end]));
      if (end + len - i > kEncodedWordBytes) break;
      end += len;
    }
    if (end == i) end = std::min(text.size(), i + 1);  // cannot happen for valid UTF-8
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string FormatRfc5322Date(Clock::TimePoint t) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} +0000", kDays[tm.tm_wday],
                     tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec);
}

Result<RenderedMessage> RenderMessage(const MailMessage& message, std::string_view from,
                                      Clock::TimePoint date) {
  SR_ASSIGN_OR_RETURN(Mailbox sender, ParseMailbox(from));
  SR_ASSIGN_OR_RETURN(Mailbox recipient, ParseMailbox(message.to));
  if (message.subject.size() > kMaxSubjectSize) return Invalid("e-mail subject is too long");
  if (HasControl(message.subject)) {
    return Invalid("e-mail subject contains a control character or line break");
  }
  if (!IsValidUtf8(message.subject)) return Invalid("e-mail subject is not valid UTF-8");
  SR_TRY(ValidateBody(message.text_body, "text"));
  SR_TRY(ValidateBody(message.html_body, "html"));

  RenderedMessage rendered;
  const std::string domain = sender.address.substr(sender.address.rfind('@') + 1);
  rendered.message_id = fmt::format("<{}@{}>", RandomHex(16), domain);
  rendered.envelope_from = sender.address;
  rendered.envelope_to = recipient.address;

  std::string& out = rendered.data;
  out += "Date: " + FormatRfc5322Date(date) + "\r\n";
  out += "From: " + FormatMailbox(sender) + "\r\n";
  out += "To: " + FormatMailbox(recipient) + "\r\n";
  out += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  out += "Message-ID: " + rendered.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no auto-replies, please
  if (message.html_body.empty()) {
    AppendPart(out, "plain", message.text_body);
    out += "\r\n";
    return rendered;
  }
  // "=_" never occurs in quoted-printable output, so no part can contain the boundary.
  const std::string boundary = "=_sr_" + RandomHex(16);
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n";
  AppendPart(out, "plain", message.text_body);
  out += "\r\n--" + boundary + "\r\n";
  AppendPart(out, "html", message.html_body);
  out += "\r\n--" + boundary + "--\r\n";
  return rendered;
}

}  // namespace sr::mail
