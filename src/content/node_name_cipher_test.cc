#include "content/node_name_cipher.h"

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace sr::content {
namespace {

TEST(NodeNameCipherTest, SealsBoundToWorkspaceAndNode) {
  auto cipher = NodeNameCipher::Create(crypto::RandomKey());
  ASSERT_TRUE(cipher);
  auto sealed = cipher->Seal("wsp_a", "obj_1", "plan.txt");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(*cipher->Open("wsp_a", "obj_1", *sealed), "plan.txt");
  EXPECT_EQ(cipher->Open("wsp_b", "obj_1", *sealed).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(cipher->Open("wsp_a", "obj_2", *sealed).error().code(), ErrorCode::kDataLoss);
  for (std::size_t i = 0; i < sealed->size(); ++i) {
    auto flipped = *sealed;
    flipped[i] ^= 0x01;
    EXPECT_FALSE(cipher->Open("wsp_a", "obj_1", flipped)) << i;
  }
  for (std::size_t n = 0; n < sealed->size(); ++n) {
    EXPECT_FALSE(cipher->Open("wsp_a", "obj_1", std::span(*sealed).first(n))) << n;
  }
  EXPECT_NE(*cipher->Seal("wsp_a", "obj_1", "plan.txt"), *sealed);  // fresh nonce
  auto other = NodeNameCipher::Create(crypto::RandomKey());
  EXPECT_FALSE(other->Open("wsp_a", "obj_1", *sealed));
  EXPECT_FALSE(NodeNameCipher::Create(crypto::RandomKey(16)));
}

TEST(NodeNameCipherTest, IndexIsKeyedAndBindsTheParent) {
  auto a = NodeNameCipher::Create(crypto::RandomKey());
  auto b = NodeNameCipher::Create(crypto::RandomKey());
  EXPECT_EQ(a->Index("fld_1", "x"), a->Index("fld_1", "x"));
  EXPECT_NE(a->Index("fld_1", "x"), a->Index("fld_2", "x"));
  EXPECT_NE(a->Index("fld_1", "x"), b->Index("fld_1", "x"));
  // Length prefixes: ("ab", "c") and ("a", "bc") differ.
  EXPECT_NE(a->Index("ab", "c"), a->Index("a", "bc"));
}

}  // namespace
}  // namespace sr::content
