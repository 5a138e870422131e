#include "crypto/mac.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sr::crypto
