#include "identity/token.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/hex.h"
#include "crypto/hash.h"
#include "identity/internal/base62.h"

namespace sr::identity {
namespace {

using internal::kBase62Alphabet;
using namespace std::string_literals;

constexpr TokenType kAllTypes[] = {TokenType::kSession, TokenType::kPasswordReset,
                                   TokenType::kEmailVerification, TokenType::kInvite,
                                   TokenType::kApiKey};

void ExpectInvalid(std::string_view token, TokenType type) {
  Status s = CheckToken(token, type);
  ASSERT_FALSE(s) << "accepted " << token;
  EXPECT_EQ(s.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(s.error().message(), "invalid token");
}

// Appends the checksum, so the result is well-formed whenever the body is.
std::string WithChecksum(std::string body) { return body + Base62Checksum(body); }

TEST(TokenChecksumTest, Crc32CheckValue) {
  // CRC-32/ISO-HDLC check value: CRC32("123456789") = 0xCBF43926 = 3421780262.
  // In base 62, most significant first:
  //   3421780262 = 3 * 62^5 (916132832 * 3 = 2748398496), rest 673381766
  //   673381766  = 45 * 62^4 (14776336 * 45 = 664935120), rest 8446646
  //   8446646    = 35 * 62^3 (238328 * 35 = 8341480),     rest 105166
  //   105166     = 27 * 62^2 (3844 * 27 = 103788),        rest 1378
  //   1378       = 22 * 62 + 14
  // Digits 3, 45, 35, 27, 22, 14 -> '3', 'j' (36 + 9), 'Z' (10 + 25),
  // 'R' (10 + 17), 'M' (10 + 12), 'E' (10 + 4).
  EXPECT_EQ(Base62Checksum("123456789"), "3jZRME");
}

TEST(TokenChecksumTest, KnownRenderings) {
  // Values from Python's zlib.crc32, an independent CRC-32 implementation.
  EXPECT_EQ(Base62Checksum(""), "000000");                             // CRC32("") = 0: all padding
  EXPECT_EQ(Base62Checksum("srs_" + std::string(43, '0')), "0FKCx0");  // 0x0d7f86ca
  EXPECT_EQ(Base62Checksum("srk_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"),
            "3MprN2");                                      // 0xb7ee25d0
  EXPECT_EQ(Base62Checksum("\xff\xff\xff\xff"), "4gfFC3");  // 0xffffffff, the largest
}

TEST(TokenChecksumTest, DocumentedWorkedExample) {
  // docs/formats/tokens.md: CRC32 = 0x4A58BDAD = 1247329709 ->
  // 1, 22, 25, 41, 27, 7 -> "1MPfR7".
  const std::string body = "srs_7Hq2LmZ0pX4vN9cR1tYb6KdW3sJ8fGa5uE0oQiVhC2x";
  EXPECT_EQ(Base62Checksum(body), "1MPfR7");
  const std::string token = body + "1MPfR7";
  EXPECT_TRUE(CheckToken(token, TokenType::kSession));
  EXPECT_EQ(HexEncode(HashToken(token)),
            "ed87d73f3100316e486dc704b8c2063f48b76d73a8267a5fc4c2376276aeff4f");
}

TEST(TokenTest, NewTokenHasTheDocumentedShape) {
  for (TokenType type : kAllTypes) {
    std::string token = NewToken(type);
    ASSERT_EQ(token.size(), kTokenLength);
    EXPECT_EQ(token.substr(0, 2), "sr");
    EXPECT_EQ(token[2], static_cast<char>(type));
    EXPECT_EQ(token[3], '_');
    for (char c : token.substr(4)) EXPECT_TRUE(internal::IsBase62(c)) << token;
    EXPECT_EQ(token.substr(4 + kTokenRandomChars),
              Base62Checksum(token.substr(0, 4 + kTokenRandomChars)));
  }
  EXPECT_EQ(NewToken(TokenType::kSession).substr(0, 4), "srs_");
  EXPECT_EQ(kTokenLength, 53u);
}

TEST(TokenTest, RoundTripForEveryType) {
  for (TokenType type : kAllTypes) {
    for (int i = 0; i < 100; ++i) {
      std::string token = NewToken(type);
      EXPECT_TRUE(CheckToken(token, type)) << token;
    }
  }
}

TEST(TokenTest, WrongTypeLetterRejected) {
  for (TokenType issued : kAllTypes) {
    std::string token = NewToken(issued);
    for (TokenType expected : kAllTypes) {
      if (expected != issued) ExpectInvalid(token, expected);
    }
  }
  // Re-checksummed with another letter, it is a well-formed token of that
  // type, and still not of the original one.
  std::string token = NewToken(TokenType::kSession);
  std::string other = WithChecksum("srr_" + token.substr(4, kTokenRandomChars));
  EXPECT_TRUE(CheckToken(other, TokenType::kPasswordReset));
  ExpectInvalid(other, TokenType::kSession);
}

TEST(TokenTest, EverySingleCharacterChangeRejected) {
  // CRC-32 detects every error burst of up to 32 bits, so any one changed
  // character in the body changes the checksum; a changed checksum character
  // no longer matches; a changed prefix fails the shape check.
  const std::string token = NewToken(TokenType::kSession);
  const std::string replacements = std::string(kBase62Alphabet) + "_-+/=. \0\xff"s;
  for (std::size_t pos = 0; pos < token.size(); ++pos) {
    for (char c : replacements) {
      if (c == token[pos]) continue;
      std::string tampered = token;
      tampered[pos] = c;
      SCOPED_TRACE(testing::Message() << "position " << pos << " -> " << static_cast<int>(c));
      ExpectInvalid(tampered, TokenType::kSession);
    }
  }
}

TEST(TokenTest, EveryOtherLengthRejected) {
  const std::string token = NewToken(TokenType::kApiKey);
  for (std::size_t len = 0; len < token.size(); ++len) {
    ExpectInvalid(token.substr(0, len), TokenType::kApiKey);
  }
  ExpectInvalid(token + "0", TokenType::kApiKey);
  ExpectInvalid(token + token, TokenType::kApiKey);
  // A longer body with a correct checksum is still the wrong length.
  ExpectInvalid(WithChecksum("srk_" + std::string(kTokenRandomChars + 1, 'a')), TokenType::kApiKey);
}

TEST(TokenTest, NonAlphabetCharacterRejectedEvenWithAValidChecksum) {
  for (char bad : std::string("-_+/= \t\n.\x80\xff\0"s)) {
    std::string body = "srs_" + std::string(kTokenRandomChars, 'a');
    body[10] = bad;
    ExpectInvalid(WithChecksum(body), TokenType::kSession);
  }
  // A non-alphabet character in the checksum itself.
  std::string token = NewToken(TokenType::kSession);
  token.back() = '-';
  ExpectInvalid(token, TokenType::kSession);
}

TEST(TokenTest, WrongPrefixRejected) {
  std::string random(kTokenRandomChars, 'x');
  ExpectInvalid(WithChecksum("SRs_" + random), TokenType::kSession);
  ExpectInvalid(WithChecksum("ghs_" + random), TokenType::kSession);
  ExpectInvalid(WithChecksum("srs-" + random), TokenType::kSession);
  ExpectInvalid(WithChecksum("srS_" + random), TokenType::kSession);
  EXPECT_TRUE(CheckToken(WithChecksum("srs_" + random), TokenType::kSession));
}

TEST(TokenTest, ThousandTokensAreDistinct) {
  std::set<std::string> seen;
  std::set<std::string> random_parts;
  for (int i = 0; i < 1000; ++i) {
    std::string token = NewToken(TokenType::kSession);
    random_parts.insert(token.substr(4, kTokenRandomChars));
    seen.insert(std::move(token));
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(random_parts.size(), 1000u);
}

TEST(TokenTest, HashTokenIsSha256OfTheText) {
  std::string token = NewToken(TokenType::kSession);
  EXPECT_EQ(HashToken(token), crypto::Sha256(token));
  EXPECT_EQ(HexEncode(HashToken("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(HashToken(token), HashToken(NewToken(TokenType::kSession)));
}

TEST(IdTest, NewIdShapeAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId("acc");
    ASSERT_EQ(id.size(), 4 + kIdRandomChars);
    EXPECT_EQ(id.substr(0, 4), "acc_");
    for (char c : id.substr(4)) EXPECT_TRUE(internal::IsBase62(c)) << id;
    EXPECT_TRUE(IsWellFormedId(id, "acc"));
    seen.insert(std::move(id));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdTest, IsWellFormedIdRejectsOtherShapes) {
  std::string id = NewId("ses");
  EXPECT_TRUE(IsWellFormedId(id, "ses"));
  EXPECT_FALSE(IsWellFormedId(id, "acc"));
  EXPECT_FALSE(IsWellFormedId(id, "se"));
  EXPECT_FALSE(IsWellFormedId(id.substr(0, id.size() - 1), "ses"));
  EXPECT_FALSE(IsWellFormedId(id + "a", "ses"));
  EXPECT_FALSE(IsWellFormedId("", "ses"));
  std::string bad = id;
  bad[4] = '-';
  EXPECT_FALSE(IsWellFormedId(bad, "ses"));
  bad = id;
  bad[3] = 'x';
  EXPECT_FALSE(IsWellFormedId(bad, "ses"));
}

}  // namespace
}  // namespace sr::identity
