#include "identity/password_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/hex.h"
#include "common/testing/temp_dir.h"
#include "crypto/random.h"
#include "identity/internal/sha1.h"

namespace sr::identity {
namespace {

using namespace std::string_literals;
using sr::testing::TempDir;

// Strong by zxcvbn (score 4, about 70 bits with libzxcvbn 2.5) and on no list.
constexpr std::string_view kGood = "correct horse battery staple";
constexpr std::string_view kGood2 = "zq8#Lm2!vR7p";  // about 73 bits
// Twelve distinct emoji: 12 code points, 48 bytes.
const std::string kTwelveEmoji =
    "\U0001F600\U0001F601\U0001F602\U0001F923\U0001F603\U0001F604"
    "\U0001F605\U0001F606\U0001F609\U0001F60A\U0001F60B\U0001F60E";

std::unique_ptr<PasswordPolicy> Make(PasswordPolicyOptions options = {}) {
  auto policy = PasswordPolicy::Create(std::move(options));
  EXPECT_TRUE(policy) << policy.error().ToString();
  return policy ? std::move(*policy) : nullptr;
}

// LengthOnly turns off zxcvbn so that a rule can be tested on its own.
PasswordPolicyOptions LengthOnly(std::size_t min = 12, std::size_t max = 256) {
  PasswordPolicyOptions o;
  o.min_length = min;
  o.max_length = max;
  o.min_zxcvbn_score = 0;
  return o;
}

// RejectMessage returns Check's message, failing the test if it accepted.
std::string RejectMessage(const PasswordPolicy& policy, std::string_view password,
                          std::string_view local = "") {
  Status s = policy.Check(password, local);
  if (s) {
    ADD_FAILURE() << "accepted " << ::testing::PrintToString(std::string(password));
    return "";
  }
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  // ("" and "password" occur in every message and prove nothing.)
  if (!password.empty() && password != "password") {
    EXPECT_EQ(s.error().message().find(password), std::string::npos)
        << "message repeats the password: " << s.error().message();
  }
  return s.error().message();
}

void ExpectAccepted(const PasswordPolicy& policy, std::string_view password,
                    std::string_view local = "") {
  Status s = policy.Check(password, local);
  EXPECT_TRUE(s) << ::testing::PrintToString(std::string(password)) << ": " << s.error().ToString();
}

std::string Repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// Distinct-looking ASCII of exactly `n` characters (no list word, no
// e-mail name), for length tests.
std::string AsciiOfLength(std::size_t n) {
  static constexpr std::string_view kChars = "Xk3vQ9mT2pLw7Rz8Hn4Bf6Yd";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(kChars[(i * 7 + i / 24) % kChars.size()]);
  return out;
}

TEST(PasswordPolicyCreateTest, DefaultsAreValid) {
  auto policy = Make();
  ASSERT_TRUE(policy);
  ExpectAccepted(*policy, kGood);
}

TEST(PasswordPolicyCreateTest, RefusesWeakOrNonsensicalOptions) {
  auto refuse = [](PasswordPolicyOptions o) {
    auto r = PasswordPolicy::Create(std::move(o));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  };
  PasswordPolicyOptions o;
  o.min_length = 7;
  refuse(o);
  o = {};
  o.max_length = 63;
  refuse(o);
  o = {};
  o.max_length = kMaxPasswordCodePoints + 1;
  refuse(o);
  o = {};
  o.min_length = 100;
  o.max_length = 64;
  refuse(o);
  o = {};
  o.min_zxcvbn_score = -1;
  refuse(o);
  o = {};
  o.min_zxcvbn_score = 5;
  refuse(o);
  // The edges are allowed.
  EXPECT_TRUE(PasswordPolicy::Create(LengthOnly(8, 64)));
  EXPECT_TRUE(PasswordPolicy::Create(LengthOnly(64, 64)));
  EXPECT_TRUE(PasswordPolicy::Create(LengthOnly(8, kMaxPasswordCodePoints)));
}

TEST(PasswordPolicyCreateTest, UnreadableBreachedFileFails) {
  TempDir dir;
  PasswordPolicyOptions o;
  o.breached_file = dir.path() / "missing.txt";
  auto missing = PasswordPolicy::Create(o);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kUnavailable);
  o.breached_file = dir.Write("empty.txt", "");
  auto empty = PasswordPolicy::Create(o);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
}

TEST(PasswordPolicyTest, MinimumLengthInCodePoints) {
  auto policy = Make(LengthOnly());
  ASSERT_TRUE(policy);
  EXPECT_EQ(RejectMessage(*policy, AsciiOfLength(11)), "password must be at least 12 characters");
  ExpectAccepted(*policy, AsciiOfLength(12));
  EXPECT_EQ(RejectMessage(*policy, ""), "password must be at least 12 characters");
  // 12 emoji are 48 bytes but 12 characters: they pass; 11 do not.
  ExpectAccepted(*policy, kTwelveEmoji);
  std::string eleven = kTwelveEmoji.substr(0, 44);
  EXPECT_EQ(RejectMessage(*policy, eleven), "password must be at least 12 characters");
  // Two-byte characters: 11 of them are 22 bytes, still too short.
  EXPECT_EQ(RejectMessage(*policy, Repeat("\u00e9", 11)),
            "password must be at least 12 characters");
  ExpectAccepted(*policy, Repeat("\u00e9", 12));
}

TEST(PasswordPolicyTest, TwelveEmojiPassTheDefaultPolicy) {
  auto policy = Make();
  ASSERT_TRUE(policy);
  ExpectAccepted(*policy, kTwelveEmoji);
}

TEST(PasswordPolicyTest, RepeatedNonAsciiCharactersAreGuessable) {
  auto policy = Make();
  ASSERT_TRUE(policy);
  // libzxcvbn judges bytes; given the raw UTF-8 it rates twelve copies of one
  // emoji at about 30 bits (score 3). Each code point is one symbol to it.
  EXPECT_EQ(RejectMessage(*policy, Repeat("\U0001F600", 12)), "password is too easy to guess");
  EXPECT_EQ(RejectMessage(*policy, Repeat("\U0001F600\U0001F601", 6)),
            "password is too easy to guess");
  EXPECT_EQ(RejectMessage(*policy, Repeat("\u00e9", 16)), "password is too easy to guess");
  EXPECT_EQ(RejectMessage(*policy, Repeat("\u65e5\u672c", 8)), "password is too easy to guess");
  // Distinct ones are still strong.
  ExpectAccepted(*policy, kTwelveEmoji);
}

TEST(PasswordPolicyTest, NulIsAnOrdinaryCharacter) {
  auto policy = Make();
  ASSERT_TRUE(policy);
  // libzxcvbn takes C strings; a NUL must not hide what follows it (cut at
  // the NUL, this would be "aaaa", score 0).
  ExpectAccepted(*policy, "aaaa\0zq8#Lm2!vR7p"s);
}

TEST(PasswordPolicyTest, MaximumLengthInCodePoints) {
  auto policy = Make(LengthOnly(12, 64));
  ASSERT_TRUE(policy);
  ExpectAccepted(*policy, AsciiOfLength(64));
  EXPECT_EQ(RejectMessage(*policy, AsciiOfLength(65)), "password must be at most 64 characters");
  // 64 four-byte characters (256 bytes) are 64 characters.
  ExpectAccepted(*policy, Repeat("\U0001F510", 64));
  EXPECT_EQ(RejectMessage(*policy, Repeat("\U0001F510", 65)),
            "password must be at most 64 characters");

  auto standard = Make(LengthOnly());
  ASSERT_TRUE(standard);
  ExpectAccepted(*standard, AsciiOfLength(256));
  EXPECT_EQ(RejectMessage(*standard, AsciiOfLength(257)),
            "password must be at most 256 characters");

  auto widest = Make(LengthOnly(12, kMaxPasswordCodePoints));
  ASSERT_TRUE(widest);
  ExpectAccepted(*widest, Repeat("\U0001F510", kMaxPasswordCodePoints));  // 4096 bytes
}

TEST(PasswordPolicyTest, InvalidUtf8Rejected) {
  auto policy = Make();
  ASSERT_TRUE(policy);
  for (const std::string& bad : {"correct horse \xff battery"s, "correct horse battery \xc3"s,
                                 "\xed\xa0\x80 correct horse battery"s,
                                 "\xc0\xaf"
                                 "correct horse battery"s}) {
    EXPECT_EQ(RejectMessage(*policy, bad), "password must be valid UTF-8");
  }
}

TEST(PasswordPolicyTest, AnyUnicodeAndNoCompositionRules) {
  auto policy = Make();
  ASSERT_TRUE(policy);
  ExpectAccepted(*policy,
                 "\u043f\u0430\u0440\u043e\u043b\u044c \u0441\u043b\u043e\u043d \u043a\u043e\u0442 "
                 "\u0434\u043e\u043c");
  ExpectAccepted(*policy,
                 "\u65e5\u672c\u8a9e\u306e\u30d1\u30b9\u30ef\u30fc\u30c9\u3067\u3059\u3088\u306d");
  ExpectAccepted(*policy, "purple monkey dishwasher");  // lower-case letters and spaces only
}

TEST(PasswordPolicyTest, CommonPasswordsRejected) {
  auto policy = Make(LengthOnly(8));
  ASSERT_TRUE(policy);
  for (std::string_view p :
       {"password", "iloveyou", "PASSWORD", "ILoveYou", "trustno1", "iloveyou!", "princess"}) {
    EXPECT_EQ(RejectMessage(*policy, p), "password is too common") << p;
  }
  // Trailing digits and punctuation do not make a list word uncommon.
  for (std::string_view p : {"password123456", "Password123456", "Password123!", "iloveyou2024!",
                             "Sunshine2024!!", "letmein12345", "football!!!!", "dragon12345678"}) {
    EXPECT_EQ(RejectMessage(*policy, p), "password is too common") << p;
  }
  // Only trailing ones, and only on stems of 4 or more characters.
  ExpectAccepted(*policy, "123password!");
  ExpectAccepted(*policy, "passwordxyz1");
  ExpectAccepted(*policy, "a19384756!20");  // "a" is listed, but too short a stem
  // The default policy reports the list first.
  auto standard = Make();
  ASSERT_TRUE(standard);
  EXPECT_EQ(RejectMessage(*standard, "Password123456"), "password is too common");
}

TEST(PasswordPolicyTest, ZxcvbnRejectsGuessablePasswords) {
  auto policy = Make();  // min score 3
  ASSERT_TRUE(policy);
  // libzxcvbn 2.5: "aaaaaaaaaaaa" ~5.6 bits, "abcabcabcabc" ~4.6 bits,
  // "qwertyuiopasdf" 19 bits (score 1), "footballfootball" ~4.3 bits.
  for (std::string_view p : {"aaaaaaaaaaaa", "abcabcabcabc", "qwertyuiopasdf", "footballfootball",
                             "123456789012", "1qaz2wsx3edc"}) {
    EXPECT_EQ(RejectMessage(*policy, p), "password is too easy to guess") << p;
  }
  ExpectAccepted(*policy, kGood);
  ExpectAccepted(*policy, kGood2);
  ExpectAccepted(*policy, "purple-monkey-dishwasher");  // ~40 bits
}

TEST(PasswordPolicyTest, ZxcvbnScoreThresholds) {
  auto scored = [](int min_score) {
    PasswordPolicyOptions o;
    o.min_zxcvbn_score = min_score;
    return Make(o);
  };
  // 0 disables the estimator.
  ExpectAccepted(*scored(0), "aaaaaaaaaaaa");
  // ~5.6 bits: fewer than 10^3 guesses, score 0.
  EXPECT_EQ(RejectMessage(*scored(1), "aaaaaaaaaaaa"), "password is too easy to guess");
  // ~70 bits: score 4.
  ExpectAccepted(*scored(4), kGood);
  // 19 bits (about 5 * 10^5 guesses): score 1.
  ExpectAccepted(*scored(1), "qwertyuiopasdf");
  EXPECT_EQ(RejectMessage(*scored(2), "qwertyuiopasdf"), "password is too easy to guess");
}

TEST(PasswordPolicyTest, EmailLocalPartRejected) {
  auto policy = Make();
  ASSERT_TRUE(policy);
  // Strong by zxcvbn (~73 bits) but contains the local part, in any case.
  const std::string kMessage = "password must not contain your e-mail name";
  EXPECT_EQ(RejectMessage(*policy, "xX-Alice-Xx-9vQ!", "alice"), kMessage);
  EXPECT_EQ(RejectMessage(*policy, "xX-ALICE-Xx-9vQ!", "Alice"), kMessage);
  EXPECT_EQ(RejectMessage(*policy, "bob.smith zq8#Lm2!", "bob.smith"), kMessage);
  ExpectAccepted(*policy, "xX-Alice-Xx-9vQ!", "bob");
  ExpectAccepted(*policy, "xX-Alice-Xx-9vQ!", "");
  // Local parts shorter than 3 characters are not checked.
  ExpectAccepted(*policy, "zq8#Lm2!alR7p", "al");
  EXPECT_EQ(RejectMessage(*policy, "zq8#Lm2!alR7p", "alr"), kMessage);
  // The message does not repeat the local part either.
  EXPECT_EQ(RejectMessage(*policy, "xX-Alice-Xx-9vQ!", "alice").find("alice"), std::string::npos);
}

TEST(PasswordPolicyTest, EmailLocalPartIsAZxcvbnUserWord) {
  auto policy = Make();
  ASSERT_TRUE(policy);
  // A l33t spelling of the local part does not contain it literally, so only
  // zxcvbn's user dictionary (which undoes l33t) catches it: libzxcvbn 2.5
  // gives ~54 bits without the user word and ~2 bits with it.
  ExpectAccepted(*policy, "z3br4qu0kk4fl4m1ng0", "someone.else");
  EXPECT_EQ(RejectMessage(*policy, "z3br4qu0kk4fl4m1ng0", "zebraquokkaflamingo"),
            "password is too easy to guess");
}

// Writes an HIBP-style file: `count` random hashes plus the SHA-1 of each of
// `passwords`, sorted, "HEX:count" per line with `eol`.
std::filesystem::path WriteBreachedFile(const TempDir& dir, std::size_t count,
                                        const std::vector<std::string>& passwords,
                                        std::string_view eol) {
  std::set<std::string> lines;
  while (lines.size() < count) {
    auto bytes = crypto::RandomBytes(20);
    lines.insert(HexEncode(bytes));
  }
  for (const std::string& p : passwords) lines.insert(HexEncode(internal::Sha1(p)));
  std::string text;
  for (std::string line : lines) {
    std::ranges::transform(line, line.begin(), [](char c) {
      return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    });
    text += line + ":" + std::to_string(line.size() * 3) + std::string(eol);
  }
  return dir.Write("pwned-passwords-sha1-ordered-by-hash.txt", text);
}

TEST(PasswordPolicyTest, Sha1KnownAnswers) {
  EXPECT_EQ(HexEncode(internal::Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(internal::Sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  // The example HIBP's API documentation uses.
  EXPECT_EQ(HexEncode(internal::Sha1("password")), "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8");
}

TEST(PasswordPolicyTest, BreachedPasswordsRejected) {
  TempDir dir;
  for (std::string_view eol : {"\n", "\r\n"}) {
    SCOPED_TRACE(eol.size() == 1 ? "LF" : "CRLF");
    PasswordPolicyOptions o;
    o.breached_file = WriteBreachedFile(dir, 10000, {std::string(kGood)}, eol);
    auto policy = Make(o);
    ASSERT_TRUE(policy);
    EXPECT_EQ(RejectMessage(*policy, kGood),
              "password has appeared in a data breach; choose another");
    ExpectAccepted(*policy, kGood2);
    ExpectAccepted(*policy, kTwelveEmoji);
  }
}

TEST(PasswordPolicyTest, BreachedFileReadErrorFailsClosed) {
  TempDir dir;
  // A valid first line, then garbage where the search looks.
  std::string text = std::string(40, '0') + ":1\n";
  for (int i = 0; i < 20; ++i) text += "garbage garbage garbage\n";
  text += std::string(40, 'F') + ":1\n";
  PasswordPolicyOptions o;
  o.breached_file = dir.Write("bad.txt", text);
  auto policy = Make(o);
  ASSERT_TRUE(policy);
  Status s = policy->Check(kGood, "");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kDataLoss);
}

TEST(PasswordPolicyTest, MessagesNeverContainThePassword) {
  TempDir dir;
  PasswordPolicyOptions o;
  o.breached_file = WriteBreachedFile(dir, 100, {"breached but long enough"}, "\n");
  auto policy = Make(o);
  ASSERT_TRUE(policy);
  // RejectMessage asserts the message does not contain the password.
  for (std::string_view p : {"short", "Password123456", "aaaaaaaaaaaa", "breached but long enough",
                             "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4"}) {
    RejectMessage(*policy, p);
  }
  RejectMessage(*policy, "xX-Alice-Xx-9vQ!", "alice");
}

TEST(PasswordPolicyTest, ConcurrentChecksAgree) {
  TempDir dir;
  PasswordPolicyOptions o;
  o.breached_file = WriteBreachedFile(dir, 1000, {"breached but long enough"}, "\n");
  auto policy = Make(o);
  ASSERT_TRUE(policy);
  const std::vector<std::string> passwords = {
      std::string(kGood),         std::string(kGood2), "aaaaaaaaaaaa", "Password123456",
      "breached but long enough", kTwelveEmoji,        "short",        "z3br4qu0kk4fl4m1ng0"};
  std::vector<bool> want;
  for (const auto& p : passwords) want.push_back(policy->Check(p, "alice").has_value());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        for (std::size_t i = 0; i < passwords.size(); ++i) {
          if (policy->Check(passwords[i], "alice").has_value() != want[i]) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace sr::identity
