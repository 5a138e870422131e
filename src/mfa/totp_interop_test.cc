// Cross-checks against independent implementations from Debian: oathtool
// (oath-toolkit's liboath, C) and pyotp (Python). Each test is skipped, with
// the package to install, only when its tool is missing.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "mfa/base32.h"
#include "mfa/otpauth.h"
#include "mfa/testing/test_util.h"
#include "mfa/totp.h"

namespace sr::mfa {
namespace {

using std::chrono::seconds;
using test_util::RunCommand;
using test_util::ShellQuote;

constexpr const char* kOathtool = "/usr/bin/oathtool";
constexpr const char* kPython = "/usr/bin/python3";

// kPyotpCodes prints pyotp's code for each argument
// "<algorithm>:<digits>:<period>:<base32 secret>:<unix time>", one per line.
constexpr const char* kPyotpCodes = R"(
import hashlib, sys, pyotp
for arg in sys.argv[1:]:
    alg, digits, period, secret, t = arg.split(':')
    totp = pyotp.TOTP(secret, digits=int(digits), interval=int(period),
                      digest=getattr(hashlib, alg.lower()))
    print(totp.at(int(t)))
)";

// kPyotpParseUri parses argv[1] with urllib and with pyotp.parse_uri and
// prints what each found, and pyotp's code at Unix time argv[2], as JSON.
constexpr const char* kPyotpParseUri = R"(
import json, sys, urllib.parse, pyotp
uri, t = sys.argv[1], int(sys.argv[2])
u = urllib.parse.urlsplit(uri)
query = urllib.parse.parse_qs(u.query, strict_parsing=True)
otp = pyotp.parse_uri(uri)
print(json.dumps({
    "scheme": u.scheme, "type": u.netloc, "label": urllib.parse.unquote(u.path[1:]),
    "query": {k: v for k, v in query.items()},
    "secret": otp.secret, "issuer": otp.issuer, "name": otp.name, "digits": otp.digits,
    "interval": otp.interval, "digest": otp.digest().name, "code": otp.at(t)}))
)";

bool HavePyotp() {
  return test_util::IsExecutable(kPython) &&
         RunCommand(std::string(kPython) + " -c 'import pyotp' 2>/dev/null").exit_code == 0;
}

struct Case {
  TotpParams params;
  SecretBytes secret;
  std::int64_t unix_time = 0;
};

// RandomCases makes `n` cases per algorithm with random secrets, digits
// (6-8), periods (30 or 60 s) and times up to 2^33 s (year 2242; a
// Clock::TimePoint of 64-bit nanoseconds ends in 2262).
std::vector<Case> RandomCases(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Case> cases;
  for (auto algorithm : {TotpAlgorithm::kSha1, TotpAlgorithm::kSha256, TotpAlgorithm::kSha512}) {
    for (int i = 0; i < n; ++i) {
      TotpParams params{.algorithm = algorithm,
                        .digits = 6 + static_cast<int>(rng() % 3),
                        .period = seconds(rng() % 2 == 0 ? 30 : 60)};
      auto totp = Totp::Create(params);
      cases.push_back({params, totp->NewSecret(), static_cast<std::int64_t>(rng() >> 31)});
    }
  }
  return cases;
}

std::string Describe(const Case& c) {
  return std::string(TotpAlgorithmName(c.params.algorithm)) +
         " digits=" + std::to_string(c.params.digits) +
         " period=" + std::to_string(c.params.period.count()) +
         " time=" + std::to_string(c.unix_time) + " secret=" + Base32Encode(c.secret.Reveal());
}

std::string OurCode(const Case& c) {
  auto totp = Totp::Create(c.params);
  return totp->Code(c.secret, totp->StepAt(Clock::TimePoint(seconds(c.unix_time))));
}

TEST(TotpInteropTest, MatchesOathtoolOnRandomSecretsAndTimes) {
  if (!test_util::IsExecutable(kOathtool)) {
    GTEST_SKIP() << kOathtool << " not found: install Debian package oathtool (scripts/bootstrap)";
  }
  const std::uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (const Case& c : RandomCases(15, seed)) {
    SCOPED_TRACE(Describe(c));
    std::string command =
        std::string(kOathtool) + " --totp=" + std::string(TotpAlgorithmName(c.params.algorithm)) +
        " --base32" + " --digits=" + std::to_string(c.params.digits) +
        " --time-step-size=" + std::to_string(c.params.period.count()) + "s --now=@" +
        std::to_string(c.unix_time) + " " + ShellQuote(Base32Encode(c.secret.Reveal()));
    auto result = RunCommand(command);
    ASSERT_EQ(result.exit_code, 0) << command;
    EXPECT_EQ(result.out, OurCode(c) + "\n");
  }
}

