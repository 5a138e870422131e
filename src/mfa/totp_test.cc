#include "mfa/totp.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/hex.h"
#include "crypto/mac.h"
#include "mfa/testing/test_util.h"

namespace sr::mfa {
namespace {

using std::chrono::seconds;
using TimePoint = Clock::TimePoint;

constexpr std::int64_t kLastRepresentableSecond =
    std::chrono::duration_cast<seconds>(TimePoint::max().time_since_epoch()).count();

TimePoint At(std::int64_t unix_seconds) { return TimePoint(seconds(unix_seconds)); }

SecretBytes Seed(std::string_view ascii) {
  return SecretBytes(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(ascii.data()), ascii.size()));
}

constexpr std::string_view kSeed20 = "12345678901234567890";

// RFC 6238 Appendix B's reference code repeats the ASCII digits to the
// length of the hash output.
SecretBytes Rfc6238Seed(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::kSha256:
      return Seed("12345678901234567890123456789012");
    case TotpAlgorithm::kSha512:
      return Seed("1234567890123456789012345678901234567890123456789012345678901234");
    case TotpAlgorithm::kSha1:
      break;
  }
  return Seed(kSeed20);
}

Totp Make(TotpParams params) {
  auto totp = Totp::Create(params);
  EXPECT_TRUE(totp) << totp.error().ToString();
  return *totp;
}

TEST(TotpTest, Rfc6238AppendixBVectors) {
  auto records = test_util::LoadRecords("totp/rfc6238.txt");
  ASSERT_TRUE(records) << "cannot read tests/vectors/totp/rfc6238.txt";
  ASSERT_EQ(records->size(), 18u);
  for (const auto& r : *records) {
    SCOPED_TRACE(r.at("Time") + " " + r.at("Mode"));
    auto algorithm = ParseTotpAlgorithm(r.at("Mode"));
    ASSERT_TRUE(algorithm);
    Totp totp = Make({.algorithm = *algorithm, .digits = 8, .period = seconds(30)});
    const std::int64_t time = std::stoll(r.at("Time"));
    const std::uint64_t step = std::stoull(r.at("T"), nullptr, 16);
    SecretBytes seed = Rfc6238Seed(*algorithm);
    EXPECT_EQ(totp.Code(seed, step), r.at("TOTP"));
    // Clock::TimePoint counts nanoseconds in 64 bits, so it ends in 2262;
    // the RFC's last row (year 2603) is checked through Code only.
    if (time > kLastRepresentableSecond) continue;
    EXPECT_EQ(totp.StepAt(At(time)), step);
    auto verified = totp.Verify(seed, r.at("TOTP"), At(time), 0);
    ASSERT_TRUE(verified) << verified.error().ToString();
    EXPECT_EQ(*verified, step);
  }
}

TEST(TotpTest, Rfc4226AppendixDHotpValues) {
  auto records = test_util::LoadRecords("totp/rfc4226.txt");
  ASSERT_TRUE(records) << "cannot read tests/vectors/totp/rfc4226.txt";
  ASSERT_EQ(records->size(), 10u);
  Totp hotp;  // SHA-1, 6 digits: exactly HOTP with counter = step
  SecretBytes secret = Seed(kSeed20);
  for (const auto& r : *records) {
    SCOPED_TRACE("count " + r.at("Count"));
    std::uint64_t count = std::stoull(r.at("Count"));
    std::array<std::uint8_t, 8> counter{};
    counter[7] = static_cast<std::uint8_t>(count);
    EXPECT_EQ(HexEncode(crypto::HmacSha1(secret, counter)), r.at("HMAC"));
    EXPECT_EQ(std::stoul(r.at("Truncated"), nullptr, 16) % 1'000'000, std::stoul(r.at("HOTP")));
    EXPECT_EQ(hotp.Code(secret, count), r.at("HOTP"));
  }
}

