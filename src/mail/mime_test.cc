#include "mail/mime.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "common/testing/temp_dir.h"
#include "mail/internal/test_util.h"

namespace sr::mail {
namespace {

using namespace std::chrono_literals;

// 2025-07-01T12:00:00Z, a Tuesday.
const Clock::TimePoint kDate{std::chrono::seconds(1751371200)};
constexpr std::string_view kFrom = "strongroom <no-reply@example.org>";

MailMessage Sample() {
  return MailMessage{
      .to = "alice@example.com",
      .subject = "Reset your password",
      .text_body = "Open https://sr.example/reset?token=abc to reset.\n",
      .html_body = "<p><a href=\"https://sr.example/reset?token=abc\">Reset</a></p>\n"};
}

// QpDecode is an independent, strict quoted-printable decoder for the tests:
// it turns CRLF into "\n" and fails (returns "<bad>") on malformed escapes.
std::string QpDecode(std::string_view qp) {
  std::string out;
  for (std::size_t i = 0; i < qp.size(); ++i) {
    if (qp.compare(i, 3, "=\r\n") == 0) {
      i += 2;
    } else if (qp[i] == '=') {
      if (i + 2 >= qp.size()) return "<bad>";
      const std::string hex(qp.substr(i + 1, 2));
      if (hex.find_first_not_of("0123456789ABCDEF") != std::string::npos) return "<bad>";
      out += static_cast<char>(std::stoi(hex, nullptr, 16));
      i += 2;
    } else if (qp.compare(i, 2, "\r\n") == 0) {
      out += '\n';
      ++i;
    } else {
      out += qp[i];
    }
  }
  return out;
}

std::string NormalizeNewlines(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string CanonicalNewlines(std::string_view text) {
  std::string out;
  for (char c : NormalizeNewlines(text)) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find("\r\n", start);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      return lines;
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 2;
  }
}

void ExpectWellFormedQp(std::string_view qp) {
  for (const std::string& line : Lines(qp)) {
    EXPECT_LE(line.size(), 76u) << line;
    if (!line.empty()) {
      EXPECT_NE(line.back(), ' ') << line;
      EXPECT_NE(line.back(), '\t') << line;
      EXPECT_NE(line.front(), '.') << line;
    }
    for (char c : line) {
      EXPECT_TRUE((c >= 33 && c <= 126) || c == ' ' || c == '\t') << static_cast<int>(c);
    }
  }
}

std::string Base64Decode(std::string_view b64) {
  std::string out(b64.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  if (n < 0) return "<bad>";
  std::size_t size = static_cast<std::size_t>(n);
  if (b64.ends_with("=="))
    size -= 2;
  else if (b64.ends_with("="))
    size -= 1;
  out.resize(size);
  return out;
}

// DecodeEncodedWords decodes a header value made only of "=?UTF-8?B?...?="
// words separated by folding whitespace, checking each word's shape.
std::string DecodeEncodedWords(std::string_view value) {
  static const std::regex kWord(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  std::string out;
  std::string rest(value);
  std::smatch m;
  while (std::regex_search(rest, m, kWord)) {
    EXPECT_LE(m.length(0), 75);
    const std::string gap = m.prefix();
    EXPECT_TRUE(gap.empty() || gap == "\r\n ") << gap;
    const std::string chunk = Base64Decode(m[1].str());
    EXPECT_TRUE(IsValidUtf8(chunk)) << "an encoded-word split a character";
    out += chunk;
    rest = m.suffix();
  }
  EXPECT_EQ(rest, "");
  return out;
}

std::string HeaderValue(std::string_view data, std::string_view name) {
  const std::string key = "\r\n" + std::string(name) + ": ";
  std::string all = "\r\n" + std::string(data.substr(0, data.find("\r\n\r\n")));
  const std::size_t at = all.find(key);
  if (at == std::string::npos) return "<missing>";
  std::size_t end = at + key.size();
  while (true) {  // unfold continuation lines
    end = all.find("\r\n", end);
    if (end == std::string::npos || (all[end + 2] != ' ' && all[end + 2] != '\t')) break;
    end += 2;
  }
  return all.substr(at + key.size(), end - at - key.size());
}

// --- quoted-printable ---

TEST(QuotedPrintableTest, KnownVectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"hello", "hello"},
      {"a=b", "a=3Db"},
      {"trailing space ", "trailing space=20"},
      {"tab\t\nnext", "tab=09\r\nnext"},
      {"inner  spaces\tand tabs", "inner  spaces\tand tabs"},
      {"l1\nl2\r\nl3\rl4", "l1\r\nl2\r\nl3\r\nl4"},
      {"ends with newline\n", "ends with newline\r\n"},
      {"\n\n", "\r\n\r\n"},
      {"caf\xC3\xA9", "caf=C3=A9"},
      {"\xE2\x82\xAC 5", "=E2=82=AC 5"},
      {".leading dot", "=2Eleading dot"},
      {"a\n.\nb", "a\r\n=2E\r\nb"},
      {"ctrl\x01\x7f", "ctrl=01=7F"},
      {"From here", "From here"},
      {std::string(76, 'a'), std::string(76, 'a')},
      {std::string(77, 'a'), std::string(75, 'a') + "=\r\naa"},
      {std::string(74, 'a') + "=", std::string(74, 'a') + "=\r\n=3D"},
      {std::string(73, 'a') + "=b", std::string(73, 'a') + "=\r\n=3Db"},
      {std::string(72, 'a') + "=b", std::string(72, 'a') + "=3Db"},
      {std::string(72, 'a') + "=bc", std::string(72, 'a') + "=3D=\r\nbc"},
      {std::string(75, 'a') + " ", std::string(75, 'a') + "=\r\n=20"},
      {std::string(74, 'a') + " b", std::string(74, 'a') + " b"},
      {std::string(74, 'a') + " bc", std::string(74, 'a') + " =\r\nbc"},
      {std::string(75, 'a') + " b", std::string(75, 'a') + "=\r\n b"},
      {std::string(75, 'a') + ".b", std::string(75, 'a') + "=\r\n=2Eb"},
  };
  for (const auto& [input, want] : vectors) {
    EXPECT_EQ(EncodeQuotedPrintable(input), want) << "input: " << input;
  }
}

TEST(QuotedPrintableTest, LongAndMixedTextRoundTripsWithinTheRules) {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "w\xC3\xB6rd=" + std::to_string(i) + (i % 17 == 0 ? " \n" : " ");
    if (i % 41 == 0) text += "\t\r\n.dot ";
  }
  text += std::string(500, 'x') + "\xF0\x9F\x98\x80 end  ";
  const std::string qp = EncodeQuotedPrintable(text);
  ExpectWellFormedQp(qp);
  EXPECT_EQ(QpDecode(qp), NormalizeNewlines(text));
}

TEST(QuotedPrintableTest, EveryByteValueRoundTrips) {
  std::string text;
  for (int i = 0; i < 256; ++i) {
    if (i != '\r' && i != '\n') text += static_cast<char>(i);
  }
  const std::string qp = EncodeQuotedPrintable(text + text);
  ExpectWellFormedQp(qp);
  EXPECT_EQ(QpDecode(qp), text + text);
}

// --- header text ---

TEST(HeaderTextTest, PlainAsciiStaysPlain) {
  EXPECT_EQ(EncodeHeaderText("Reset your password"), "Reset your password");
}

TEST(HeaderTextTest, NonAsciiBecomesEncodedWords) {
  const std::string subject = "R\xC3\xA9initialisez votre mot de passe";
  const std::string encoded = EncodeHeaderText(subject);
  EXPECT_TRUE(encoded.starts_with("=?UTF-8?B?")) << encoded;
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);
}

