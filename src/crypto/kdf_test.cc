#include "crypto/kdf.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/internal/test_vectors.h"
#include "crypto/mac.h"

namespace sr::crypto {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(HkdfSha256Test, Rfc5869KnownAnswers) {
  auto records = internal::LoadVectors("hkdf_sha256_rfc5869.txt");
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 3u);
  for (const auto& r : *records) {
    SCOPED_TRACE(r.line);
    auto okm = HkdfSha256(r.Bytes("IKM"), r.Bytes("Salt"), r.Bytes("Info"), std::stoul(r.Str("L")));
    ASSERT_TRUE(okm) << okm.error().ToString();
    EXPECT_EQ(HexEncode(okm->Reveal()), r.Str("OKM"));

    // The extract step is HMAC(salt, IKM); an empty salt is HashLen zeros.
    std::vector<std::uint8_t> salt = r.Bytes("Salt");
    if (salt.empty()) salt.assign(kSha256Size, 0);
    EXPECT_EQ(HexEncode(HmacSha256(salt, r.Bytes("IKM"))), r.Str("PRK"));
  }
}

TEST(HkdfSha256Test, OutputLengthLimits) {
  auto ikm = Bytes("input keying material");
  auto max = HkdfSha256(ikm, {}, {}, kHkdfSha256MaxLength);
  ASSERT_TRUE(max);
  EXPECT_EQ(max->size(), kHkdfSha256MaxLength);
  for (std::size_t bad : {std::size_t{0}, kHkdfSha256MaxLength + 1}) {
    auto r = HkdfSha256(ikm, {}, {}, bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(HkdfSha256Test, RejectsEmptyInputKeyMaterial) {
  auto r = HkdfSha256({}, Bytes("salt"), Bytes("info"), 32);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST(HkdfSha256Test, ShorterOutputIsAPrefix) {
  auto ikm = Bytes("ikm");
  auto long_out = HkdfSha256(ikm, Bytes("salt"), Bytes("info"), 64);
  auto short_out = HkdfSha256(ikm, Bytes("salt"), Bytes("info"), 20);
  ASSERT_TRUE(long_out && short_out);
  EXPECT_TRUE(std::equal(short_out->Reveal().begin(), short_out->Reveal().end(),
                         long_out->Reveal().begin()));
}

}  // namespace
}  // namespace sr::crypto