TEST(TotpTest, DefaultsAreSha1SixDigitsThirtySeconds) {
  Totp totp;
  EXPECT_EQ(totp.params().algorithm, TotpAlgorithm::kSha1);
  EXPECT_EQ(totp.params().digits, 6);
  EXPECT_EQ(totp.params().period, seconds(30));
  EXPECT_EQ(totp.SecretSize(), 20u);
  // RFC 6238's T = 1 row, truncated to 6 digits.
  EXPECT_EQ(totp.Code(Seed(kSeed20), 1), "287082");
}

TEST(TotpTest, ParamsAreValidated) {
  EXPECT_TRUE(Totp::Create({.digits = 6}));
  EXPECT_TRUE(Totp::Create({.digits = 8}));
  EXPECT_FALSE(Totp::Create({.digits = 5}));
  EXPECT_FALSE(Totp::Create({.digits = 9}));
  EXPECT_FALSE(Totp::Create({.digits = -1}));
  EXPECT_TRUE(Totp::Create({.period = seconds(10)}));
  EXPECT_TRUE(Totp::Create({.period = seconds(300)}));
  EXPECT_FALSE(Totp::Create({.period = seconds(9)}));
  EXPECT_FALSE(Totp::Create({.period = seconds(0)}));
  EXPECT_FALSE(Totp::Create({.period = seconds(301)}));
  auto bad = Totp::Create({.digits = 5});
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
}

TEST(TotpTest, AlgorithmNamesRoundTrip) {
  for (auto a : {TotpAlgorithm::kSha1, TotpAlgorithm::kSha256, TotpAlgorithm::kSha512}) {
    auto parsed = ParseTotpAlgorithm(TotpAlgorithmName(a));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, a);
  }
  EXPECT_FALSE(ParseTotpAlgorithm("sha1"));
  EXPECT_FALSE(ParseTotpAlgorithm("MD5"));
  EXPECT_FALSE(ParseTotpAlgorithm(""));
}

TEST(TotpTest, NewSecretHasTheHashLengthAndIsFresh) {
  EXPECT_EQ(Totp().NewSecret().size(), 20u);
  EXPECT_EQ(Make({.algorithm = TotpAlgorithm::kSha256}).NewSecret().size(), 32u);
  EXPECT_EQ(Make({.algorithm = TotpAlgorithm::kSha512}).NewSecret().size(), 64u);
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(HexEncode(Totp().NewSecret().Reveal()));
  EXPECT_EQ(seen.size(), 50u);
}