TEST(HeaderTextTest, LongTextIsSplitOnCharacterBoundariesAndFolded) {
  std::string subject;
  for (int i = 0; i < 60; ++i) subject += "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  const std::string encoded = EncodeHeaderText(subject);
  EXPECT_NE(encoded.find("\r\n "), std::string::npos);
  for (const std::string& line : Lines(encoded)) EXPECT_LE(line.size() + 9, 78u);
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);

  const std::string ascii(200, 'a');
  EXPECT_EQ(DecodeEncodedWords(EncodeHeaderText(ascii)), ascii);
}

TEST(HeaderTextTest, TextThatLooksLikeAnEncodedWordIsEncoded) {
  const std::string tricky = "=?UTF-8?B?QWRtaW4=?= says hi";
  const std::string encoded = EncodeHeaderText(tricky);
  EXPECT_NE(encoded, tricky);
  EXPECT_EQ(DecodeEncodedWords(encoded), tricky);
}

// --- UTF-8 and mailboxes ---

TEST(Utf8Test, AcceptsWellFormedAndRejectsMalformed) {
  for (std::string_view ok : {"", "ascii", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                              "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF"}) {
    EXPECT_TRUE(IsValidUtf8(ok)) << ok;
  }
  for (std::string_view bad :
       {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF0\x80\x80\xAF",
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xE2\x82", "\xC3", "a\xFF"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << ::testing::PrintToString(std::string(bad));
  }
}

TEST(MailboxTest, ParsesBareAndNamedForms) {
  auto bare = ParseMailbox("  alice@example.com ");
  ASSERT_TRUE(bare) << bare.error().ToString();
  EXPECT_EQ(bare->address, "alice@example.com");
  EXPECT_EQ(bare->display_name, "");

  auto named = ParseMailbox("strongroom <no-reply@localhost>");
  ASSERT_TRUE(named) << named.error().ToString();
  EXPECT_EQ(named->display_name, "strongroom");
  EXPECT_EQ(named->address, "no-reply@localhost");

  auto quoted = ParseMailbox(R"("Doe, \"JD\" John" <j.d+tag@mail.example.org>)");
  ASSERT_TRUE(quoted) << quoted.error().ToString();
  EXPECT_EQ(quoted->display_name, R"(Doe, "JD" John)");
  EXPECT_EQ(quoted->address, "j.d+tag@mail.example.org");
}

TEST(MailboxTest, RejectsMalformedAddresses) {
  for (std::string_view bad : {"",
                               "alice",
                               "alice@",
                               "@example.com",
                               "a@@example.com",
                               "a..b@example.com",
                               ".a@example.com",
                               "a.@example.com",
                               "a b@example.com",
                               "a@exa mple.com",
                               "a@-x.com",
                               "a@x-.com",
                               "a@x..com",
                               "a@.x.com",
                               "caf\xC3\xA9@example.com",
                               "a@b\xC3\xA9.com",
                               "a@example.com, b@example.com",
                               "Name <a@example.com",
                               "Name a@example.com>",
                               "<a@example.com> <b@example.com",
                               "a@[127.0.0.1]",
                               "\"a\"@example.com"}) {
    auto r = ParseMailbox(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_FALSE(ParseMailbox(std::string(65, 'a') + "@example.com"));
  EXPECT_FALSE(ParseMailbox("a@" + std::string(250, 'b') + ".com"));
  EXPECT_FALSE(ParseMailbox("a@" + std::string(64, 'b') + ".com"));
}

// --- RenderMessage ---

TEST(RenderMessageTest, WritesTheHeadersAndEnvelope) {
  auto r = RenderMessage(Sample(), kFrom, kDate);
  ASSERT_TRUE(r) << r.error().ToString();
  const std::string& d = r->data;
  EXPECT_EQ(HeaderValue(d, "Date"), "Tue, 01 Jul 2025 12:00:00 +0000");
  EXPECT_EQ(HeaderValue(d, "From"), "strongroom <no-reply@example.org>");
  EXPECT_EQ(HeaderValue(d, "To"), "alice@example.com");
  EXPECT_EQ(HeaderValue(d, "Subject"), "Reset your password");
  EXPECT_EQ(HeaderValue(d, "MIME-Version"), "1.0");
  EXPECT_EQ(HeaderValue(d, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(HeaderValue(d, "Message-ID"), r->message_id);
  EXPECT_TRUE(std::regex_match(r->message_id, std::regex("<[0-9a-f]{32}@example\\.org>")))
      << r->message_id;
  EXPECT_EQ(r->envelope_from, "no-reply@example.org");
  EXPECT_EQ(r->envelope_to, "alice@example.com");
  EXPECT_TRUE(d.starts_with("Date: "));
}

TEST(RenderMessageTest, BuildsMultipartAlternativeWithBothParts) {
  auto r = RenderMessage(Sample(), kFrom, kDate);
  ASSERT_TRUE(r);
  const std::string& d = r->data;
  std::smatch m;
  const std::string content_type = HeaderValue(d, "Content-Type");
  ASSERT_TRUE(std::regex_match(
      content_type, m, std::regex("multipart/alternative;\r\n boundary=\"(=_sr_[0-9a-f]{32})\"")))
      << content_type;
  const std::string boundary = m[1];
  const std::string plain = "--" + boundary +
                            "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
                            EncodeQuotedPrintable(Sample().text_body) + "\r\n";
  const std::string html = "--" + boundary +
                           "\r\nContent-Type: text/html; charset=utf-8\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
                           EncodeQuotedPrintable(Sample().html_body) + "\r\n";
  const std::size_t plain_at = d.find(plain);
  const std::size_t html_at = d.find(html);
  ASSERT_NE(plain_at, std::string::npos) << d;
  ASSERT_NE(html_at, std::string::npos) << d;
  EXPECT_LT(plain_at, html_at);
  EXPECT_TRUE(d.ends_with("\r\n--" + boundary + "--\r\n"));
  EXPECT_NE(d.find("reset?token=3Dabc"), std::string::npos);  // '=' escaped in QP

  // 7-bit, CRLF only, header and body lines within the limits.
  for (char c : d) EXPECT_TRUE(static_cast<unsigned char>(c) < 0x80);
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i] == '\n') {
      EXPECT_EQ(d[i - 1], '\r');
    }
    if (d[i] == '\r') {
      EXPECT_EQ(d[i + 1], '\n');
    }
  }
  for (const std::string& line : Lines(d)) EXPECT_LE(line.size(), 78u) << line;
}

TEST(RenderMessageTest, MessageIdAndBoundaryAreFreshEachTime) {
  auto a = RenderMessage(Sample(), kFrom, kDate);
  auto b = RenderMessage(Sample(), kFrom, kDate);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->message_id, b->message_id);
  EXPECT_NE(HeaderValue(a->data, "Content-Type"), HeaderValue(b->data, "Content-Type"));
}

TEST(RenderMessageTest, EmptyHtmlGivesASingleTextPart) {
  MailMessage message = Sample();
  message.html_body.clear();
  auto r = RenderMessage(message, kFrom, kDate);
  ASSERT_TRUE(r);
  EXPECT_EQ(HeaderValue(r->data, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(HeaderValue(r->data, "Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_TRUE(r->data.ends_with("\r\n\r\n" + EncodeQuotedPrintable(message.text_body) + "\r\n"));
}

TEST(RenderMessageTest, EncodesNonAsciiSubjectAndDisplayNames) {
  MailMessage message = Sample();
  message.subject = "R\xC3\xA9initialiser le mot de passe \xE2\x9C\x94";
  message.to = "Ren\xC3\xA9\x65 <renee@example.fr>";
  auto r = RenderMessage(message, "Coffre \xC2\xAB fort \xC2\xBB <no-reply@example.org>", kDate);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(DecodeEncodedWords(HeaderValue(r->data, "Subject")), message.subject);
  const std::string to = HeaderValue(r->data, "To");
  ASSERT_TRUE(to.ends_with(" <renee@example.fr>")) << to;
  EXPECT_EQ(DecodeEncodedWords(to.substr(0, to.size() - 19)), "Ren\xC3\xA9\x65");
  EXPECT_EQ(r->envelope_to, "renee@example.fr");
}

TEST(RenderMessageTest, QuotesDisplayNamesWithSpecials) {
  MailMessage message = Sample();
  message.to = R"("Doe, John \"JD\"" <jd@example.com>)";
  auto r = RenderMessage(message, kFrom, kDate);
  ASSERT_TRUE(r);
  EXPECT_EQ(HeaderValue(r->data, "To"), R"("Doe, John \"JD\"" <jd@example.com>)");
}

TEST(RenderMessageTest, RefusesHeaderInjection) {
  const std::vector<std::pair<std::string, std::function<void(MailMessage&, std::string&)>>> cases =
      {
          {"to CRLF", [](MailMessage& m, std::string&) { m.to = "a@x.org\r\nBcc: evil@x.org"; }},
          {"to LF", [](MailMessage& m, std::string&) { m.to = "a@x.org\nBcc: evil@x.org"; }},
          {"to CR", [](MailMessage& m, std::string&) { m.to = "a@x.org\rBcc: evil@x.org"; }},
          {"to name CRLF",
           [](MailMessage& m, std::string&) { m.to = "Eve\r\nBcc: e@x.org <a@x.org>"; }},
          {"to trailing CRLF", [](MailMessage& m, std::string&) { m.to = "a@x.org\r\n"; }},
          {"to two addresses", [](MailMessage& m, std::string&) { m.to = "a@x.org, b@y.org"; }},
          {"subject CRLF",
           [](MailMessage& m, std::string&) { m.subject = "Hi\r\nBcc: evil@x.org"; }},
          {"subject LF", [](MailMessage& m, std::string&) { m.subject = "Hi\nBcc: evil@x.org"; }},
          {"subject CR", [](MailMessage& m, std::string&) { m.subject = "Hi\rX-Evil: 1"; }},
          {"subject NUL", [](MailMessage& m, std::string&) { m.subject = std::string("a\0b", 3); }},
          {"subject tab", [](MailMessage& m, std::string&) { m.subject = "a\tb"; }},
          {"from CRLF",
           [](MailMessage&, std::string& from) { from = "x <a@x.org>\r\nBcc: evil@x.org"; }},
          {"from name LF", [](MailMessage&, std::string& from) { from = "x\ny <a@x.org>"; }},
      };
  for (const auto& [name, mutate] : cases) {
    MailMessage message = Sample();
    std::string from(kFrom);
    mutate(message, from);
    auto r = RenderMessage(message, from, kDate);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << name;
  }
}

TEST(RenderMessageTest, RefusesBadUtf8AndOversizedInput) {
  MailMessage bad_text = Sample();
  bad_text.text_body = "caf\xE9";  // Latin-1, not UTF-8
  EXPECT_FALSE(RenderMessage(bad_text, kFrom, kDate));
  MailMessage bad_html = Sample();
  bad_html.html_body = "\xC0\xAF";
  EXPECT_FALSE(RenderMessage(bad_html, kFrom, kDate));
  MailMessage bad_subject = Sample();
  bad_subject.subject = "\xFF";
  EXPECT_FALSE(RenderMessage(bad_subject, kFrom, kDate));
  MailMessage big = Sample();
  big.text_body = std::string(kMaxBodySize + 1, 'a');
  EXPECT_EQ(RenderMessage(big, kFrom, kDate).error().code(), ErrorCode::kInvalidArgument);
  MailMessage long_subject = Sample();
  long_subject.subject = std::string(kMaxSubjectSize + 1, 'a');
  EXPECT_FALSE(RenderMessage(long_subject, kFrom, kDate));
  MailMessage largest = Sample();
  largest.text_body = std::string(kMaxBodySize, '\x01');  // worst case: every byte escaped
  largest.html_body = std::string(kMaxBodySize, '=');
  auto r = RenderMessage(largest, kFrom, kDate);
  ASSERT_TRUE(r);
  EXPECT_LT(r->data.size(), std::size_t{1} << 20);  // fits one encrypted queue cell
}

TEST(RenderMessageTest, FormatsDates) {
  EXPECT_EQ(FormatRfc5322Date(Clock::TimePoint{}), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatRfc5322Date(Clock::TimePoint{std::chrono::seconds(951782400)}),
            "Tue, 29 Feb 2000 00:00:00 +0000");
}

// Python's email module is an independent decoder: the message it parses
// must have our headers, decoded subject and both bodies exactly.
TEST(RenderMessageTest, PythonEmailModuleDecodesWhatWeRender) {
  if (::access(testing::kPython, X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  sr::testing::TempDir dir;
  MailMessage message;
  message.to = "Ren\xC3\xA9\x65 Dupont <renee@example.fr>";
  message.subject = "R\xC3\xA9initialisation \xE2\x80\x94 =?not-a-word?= " + std::string(60, 'x');
  message.text_body = "Bonjour Ren\xC3\xA9\x65,\n\n" + std::string(200, 'L') + " long line\n" +
                      "trailing spaces   \n\ttab start\n.dot start\nFrom the start\n" +
                      "a=b&c=d https://sr.example/reset?token=srv_ABCdef123&x=1\r\n" +
                      "emoji \xF0\x9F\x94\x90 done";
  message.html_body = "<p>" + std::string(150, 'h') + " <b>\xC3\xA9</b></p>\n";
  auto r = RenderMessage(message, "strongroom <no-reply@example.org>", kDate);
  ASSERT_TRUE(r) << r.error().ToString();
  const auto eml = dir.path() / "m.eml";
  testing::WriteFile(eml, r->data, 0600);
  const std::string out = testing::DecodeEml(eml, dir.path() / "decoded.json");
  ASSERT_FALSE(out.empty()) << testing::ReadFile(dir.path() / "decoded.json");
  const auto json = nlohmann::json::parse(out);
  EXPECT_EQ(json["subject"], message.subject);
  EXPECT_EQ(json["content_type"], "multipart/alternative");
  // Python keeps the decoded text's line breaks in their canonical CRLF form.
  EXPECT_EQ(json["text"], CanonicalNewlines(message.text_body));
  EXPECT_EQ(json["html"], CanonicalNewlines(message.html_body));
  EXPECT_EQ(json["headers"]["To"], "Ren\xC3\xA9\x65 Dupont <renee@example.fr>");
  EXPECT_EQ(json["headers"]["Message-ID"], r->message_id);
  EXPECT_EQ(json["defects"], nlohmann::json::array());
}

}  // namespace
}  // namespace sr::mail
