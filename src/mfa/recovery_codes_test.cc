#include "mfa/recovery_codes.h"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <iostream>
#include <regex>
#include <set>

namespace sr::mfa {
namespace {

// One generated set shared by the tests: each set costs ten Argon2id hashes.
class RecoveryCodesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto start = std::chrono::steady_clock::now();
    auto set = GenerateRecoveryCodes();
    ASSERT_TRUE(set) << set.error().ToString();
    generate_ms_ =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    set_ = new RecoveryCodeSet(*std::move(set));
  }
  static void TearDownTestSuite() {
    delete set_;
    set_ = nullptr;
  }
  static RecoveryCodeSet* set_;
  static double generate_ms_;
};
RecoveryCodeSet* RecoveryCodesTest::set_ = nullptr;
double RecoveryCodesTest::generate_ms_ = 0;

TEST_F(RecoveryCodesTest, TenDistinctCodesInFourGroupsOfFour) {
  ASSERT_EQ(set_->codes.size(), kRecoveryCodeCount);
  ASSERT_EQ(set_->hashes.size(), kRecoveryCodeCount);
  const std::regex format("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}");
  std::set<std::string> distinct;
  for (const auto& code : set_->codes) {
    EXPECT_TRUE(std::regex_match(code, format)) << code;
    distinct.insert(code);
  }
  EXPECT_EQ(distinct.size(), kRecoveryCodeCount);
  std::cout << "[ MEASURE  ] GenerateRecoveryCodes (10 x Argon2id m=19456 KiB t=2): "
            << generate_ms_ << " ms\n";
}

TEST_F(RecoveryCodesTest, HashesAreSaltedArgon2idAtTheRecoveryCost) {
  std::set<std::string> salts;
  for (const auto& hash : set_->hashes) {
    EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << hash;
    EXPECT_FALSE(crypto::NeedsRehash(hash, kRecoveryCodeArgon2));
    salts.insert(hash.substr(0, hash.rfind('$')));
  }
  EXPECT_EQ(salts.size(), kRecoveryCodeCount);  // a fresh salt per code
  for (std::size_t i = 0; i < kRecoveryCodeCount; ++i) {
    EXPECT_EQ(set_->hashes[i].find(set_->codes[i].substr(0, 4)), std::string::npos);
  }
}

TEST_F(RecoveryCodesTest, EachCodeMatchesItsOwnIndex) {
  for (std::size_t i : {std::size_t{0}, std::size_t{4}, kRecoveryCodeCount - 1}) {
    auto start = std::chrono::steady_clock::now();
    auto got = MatchRecoveryCode(set_->codes[i], set_->hashes);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(got) << got.error().ToString();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(**got, i);
    std::cout << "[ MEASURE  ] MatchRecoveryCode, match at index " << i << ": " << ms << " ms\n";
  }
}

TEST_F(RecoveryCodesTest, InputIsNormalised) {
  std::string code = set_->codes[2];
  std::string sloppy;
  for (char c : code) {
    if (c == '-') {
      sloppy += " - ";
      continue;
    }
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    sloppy.push_back(c == '0' ? 'o' : c == '1' ? 'l' : lower);
  }
  auto got = MatchRecoveryCode("\t" + sloppy + " ", set_->hashes);
  ASSERT_TRUE(got);
  ASSERT_TRUE(got->has_value()) << sloppy;
  EXPECT_EQ(**got, 2u);
}

TEST_F(RecoveryCodesTest, UnknownCodeMatchesNothing) {
  auto start = std::chrono::steady_clock::now();
  auto got = MatchRecoveryCode("0000-0000-0000-0000", set_->hashes);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->has_value());
  std::cout << "[ MEASURE  ] MatchRecoveryCode, no match: " << ms << " ms\n";
}

