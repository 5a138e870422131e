#include "identity/email.h"

#include <gtest/gtest.h>

#include <string>

namespace sr::identity {
namespace {

using namespace std::string_literals;

std::string Normalized(std::string_view email) {
  Result<std::string> r = NormalizeEmail(email);
  EXPECT_TRUE(r) << email << ": " << r.error().ToString();
  return r ? *r : std::string();
}

// Rejected checks the error and returns its message.
std::string Rejected(std::string_view email) {
  Result<std::string> r = NormalizeEmail(email);
  if (r) {
    ADD_FAILURE() << "accepted " << testing::PrintToString(std::string(email)) << " as " << *r;
    return "";
  }
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  return r.error().message();
}

TEST(NormalizeEmailTest, LowerCasesAndTrims) {
  EXPECT_EQ(Normalized("Alice@Example.COM"), "alice@example.com");
  EXPECT_EQ(Normalized("  bob@example.org\t\r\n"), "bob@example.org");
  EXPECT_EQ(Normalized("first.last+tag@sub.example.co.uk"), "first.last+tag@sub.example.co.uk");
  EXPECT_EQ(Normalized("O'Brien@EXAMPLE.ie"), "o'brien@example.ie");
  EXPECT_EQ(Normalized("x@a.b"), "x@a.b");
  EXPECT_EQ(Normalized("user@xn--bcher-kva.example"), "user@xn--bcher-kva.example");
  EXPECT_EQ(Normalized("a-b@my-host.example"), "a-b@my-host.example");
  EXPECT_EQ(Normalized("!#$%&'*+-/=?^_`{|}~@example.com"), "!#$%&'*+-/=?^_`{|}~@example.com");
  EXPECT_EQ(Normalized("user@123.example"), "user@123.example");
}

TEST(NormalizeEmailTest, NonAsciiLocalPartKeptAsIsAsciiOnlyLowerCasing) {
  // U+00C9 (É) stays: only ASCII letters are lower-cased.
  EXPECT_EQ(Normalized("J\u00c9R\u00d4ME@Example.fr"), "j\u00c9r\u00d4me@example.fr");
  EXPECT_EQ(Normalized("\u7528\u6237@example.cn"), "\u7528\u6237@example.cn");
}

TEST(NormalizeEmailTest, IsIdempotent) {
  for (std::string_view e : {"Alice@Example.COM", " x.y+z@A-B.example ", "J\u00c9R@x.fr"}) {
    std::string once = Normalized(e);
    EXPECT_EQ(Normalized(once), once);
  }
}

TEST(NormalizeEmailTest, Lengths) {
  const std::string domain = "@example.com";  // 12 bytes
  EXPECT_EQ(Normalized(std::string(64, 'a') + domain).size(), 76u);
  EXPECT_NE(Rejected(std::string(65, 'a') + domain).find("64"), std::string::npos);
  // 254 bytes in all: 64 + '@' + 189-byte domain of three 63-byte labels.
  std::string label(61, 'b');
  std::string long_domain = label + "." + label + "." + label + ".com";  // 61*3 + 6 = 189
  ASSERT_EQ(long_domain.size(), 189u);
  EXPECT_EQ(Normalized(std::string(64, 'a') + "@" + long_domain).size(), 254u);
  EXPECT_NE(Rejected(std::string(64, 'a') + "@c" + long_domain).find("254"), std::string::npos);
  // Labels of 63 bytes pass, 64 do not.
  EXPECT_TRUE(NormalizeEmail("a@" + std::string(63, 'c') + ".com"));
  Rejected("a@" + std::string(64, 'c') + ".com");
  Rejected(std::string(300, 'a'));
}

TEST(NormalizeEmailTest, RejectsBadStructure) {
  EXPECT_EQ(Rejected(""), "e-mail address is empty");
  EXPECT_EQ(Rejected("   "), "e-mail address is empty");
  EXPECT_EQ(Rejected("alice.example.com"), "e-mail address needs an '@'");
  EXPECT_EQ(Rejected("a@b@example.com"), "e-mail address must contain exactly one '@'");
  Rejected("@example.com");
  Rejected("alice@");
  Rejected("alice@localhost");
}

TEST(NormalizeEmailTest, RejectsBadLocalParts) {
  for (std::string_view e :
       {".alice@example.com", "alice.@example.com", "al..ice@example.com", "\"alice\"@example.com",
        "al ice@example.com", "al\tice@example.com", "a(b)@example.com", "a,b@example.com",
        "a:b@example.com", "a;b@example.com", "a<b>@example.com", "a[b]@example.com",
        "a\\b@example.com", "a\x7f@example.com", "a\x01@example.com"}) {
    SCOPED_TRACE(testing::PrintToString(std::string(e)));
    Rejected(e);
  }
  Rejected("a\0b@example.com"s);
  Rejected("a\r\nBcc: x@example.com"s);  // header injection
  EXPECT_EQ(Rejected("\xff\xfe@example.com"), "e-mail address must be valid UTF-8");
}

TEST(NormalizeEmailTest, RejectsBadDomains) {
  for (std::string_view e :
       {"a@example..com", "a@.example.com", "a@example.com.", "a@-example.com", "a@example-.com",
        "a@exa_mple.com", "a@exa mple.com", "a@[192.0.2.1]", "a@192.0.2.1", "a@example.123",
        "a@example.com\x01", "a@exam\"ple.com"}) {
    SCOPED_TRACE(testing::PrintToString(std::string(e)));
    Rejected(e);
  }
}

TEST(NormalizeEmailTest, RawNonAsciiDomainRefusedWithPunycodeHint) {
  std::string message = Rejected("user@b\u00fccher.example");
  EXPECT_NE(message.find("punycode"), std::string::npos) << message;
}

TEST(NormalizeEmailTest, MessagesNeverRepeatTheAddress) {
  for (std::string_view e : {"secretname@@example.com", "secretname@exa_mple.com",
                             "secretname.@example.com", "secretname@b\u00fccher.example"}) {
    std::string message = Rejected(e);
    EXPECT_EQ(message.find("secretname"), std::string::npos) << message;
  }
}

TEST(EmailLocalPartTest, PartBeforeTheAt) {
  EXPECT_EQ(EmailLocalPart("alice@example.com"), "alice");
  EXPECT_EQ(EmailLocalPart("a.b+c@example.com"), "a.b+c");
  EXPECT_EQ(EmailLocalPart("no-at-sign"), "");
  EXPECT_EQ(EmailLocalPart(""), "");
}

}  // namespace
}  // namespace sr::identity