TEST(TotpInteropTest, MatchesPyotpOnRandomSecretsAndTimes) {
  if (!HavePyotp()) {
    GTEST_SKIP() << kPython << " with pyotp not found: install Debian package python3-pyotp "
                 << "(scripts/bootstrap)";
  }
  const std::uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::vector<Case> cases = RandomCases(30, seed);
  // One interpreter for all cases.
  std::string command = std::string(kPython) + " -c " + ShellQuote(kPyotpCodes);

  for (const Case& c : cases) {
    command += " " + std::string(TotpAlgorithmName(c.params.algorithm)) + ":" +
               std::to_string(c.params.digits) + ":" + std::to_string(c.params.period.count()) +
               ":" + Base32Encode(c.secret.Reveal()) + ":" + std::to_string(c.unix_time);
  }
  auto result = RunCommand(command);
  ASSERT_EQ(result.exit_code, 0);
  std::vector<std::string> lines;
  for (std::size_t pos = 0, nl; (nl = result.out.find('\n', pos)) != std::string::npos;
       pos = nl + 1) {
    lines.push_back(result.out.substr(pos, nl - pos));
  }
  ASSERT_EQ(lines.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(Describe(cases[i]));
    EXPECT_EQ(lines[i], OurCode(cases[i]));
  }
}

TEST(TotpInteropTest, PyotpParsesOurOtpauthUri) {
  if (!HavePyotp()) {
    GTEST_SKIP() << kPython << " with pyotp not found: install Debian package python3-pyotp "
                 << "(scripts/bootstrap)";
  }
  for (auto algorithm : {TotpAlgorithm::kSha1, TotpAlgorithm::kSha256, TotpAlgorithm::kSha512}) {
    TotpParams params{.algorithm = algorithm, .digits = 8, .period = seconds(60)};
    auto totp = Totp::Create(params);
    SecretBytes secret = totp->NewSecret();
    // pyotp unquotes the whole URI before splitting it, so this test keeps
    // to names without '&', '?', '#', '+' or ':'; otpauth_test covers those.
    auto uri = OtpauthUri("Strong Room", "alice.o'brien@example.com", secret, params);
    ASSERT_TRUE(uri) << uri.error().ToString();
    const std::int64_t t = 1'700'000'000;
    auto result = RunCommand(std::string(kPython) + " -c " + ShellQuote(kPyotpParseUri) + " " +
                             ShellQuote(*uri) + " " + std::to_string(t));
    ASSERT_EQ(result.exit_code, 0) << *uri;
    auto json = nlohmann::json::parse(result.out);
    const std::string b32 = Base32Encode(secret.Reveal());
    EXPECT_EQ(json["scheme"], "otpauth");
    EXPECT_EQ(json["type"], "totp");
    EXPECT_EQ(json["label"], "Strong Room:alice.o'brien@example.com");
    EXPECT_EQ(json["query"]["secret"], nlohmann::json::array({b32}));
    EXPECT_EQ(json["query"]["issuer"], nlohmann::json::array({"Strong Room"}));
    EXPECT_EQ(json["query"]["algorithm"],
              nlohmann::json::array({std::string(TotpAlgorithmName(algorithm))}));
    EXPECT_EQ(json["query"]["digits"], nlohmann::json::array({"8"}));
    EXPECT_EQ(json["query"]["period"], nlohmann::json::array({"60"}));
    EXPECT_EQ(json["secret"], b32);
    EXPECT_EQ(json["issuer"], "Strong Room");
    EXPECT_EQ(json["name"], "alice.o'brien@example.com");
    EXPECT_EQ(json["digits"], 8);
    EXPECT_EQ(json["interval"], 60);
    std::string digest = json["digest"];
    EXPECT_EQ(digest, TotpAlgorithmName(algorithm) == "SHA1"     ? "sha1"
                      : TotpAlgorithmName(algorithm) == "SHA256" ? "sha256"
                                                                 : "sha512");
    EXPECT_EQ(json["code"], totp->Code(secret, totp->StepAt(Clock::TimePoint(seconds(t)))));
  }
}

}  // namespace
}  // namespace sr::mfa
