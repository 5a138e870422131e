#include "crypto/mac.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/hex.h"
#include "crypto/internal/test_vectors.h"

namespace sr::crypto {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(HmacSha256Test, Rfc4231KnownAnswers) {
  auto records = internal::LoadVectors("hmac_sha256_rfc4231.txt");
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 7u);
  for (const auto& r : *records) {
    SCOPED_TRACE(r.line);
    std::string want = r.Str("Mac");  // test case 5 is truncated to 128 bits
    Digest got = HmacSha256(r.Bytes("Key"), r.Bytes("Data"));
    EXPECT_EQ(HexEncode(got).substr(0, want.size()), want);
    SecretBytes secret_key(r.Bytes("Key"));
    EXPECT_EQ(HmacSha256(secret_key, r.Bytes("Data")), got);
  }
}

TEST(HmacSha256Test, EmptyKeyEqualsAllZeroBlockKey) {
  // HMAC pads keys with zeros to the block size, so these must agree.
  std::vector<std::uint8_t> zeros(64, 0);
  EXPECT_EQ(HmacSha256(std::span<const std::uint8_t>(), Bytes("data")),
            HmacSha256(zeros, Bytes("data")));
}

TEST(HmacSha256Test, KeyAndDataBothMatter) {
  Digest base = HmacSha256(Bytes("key"), Bytes("data"));
  EXPECT_NE(base, HmacSha256(Bytes("kez"), Bytes("data")));
  EXPECT_NE(base, HmacSha256(Bytes("key"), Bytes("datb")));
  EXPECT_NE(base, HmacSha256(Bytes("key"), std::span<const std::uint8_t>()));
  EXPECT_EQ(base, HmacSha256(Bytes("key"), Bytes("data")));
}

std::vector<std::uint8_t> Repeat(std::uint8_t byte, std::size_t n) {
  return std::vector<std::uint8_t>(n, byte);
}

std::vector<std::uint8_t> Ascii(std::string_view s) { return {s.begin(), s.end()}; }

struct MacCase {
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> data;
  std::string mac;  // hex; a prefix of the output when the RFC truncates
};

TEST(HmacSha1Test, Rfc2202KnownAnswers) {
  // RFC 2202 section 3, test cases 1-7 for HMAC-SHA-1 (case 5's
  // 96-bit truncation is also given in full there, as "digest").
  std::vector<std::uint8_t> key4;
  for (std::uint8_t b = 0x01; b <= 0x19; ++b) key4.push_back(b);
  const std::vector<MacCase> cases = {
      {Repeat(0x0b, 20), Ascii("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
      {Ascii("Jefe"), Ascii("what do ya want for nothing?"),
       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {Repeat(0xaa, 20), Repeat(0xdd, 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
      {key4, Repeat(0xcd, 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
      {Repeat(0x0c, 20), Ascii("Test With Truncation"), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
      {Repeat(0xaa, 80), Ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
       "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
      {Repeat(0xaa, 80),
       Ascii("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
       "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("RFC 2202 HMAC-SHA-1 test case " + std::to_string(i + 1));
    HmacSha1Tag got = HmacSha1(cases[i].key, cases[i].data);
    EXPECT_EQ(HexEncode(got), cases[i].mac);
    EXPECT_EQ(HmacSha1(SecretBytes(cases[i].key), cases[i].data), got);
  }
}

TEST(HmacSha512Test, Rfc4231KnownAnswers) {
  // RFC 4231 section 4, test cases 1-7, the HMAC-SHA-512 lines; the keys and
  // data are those of the HMAC-SHA-256 vector file (same RFC, same cases).
  const std::vector<std::string> want = {
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
      "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
      "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
      "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
      "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
      "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
      "415fad6271580a531d4179bc891d87a6",  // case 5: truncated to 128 bits
      "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
      "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
      "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
      "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
  };
  auto records = internal::LoadVectors("hmac_sha256_rfc4231.txt");
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& r = (*records)[i];
    SCOPED_TRACE(r.line);
    HmacSha512Tag got = HmacSha512(r.Bytes("Key"), r.Bytes("Data"));
    EXPECT_EQ(HexEncode(got).substr(0, want[i].size()), want[i]);
    EXPECT_EQ(HmacSha512(SecretBytes(r.Bytes("Key")), r.Bytes("Data")), got);
  }
}

TEST(HmacTest, EmptyKeyAndEmptyDataAreAccepted) {
  // Values from Python's hmac module (hmac.new(b"", b"", sha1/sha512)).
  std::span<const std::uint8_t> none;
  EXPECT_EQ(HexEncode(HmacSha1(none, none)), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  EXPECT_EQ(HexEncode(HmacSha512(none, none)).substr(0, 32), "b936cee86c9f87aa5d3c6f2e84cb5a42");
}

TEST(HmacTest, AlgorithmsDiffer) {
  Digest sha256 = HmacSha256(Bytes("key"), Bytes("data"));
  HmacSha1Tag sha1 = HmacSha1(Bytes("key"), Bytes("data"));
  HmacSha512Tag sha512 = HmacSha512(Bytes("key"), Bytes("data"));
  EXPECT_NE(HexEncode(sha1), HexEncode(sha256).substr(0, 40));
  EXPECT_NE(HexEncode(sha512).substr(0, 64), HexEncode(sha256));
}

}  // namespace
}  // namespace sr::crypto
