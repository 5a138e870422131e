#include "crypto/password.h"

#include <gtest/gtest.h>

#include "crypto/internal/password_internal.h"
#include "crypto/internal/test_vectors.h"

namespace sr::crypto {
namespace {

// libsodium's minimum cost: for tests of behaviour, not of strength.
constexpr Argon2Params kFast{.memory_kib = 8, .iterations = 1, .parallelism = 1};
constexpr Argon2Params kFloor{.memory_kib = kMinArgon2MemoryKib,
                              .iterations = kMinArgon2Iterations};

std::string FastHash(std::string_view password) {
  auto phc = internal::HashPasswordWithoutPolicy(password, kFast);
  EXPECT_TRUE(phc) << phc.error().ToString();
  return phc.value_or("");
}

TEST(Argon2ParamsTest, PolicyFloorIsOwaspMinimum) {
  EXPECT_TRUE(ValidateArgon2Params(Argon2Params{}));
  EXPECT_TRUE(ValidateArgon2Params(kFloor));
  EXPECT_TRUE(ValidateArgon2Params({.memory_kib = 19456, .iterations = 3}));
  for (Argon2Params bad :
       {Argon2Params{.memory_kib = 19455, .iterations = 2},
        Argon2Params{.memory_kib = 65536, .iterations = 1},
        Argon2Params{.memory_kib = 1 << 20, .iterations = 1},
        Argon2Params{.memory_kib = 65536, .iterations = 2, .parallelism = 2},
        Argon2Params{.memory_kib = 65536, .iterations = 2, .parallelism = 0},
        Argon2Params{.memory_kib = std::uint64_t{1} << 40, .iterations = 2},
        Argon2Params{.memory_kib = 65536, .iterations = std::uint64_t{1} << 33}}) {
    auto status = ValidateArgon2Params(bad);
    ASSERT_FALSE(status) << bad.memory_kib << "," << bad.iterations << "," << bad.parallelism;
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(HashPasswordTest, RefusesParametersBelowPolicy) {
  auto r = HashPassword("correct horse", kFast);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      HashPassword("x", {.memory_kib = 65536, .iterations = 2, .parallelism = 4}).error().code(),
      ErrorCode::kInvalidArgument);
}

TEST(HashPasswordTest, HashesAtThePolicyFloor) {
  auto phc = HashPassword("correct horse battery staple", kFloor);
  ASSERT_TRUE(phc) << phc.error().ToString();
  EXPECT_TRUE(phc->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *phc;
  EXPECT_EQ(VerifyPassword(*phc, "correct horse battery staple"), true);
  EXPECT_FALSE(NeedsRehash(*phc, kFloor));
}

TEST(HashPasswordTest, VerifiesOnlyTheSamePassword) {
  std::string phc = FastHash("hunter2");
  EXPECT_TRUE(phc.starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << phc;
  EXPECT_EQ(VerifyPassword(phc, "hunter2"), true);
  for (std::string_view other : {"hunter3", "Hunter2", "hunter2 ", "hunter", ""}) {
    EXPECT_EQ(VerifyPassword(phc, other), false) << other;
  }
}

TEST(HashPasswordTest, SaltsAreFresh) { EXPECT_NE(FastHash("same"), FastHash("same")); }

TEST(HashPasswordTest, EveryByteOfThePasswordCounts) {
  std::string with_nul("a\0b", 3);
  std::string phc = FastHash(with_nul);
  EXPECT_EQ(VerifyPassword(phc, with_nul), true);
  EXPECT_EQ(VerifyPassword(phc, "a"), false);
  std::string empty = FastHash("");
  EXPECT_EQ(VerifyPassword(empty, ""), true);
  EXPECT_EQ(VerifyPassword(empty, std::string_view("\0", 1)), false);
}

TEST(HashPasswordTest, BoundsPasswordLength) {
  std::string longest(kMaxPasswordBytes, 'x');
  std::string phc = FastHash(longest);
  EXPECT_EQ(VerifyPassword(phc, longest), true);
  std::string too_long(kMaxPasswordBytes + 1, 'x');
  EXPECT_EQ(internal::HashPasswordWithoutPolicy(too_long, kFast).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(VerifyPassword(phc, too_long).error().code(), ErrorCode::kInvalidArgument);
}

TEST(VerifyPasswordTest, ReferenceImplementationVectors) {
  auto records = internal::LoadVectors("argon2id_phc.txt");
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 7u);
  for (const auto& r : *records) {
    SCOPED_TRACE(r.line);
    EXPECT_EQ(VerifyPassword(r.Str("PHC"), r.Str("Password")), true);
    EXPECT_EQ(VerifyPassword(r.Str("PHC"), r.Str("Password") + "x"), false);
  }
}

TEST(VerifyPasswordTest, MalformedHashesAreErrors) {
  const std::string good = FastHash("pw");
  std::string bad_b64 = good;
  bad_b64.back() = '=';
  for (std::string_view phc : {
           std::string_view(""),
           std::string_view("pw"),
           std::string_view("$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/"
                            "uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view("$argon2id$v=16$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/"
                            "uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view(
               "$argon2id$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view(
               "$argon2id$v=19$m=256,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ"),
           std::string_view("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"),
           std::string_view("$argon2id$v=19$m=x,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/"
                            "uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view("$argon2id$v=19$m=99999999999,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/"
                            "uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view("$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHQ$nf65EOgLrQMR/"
                            "uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view(
               "$argon2id$v=19$m=256,t=2,p=1$c29tZQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view("$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQ"),
           std::string_view(" $argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/"
                            "uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
           std::string_view(bad_b64),
       }) {
    auto r = VerifyPassword(phc, "password");
    ASSERT_FALSE(r) << phc;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << phc;
    EXPECT_TRUE(NeedsRehash(phc, kFast)) << phc;
  }
  std::string too_long = good + std::string(200, 'A');
  EXPECT_FALSE(VerifyPassword(too_long, "pw"));
}

TEST(NeedsRehashTest, ComparesEveryCostParameter) {
  std::string phc = FastHash("pw");
  EXPECT_FALSE(NeedsRehash(phc, kFast));
  EXPECT_TRUE(NeedsRehash(phc, {.memory_kib = 16, .iterations = 1}));
  EXPECT_TRUE(NeedsRehash(phc, {.memory_kib = 8, .iterations = 2}));
  EXPECT_TRUE(NeedsRehash(phc, Argon2Params{}));
  // libsodium's own needs_rehash ignores p; ours does not.
  constexpr std::string_view kTwoLanes =
      "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc";
  EXPECT_TRUE(NeedsRehash(kTwoLanes, {.memory_kib = 256, .iterations = 2, .parallelism = 1}));
  EXPECT_FALSE(NeedsRehash(kTwoLanes, {.memory_kib = 256, .iterations = 2, .parallelism = 2}));
}

}  // namespace
}  // namespace sr::crypto