TEST_F(RecoveryCodesTest, AUsedCodeNoLongerMatches) {
  std::vector<std::string> stored = set_->hashes;
  auto first = MatchRecoveryCode(set_->codes[7], stored);
  ASSERT_TRUE(first && first->has_value());
  stored[**first] = "";  // the caller blanks the entry it matched
  auto again = MatchRecoveryCode(set_->codes[7], stored);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_FALSE(again->has_value());
  // The others still work.
  auto other = MatchRecoveryCode(set_->codes[8], stored);
  ASSERT_TRUE(other && other->has_value());
  EXPECT_EQ(**other, 8u);
}

TEST_F(RecoveryCodesTest, AllUsedMatchesNothing) {
  std::vector<std::string> stored(kRecoveryCodeCount);
  auto got = MatchRecoveryCode(set_->codes[0], stored);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->has_value());
  auto none = MatchRecoveryCode(set_->codes[0], std::span<const std::string>());
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST_F(RecoveryCodesTest, ACodeFromAnotherSetDoesNotMatch) {
  // Codes of one set against another's hashes: a regenerated set makes the
  // old codes useless once the caller stores the new hashes.
  std::vector<std::string> stored(set_->hashes.begin(), set_->hashes.begin() + 5);
  auto got = MatchRecoveryCode(set_->codes[6], stored);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->has_value());
}

TEST_F(RecoveryCodesTest, CorruptStoredHashFailsClosed) {
  std::vector<std::string> stored = set_->hashes;
  stored[3] = "$argon2id$v=19$garbage";
  auto got = MatchRecoveryCode(set_->codes[1], stored);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kDataLoss);
}

TEST_F(RecoveryCodesTest, TooManyStoredHashesIsRefused) {
  std::vector<std::string> stored = set_->hashes;
  stored.push_back(stored[0]);
  auto got = MatchRecoveryCode(set_->codes[0], stored);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(RecoveryCodesTest, MalformedInputMatchesNothingAtOnce) {
  for (std::string bad :
       {std::string(), std::string("ABCD-EFGH-JKMN"), std::string("ABCD-EFGH-JKMN-PQRS-T"),
        std::string("ABCD-EFGH-JKMN-PQRU"), std::string("ABCD_EFGH_JKMN_PQRS"),
        std::string(100, 'A'), std::string("ABCD-EFGH-JKMN-PQR\xc3\x9f")}) {
    SCOPED_TRACE(bad);
    auto start = std::chrono::steady_clock::now();
    auto got = MatchRecoveryCode(bad, set_->hashes);
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->has_value());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(5));
  }
}

TEST(RecoveryCodeNormalizeTest, Rules) {
  EXPECT_EQ(NormalizeRecoveryCode("7K3M-Q9XD-2HPT-WB4C"), "7K3MQ9XD2HPTWB4C");
  EXPECT_EQ(NormalizeRecoveryCode("7k3m q9xd 2hpt wb4c"), "7K3MQ9XD2HPTWB4C");
  EXPECT_EQ(NormalizeRecoveryCode("oOiI-lL00-1111-ABCD"), "001111001111ABCD");
  EXPECT_EQ(NormalizeRecoveryCode("7K3MQ9XD2HPTWB4C"), "7K3MQ9XD2HPTWB4C");
  EXPECT_FALSE(NormalizeRecoveryCode("7K3M-Q9XD-2HPT-WB4U"));  // U is not in the alphabet
  EXPECT_FALSE(NormalizeRecoveryCode("7K3M-Q9XD-2HPT-WB4"));
  EXPECT_FALSE(NormalizeRecoveryCode("7K3M-Q9XD-2HPT-WB4CC"));
  EXPECT_FALSE(NormalizeRecoveryCode(std::string(kMaxRecoveryCodeInputBytes + 1, '-')));
  EXPECT_TRUE(NormalizeRecoveryCode(std::string(kMaxRecoveryCodeInputBytes - 16, ' ') +
                                    "7K3MQ9XD2HPTWB4C"));
}

TEST(RecoveryCodeGenerateTest, RefusesParamsBelowThePolicyFloor) {
  auto set = GenerateRecoveryCodes({.memory_kib = 8, .iterations = 1});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sr::mfa