TEST(TotpTest, StepBoundaries) {
  Totp totp;
  EXPECT_EQ(totp.StepAt(At(0)), 0u);
  EXPECT_EQ(totp.StepAt(At(29)), 0u);
  EXPECT_EQ(totp.StepAt(At(30)), 1u);
  EXPECT_EQ(totp.StepAt(At(59) + std::chrono::milliseconds(999)), 1u);
  EXPECT_EQ(totp.StepAt(At(-1)), 0u);
  EXPECT_EQ(Make({.period = seconds(60)}).StepAt(At(1'200)), 20u);
}

class TotpVerifyTest : public ::testing::Test {
 protected:
  Totp totp_;
  SecretBytes secret_ = Totp().NewSecret();
  // A time in the middle of step 56'666'666 (2023-11-14).
  TimePoint now_ = At(1'700'000'000);
  std::uint64_t step_ = totp_.StepAt(now_);
};

TEST_F(TotpVerifyTest, AcceptsTheCurrentAndAdjacentSteps) {
  for (std::int64_t delta : {-1, 0, 1}) {
    SCOPED_TRACE(delta);
    std::uint64_t step = step_ + static_cast<std::uint64_t>(delta);
    auto got = totp_.Verify(secret_, totp_.Code(secret_, step), now_, 0);
    ASSERT_TRUE(got) << got.error().ToString();
    EXPECT_EQ(*got, step);
  }
}

TEST_F(TotpVerifyTest, RefusesStepsTwoOrMoreAway) {
  for (std::int64_t delta : {-3, -2, 2, 3}) {
    SCOPED_TRACE(delta);
    std::uint64_t step = step_ + static_cast<std::uint64_t>(delta);
    std::string code = totp_.Code(secret_, step);
    // Skip the rare code that collides with an accepted step's.
    bool collides = false;
    for (std::uint64_t s = step_ - 1; s <= step_ + 1; ++s)
      collides |= totp_.Code(secret_, s) == code;
    if (collides) continue;
    auto got = totp_.Verify(secret_, code, now_, 0);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code(), ErrorCode::kUnauthenticated);
  }
}

TEST_F(TotpVerifyTest, ACodeIsAcceptedOnlyOnce) {
  std::string code = totp_.Code(secret_, step_);
  auto first = totp_.Verify(secret_, code, now_, 0);
  ASSERT_TRUE(first);
  auto replay = totp_.Verify(secret_, code, now_, *first);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(replay.error().message(), "invalid or already used code");
  // Still refused half a minute later, while the step is inside the window.
  EXPECT_FALSE(totp_.Verify(secret_, code, now_ + seconds(30), *first));
  // The next step's code is fine.
  auto next = totp_.Verify(secret_, totp_.Code(secret_, step_ + 1), now_ + seconds(30), *first);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, step_ + 1);
}

TEST_F(TotpVerifyTest, AnOlderStepIsRefusedAfterANewerOne) {
  auto newer = totp_.Verify(secret_, totp_.Code(secret_, step_ + 1), now_, 0);
  ASSERT_TRUE(newer);
  EXPECT_FALSE(totp_.Verify(secret_, totp_.Code(secret_, step_), now_, *newer));
  EXPECT_FALSE(totp_.Verify(secret_, totp_.Code(secret_, step_ - 1), now_, *newer));
}

TEST_F(TotpVerifyTest, WrongCodeAndWrongSecretAreRefused) {
  std::string code = totp_.Code(secret_, step_);
  std::string wrong = code;
  wrong[5] = static_cast<char>('0' + (wrong[5] - '0' + 1) % 10);
  EXPECT_FALSE(totp_.Verify(secret_, wrong, now_, 0));
  SecretBytes other = totp_.NewSecret();
  auto got = totp_.Verify(other, code, now_, 0);
  // One in a million: the other secret's code may coincide.
  if (got) {
    EXPECT_EQ(totp_.Code(other, *got), code);
  }
}

TEST_F(TotpVerifyTest, MalformedCodesAreInvalidArguments) {
  std::string good = totp_.Code(secret_, step_);
  for (const std::string& bad : std::vector<std::string>{
           std::string(), good.substr(0, 5), good + "0", "12345a", " 12345", "12 345", "-12345",
           "+12345", "１２３４５６", std::string({'1', '2', '\0', '4', '5', '6'}),
           std::string(10'000, '1')}) {
    SCOPED_TRACE(bad.size());
    auto got = totp_.Verify(secret_, bad, now_, 0);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().message(), "code must be 6 digits");
  }
}

TEST_F(TotpVerifyTest, EightDigitCodes) {
  Totp eight = Make({.digits = 8});
  std::string code = eight.Code(secret_, step_);
  EXPECT_EQ(code.size(), 8u);
  EXPECT_TRUE(eight.Verify(secret_, code, now_, 0));
  EXPECT_FALSE(eight.Verify(secret_, code.substr(2), now_, 0));  // the 6-digit suffix
}

TEST_F(TotpVerifyTest, ShortSecretsAreRefused) {
  SecretBytes short_secret(std::span<const std::uint8_t>(secret_.Reveal().first(15)));
  auto got = totp_.Verify(short_secret, totp_.Code(short_secret, step_), now_, 0);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(TotpVerifyTest, NearTheEpochThereIsNoStepMinusOne) {
  SecretBytes seed = Seed(kSeed20);
  auto got = totp_.Verify(seed, totp_.Code(seed, 0), At(5), 0);
  EXPECT_FALSE(got);  // step 0 is never newer than last_accepted_step = 0
  auto next = totp_.Verify(seed, totp_.Code(seed, 1), At(5), 0);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 1u);
}

}  // namespace
}  // namespace sr::mfa
