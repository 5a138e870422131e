#include "crypto/subkeys.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/kdf.h"
#include "crypto/random.h"

namespace sr::crypto {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string Hex(const SecretBytes& s) { return HexEncode(s.Reveal()); }

TEST(KeyDeriverTest, CreateAcceptsOnly32ByteRoots) {
  EXPECT_TRUE(KeyDeriver::Create(RandomKey(32)));
  for (std::size_t n : {0, 16, 31, 33, 64}) {
    auto r = KeyDeriver::Create(SecretBytes(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(KeyDeriverTest, IsDeterministic) {
  SecretBytes root = RandomKey();
  auto a = KeyDeriver::Create(root.Clone());
  auto b = KeyDeriver::Create(root.Clone());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(Hex(a->Derive(kFieldEncryptionLabel)), Hex(b->Derive(kFieldEncryptionLabel)));
  EXPECT_EQ(Hex(a->Derive(kBlindIndexLabel)), Hex(a->Derive(kBlindIndexLabel)));
}

TEST(KeyDeriverTest, DifferentLabelsAndRootsGiveDifferentKeys) {
  auto deriver = KeyDeriver::Create(RandomKey());
  auto other_root = KeyDeriver::Create(RandomKey());
  ASSERT_TRUE(deriver && other_root);
  std::string field = Hex(deriver->Derive(kFieldEncryptionLabel));
  EXPECT_NE(field, Hex(deriver->Derive(kBlindIndexLabel)));
  EXPECT_NE(field, Hex(deriver->Derive("strongroom/field-encryption/v2")));
  EXPECT_NE(field, Hex(other_root->Derive(kFieldEncryptionLabel)));
}

TEST(KeyDeriverTest, IsHkdfWithTheDocumentedSaltAndInfo) {
  SecretBytes root = RandomKey();
  auto deriver = KeyDeriver::Create(root.Clone());
  ASSERT_TRUE(deriver);
  auto want = HkdfSha256(root.Reveal(), Bytes("strongroom/subkey/v1"),
                         Bytes("strongroom/field-encryption/v1"), 32);
  ASSERT_TRUE(want);
  EXPECT_EQ(Hex(deriver->Derive(kFieldEncryptionLabel)), Hex(*want));
}

TEST(KeyDeriverTest, LengthIsHonoured) {
  auto deriver = KeyDeriver::Create(RandomKey());
  ASSERT_TRUE(deriver);
  EXPECT_EQ(deriver->Derive(kBlindIndexLabel).size(), 32u);
  EXPECT_EQ(deriver->Derive(kBlindIndexLabel, 64).size(), 64u);
  EXPECT_EQ(deriver->Derive(kBlindIndexLabel, 1).size(), 1u);
}

TEST(KeyDeriverDeathTest, MisuseAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto deriver = KeyDeriver::Create(RandomKey());
  ASSERT_TRUE(deriver);
  EXPECT_DEATH(deriver->Derive(""), "empty purpose label");
  EXPECT_DEATH(deriver->Derive(kBlindIndexLabel, 0), "length");
  EXPECT_DEATH(deriver->Derive(kBlindIndexLabel, 8161), "length");
}

}  // namespace
}  // namespace sr::crypto
