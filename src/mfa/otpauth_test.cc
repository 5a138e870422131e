#include "mfa/otpauth.h"

#include <gtest/gtest.h>

#include <string>

namespace sr::mfa {
namespace {

using std::chrono::seconds;

SecretBytes Rfc6238Seed() {
  std::string_view s = "12345678901234567890";
  return SecretBytes(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

TEST(OtpauthUriTest, DefaultParameters) {
  auto uri = OtpauthUri("Strongroom", "alice@example.com", Rfc6238Seed(), TotpParams{});
  ASSERT_TRUE(uri) << uri.error().ToString();
  // Base32 of "12345678901234567890", as in every authenticator's docs.
  EXPECT_EQ(*uri,
            "otpauth://totp/Strongroom:alice%40example.com"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Strongroom"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUriTest, OtherParameters) {
  auto uri = OtpauthUri("X", "y", Rfc6238Seed(),
                        {.algorithm = TotpAlgorithm::kSha512, .digits = 8, .period = seconds(60)});
  ASSERT_TRUE(uri);
  EXPECT_TRUE(uri->ends_with("&issuer=X&algorithm=SHA512&digits=8&period=60")) << *uri;
}

TEST(OtpauthUriTest, PercentEncodesLabelAndIssuer) {
  auto uri = OtpauthUri("ACME Co & Sons?#/", "bob+tag@example.com", Rfc6238Seed(), {});
  ASSERT_TRUE(uri);
  EXPECT_TRUE(uri->starts_with(
      "otpauth://totp/ACME%20Co%20%26%20Sons%3F%23%2F:bob%2Btag%40example.com?secret="))
      << *uri;
  EXPECT_NE(uri->find("&issuer=ACME%20Co%20%26%20Sons%3F%23%2F&"), std::string::npos) << *uri;
}

TEST(OtpauthUriTest, PercentEncodeKeepsOnlyUnreservedBytes) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode(" !\"%+,/:;=@[]"), "%20%21%22%25%2B%2C%2F%3A%3B%3D%40%5B%5D");
  EXPECT_EQ(PercentEncode("Zürich"), "Z%C3%BCrich");
  EXPECT_EQ(PercentEncode(std::string_view("\x00\xff", 2)), "%00%FF");
  EXPECT_EQ(PercentEncode(""), "");
}

TEST(OtpauthUriTest, RejectsBadLabels) {
  SecretBytes secret = Rfc6238Seed();
  for (auto [issuer, account] : std::initializer_list<std::pair<std::string, std::string>>{
           {"", "a"},
           {"i", ""},
           {"Strong:room", "a"},
           {"i", "alice:bob"},
           {"i\n", "a"},
           {"i", std::string("a\0b", 3)},
           {"i", "a\x7f"},
           {std::string(kMaxOtpauthIssuerBytes + 1, 'i'), "a"},
           {"i", std::string(kMaxOtpauthAccountBytes + 1, 'a')},
       }) {
    SCOPED_TRACE(issuer + " / " + account);
    auto uri = OtpauthUri(issuer, account, secret, {});
    ASSERT_FALSE(uri);
    EXPECT_EQ(uri.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(OtpauthUri(std::string(kMaxOtpauthIssuerBytes, 'i'),
                         std::string(kMaxOtpauthAccountBytes, 'a'), secret, {}));
}

TEST(OtpauthUriTest, RejectsBadParamsAndShortSecrets) {
  SecretBytes secret = Rfc6238Seed();
  EXPECT_FALSE(OtpauthUri("i", "a", secret, {.digits = 9}));
  EXPECT_FALSE(OtpauthUri("i", "a", secret, {.period = seconds(0)}));
  SecretBytes short_secret(secret.Reveal().first(kMinTotpSecretBytes - 1));
  auto uri = OtpauthUri("i", "a", short_secret, {});
  ASSERT_FALSE(uri);
  EXPECT_EQ(uri.error().code(), ErrorCode::kInvalidArgument);
}

TEST(OtpauthUriTest, ErrorsNeverContainTheSecret) {
  SecretBytes secret = Rfc6238Seed();
  auto uri = OtpauthUri("bad:issuer", "a", secret, {});
  ASSERT_FALSE(uri);
  EXPECT_EQ(uri.error().message().find("GEZDGNBV"), std::string::npos);
}

}  // namespace
}  // namespace sr::mfa
