#pragma once
// Rendering of outgoing mail as an RFC 5322 message: headers, a
// multipart/alternative body (RFC 2046) with text/plain and text/html parts
// in UTF-8 and quoted-printable (RFC 2045 6.7), and RFC 2047 encoded-words
// for non-ASCII header text. The rendered bytes are 7-bit ASCII with CRLF
// line endings, ready for SMTP DATA or an .eml file. All functions are
// thread-safe and pure apart from the random Message-ID and boundary.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "mail/mailer.h"

namespace sr::mail {

// Size limits on what Send accepts, so that a rendered message (QP at most
// triples a body) stays well inside one encrypted queue cell.
inline constexpr std::size_t kMaxBodySize = 128 * 1024;  // each of text and html
inline constexpr std::size_t kMaxSubjectSize = 998;      // bytes of UTF-8
inline constexpr std::size_t kMaxAddressSize = 254;      // RFC 5321 path limit
inline constexpr std::size_t kMaxDisplayNameSize = 256;

// Mailbox is a parsed "Display Name <local@domain>" or bare "local@domain".
struct Mailbox {
  std::string display_name;  // may be empty; UTF-8
  std::string address;       // addr-spec, ASCII
};

// ParseMailbox accepts `local@domain` or `Name <local@domain>` (the name may
// be a quoted string). The address must be a dot-atom local part (at most 64
// bytes) and a domain of letter/digit/hyphen labels (one label, such as
// "localhost", is allowed); internationalised addresses (SMTPUTF8) are not
// supported. Any control character, CR or LF anywhere gives kInvalidArgument,
// so header injection cannot start here.
Result<Mailbox> ParseMailbox(std::string_view text);

// RenderedMessage is a message ready for a transport.
struct RenderedMessage {
  std::string message_id;     // the Message-ID header value, "<random@domain>"
  std::string envelope_from;  // addr-spec for SMTP MAIL FROM
  std::string envelope_to;    // addr-spec for SMTP RCPT TO
  std::string data;           // the whole message: ASCII, CRLF line endings
};

// RenderMessage builds the message from `message` sent by `from` (a mailbox
// as ParseMailbox accepts) at `date`. Headers: Date, From, To, Subject,
// Message-ID (32 random hex digits @ the From domain), MIME-Version,
// Auto-Submitted and Content-Type. With a non-empty html_body the body is
// multipart/alternative (plain first, then html, a random boundary that QP
// output cannot contain); with an empty html_body it is a single text/plain
// part. Fails with kInvalidArgument on a bad address, a subject with a
// control character (CR and LF included), text that is not valid UTF-8, or
// anything over the size limits above.
Result<RenderedMessage> RenderMessage(const MailMessage& message, std::string_view from,
                                      Clock::TimePoint date);

// EncodeQuotedPrintable encodes UTF-8 text per RFC 2045 6.7: any of CRLF, LF
// or CR is a line break and becomes CRLF; printable ASCII other than '=' is
// literal; space and tab are literal except at the end of a line; everything
// else is =XX (uppercase hex); a '.' starting a line is =2E, so that no line
// reads as an SMTP end-of-data marker; lines longer than 76 characters get
// soft line breaks ("=" CRLF) that never split an =XX escape. The output ends
// with CRLF only if the input ends with a line break.
std::string EncodeQuotedPrintable(std::string_view text);

// EncodeHeaderText returns `text` unchanged if it is printable ASCII, does
// not contain "=?", and fits in `max_plain` bytes; otherwise one or more
// RFC 2047 "=?UTF-8?B?...?=" encoded-words of at most 64 characters each
// (whole UTF-8 characters per word), separated by CRLF SP folds. `text` must
// be valid UTF-8 without control characters (checked by callers).
std::string EncodeHeaderText(std::string_view text, std::size_t max_plain = 68);

// FormatRfc5322Date returns `t` as e.g. "Tue, 01 Jul 2025 12:00:00 +0000".
std::string FormatRfc5322Date(Clock::TimePoint t);

// IsValidUtf8 reports whether `text` is well-formed UTF-8 (no overlong forms,
// surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace sr::mail
