#include "keys/wrapped_key.h"

#include <gtest/gtest.h>

#include <string_view>

#include "crypto/aead.h"
#include "crypto/kdf.h"
#include "crypto/random.h"

namespace sr::keys {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

bool SameKey(const SecretBytes& a, const SecretBytes& b) {
  return std::equal(a.Reveal().begin(), a.Reveal().end(), b.Reveal().begin(), b.Reveal().end());
}

class WrappedKeyTest : public ::testing::Test {
 protected:
  SecretBytes kwk_ = crypto::RandomKey(32);
  SecretBytes key_ = crypto::RandomKey(32);
  KeyContext context_ = DataKeyContext("ws_a", "obj_1", 7, "edk_x");
};

TEST_F(WrappedKeyTest, RoundTripsAndNamesTheVersion) {
  Result<std::vector<std::uint8_t>> wrapped = WrapKey(kwk_, 42, context_.bytes(), key_);
  ASSERT_TRUE(wrapped) << wrapped.error().ToString();
  EXPECT_EQ(wrapped->size(), kWrappedKeySize);
  EXPECT_EQ(wrapped->size(), 81u);
  EXPECT_EQ((*wrapped)[0], 0x01);
  EXPECT_EQ(WrappedKeyVersion(*wrapped), 42u);
  Result<SecretBytes> unwrapped = UnwrapKey(kwk_, context_.bytes(), *wrapped);
  ASSERT_TRUE(unwrapped) << unwrapped.error().ToString();
  EXPECT_TRUE(SameKey(*unwrapped, key_));
}

TEST_F(WrappedKeyTest, TwoWrapsOfOneKeyDiffer) {
  auto a = WrapKey(kwk_, 1, context_.bytes(), key_);
  auto b = WrapKey(kwk_, 1, context_.bytes(), key_);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);  // fresh salt and nonce every time
}

// MatchesTheDocumentedLayout opens a wrapped key by hand, following
// docs/formats/keys.md with the crypto wrappers, not with UnwrapKey.
TEST_F(WrappedKeyTest, MatchesTheDocumentedLayout) {
  auto wrapped = WrapKey(kwk_, 0x01020304, context_.bytes(), key_);
  ASSERT_TRUE(wrapped);
  const std::span<const std::uint8_t> w(*wrapped);
  EXPECT_EQ(w[1], 1);
  EXPECT_EQ(w[4], 4);
  auto one_time =
      crypto::HkdfSha256(kwk_.Reveal(), w.subspan(5, 16), Bytes("strongroom/key-wrap/v1"), 32);
  ASSERT_TRUE(one_time);
  auto aead = crypto::Aes256Gcm::Create(*one_time);
  ASSERT_TRUE(aead);
  std::vector<std::uint8_t> aad(w.begin(), w.begin() + 5);
  const std::uint8_t context[] = {
      0,   0,   0,   0,   0,   0,   0,   22,  's', 't', 'r', 'o', 'n', 'g', 'r',
      'o', 'o', 'm', '/', 'd', 'a', 't', 'a', '-', 'k', 'e', 'y', '/', 'v', '1',  // purpose
      0,   0,   0,   0,   0,   0,   0,   4,   'w', 's', '_', 'a',                 // workspace
      0,   0,   0,   0,   0,   0,   0,   5,   'o', 'b', 'j', '_', '1',            // object
      0,   0,   0,   0,   0,   0,   0,   7,                                       // version
      0,   0,   0,   0,   0,   0,   0,   5,   'e', 'd', 'k', '_', 'x'};           // domain
  ASSERT_TRUE(std::equal(context_.bytes().begin(), context_.bytes().end(), std::begin(context),
                         std::end(context)));
  aad.insert(aad.end(), std::begin(context), std::end(context));
  auto opened = aead->Open(w.subspan(21, 12), w.subspan(33), aad);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_TRUE(
      std::equal(opened->begin(), opened->end(), key_.Reveal().begin(), key_.Reveal().end()));
}

TEST_F(WrappedKeyTest, EveryContextComponentIsBound) {
  auto wrapped = WrapKey(kwk_, 1, context_.bytes(), key_);
  ASSERT_TRUE(wrapped);
  const KeyContext others[] = {
      DataKeyContext("ws_b", "obj_1", 7, "edk_x"),  // workspace
      DataKeyContext("ws_a", "obj_2", 7, "edk_x"),  // object id
      DataKeyContext("ws_a", "obj_1", 6, "edk_x"),  // version
      DataKeyContext("ws_a", "obj_1", 8, "edk_x"),
      DataKeyContext("ws_a", "obj_1", 7, "edk_y"),  // erasure domain
      KeyContext(kDomainKeyPurpose).Add("ws_a").Add("obj_1").AddU64(7).Add("edk_x"),  // purpose
  };
  for (const KeyContext& other : others) {
    Result<SecretBytes> r = UnwrapKey(kwk_, other.bytes(), *wrapped);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
    EXPECT_EQ(r.error().message(), "key unwrap failed");
  }
  auto kek = WrapKey(kwk_, 3, KekContext("ws_a", 3).bytes(), key_);
  ASSERT_TRUE(kek);
  EXPECT_FALSE(UnwrapKey(kwk_, KekContext("ws_a", 2).bytes(), *kek));
  EXPECT_FALSE(UnwrapKey(kwk_, KekContext("ws_b", 3).bytes(), *kek));
  EXPECT_FALSE(UnwrapKey(kwk_, DomainKeyContext("ws_a", "3").bytes(), *kek));
  auto domain = WrapKey(kwk_, 1, DomainKeyContext("ws_a", "edk_x").bytes(), key_);
  ASSERT_TRUE(domain);
  EXPECT_FALSE(UnwrapKey(kwk_, DomainKeyContext("ws_a", "edk_y").bytes(), *domain));
  EXPECT_FALSE(UnwrapKey(kwk_, DomainKeyContext("ws_b", "edk_x").bytes(), *domain));
}

TEST_F(WrappedKeyTest, ContextEncodingIsUnambiguous) {
  KeyContext a("p");
  a.Add("ab").Add("c");
  KeyContext b("p");
  b.Add("a").Add("bc");
  EXPECT_FALSE(std::ranges::equal(a.bytes(), b.bytes()));
}

TEST_F(WrappedKeyTest, EveryFlippedBitFails) {
  auto wrapped = WrapKey(kwk_, 1, context_.bytes(), key_);
  ASSERT_TRUE(wrapped);
  for (std::size_t i = 0; i < wrapped->size() * 8; ++i) {
    std::vector<std::uint8_t> bad = *wrapped;
    bad[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    Result<SecretBytes> r = UnwrapKey(kwk_, context_.bytes(), bad);
    ASSERT_FALSE(r) << "bit " << i;
    EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
  }
}

TEST_F(WrappedKeyTest, EveryTruncationAndExtensionFails) {
  auto wrapped = WrapKey(kwk_, 1, context_.bytes(), key_);
  ASSERT_TRUE(wrapped);
  for (std::size_t n = 0; n < wrapped->size(); ++n) {
    Result<SecretBytes> r =
        UnwrapKey(kwk_, context_.bytes(), std::span<const std::uint8_t>(*wrapped).first(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
    EXPECT_FALSE(WrappedKeyVersion(std::span<const std::uint8_t>(*wrapped).first(n)));
  }
  std::vector<std::uint8_t> longer = *wrapped;
  longer.push_back(0);
  EXPECT_FALSE(UnwrapKey(kwk_, context_.bytes(), longer));
}

TEST_F(WrappedKeyTest, WrongKwkFailsAndBadSizesAreRejected) {
  auto wrapped = WrapKey(kwk_, 1, context_.bytes(), key_);
  ASSERT_TRUE(wrapped);
  EXPECT_FALSE(UnwrapKey(crypto::RandomKey(32), context_.bytes(), *wrapped));
  EXPECT_EQ(WrapKey(crypto::RandomKey(16), 1, context_.bytes(), key_).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(WrapKey(kwk_, 1, context_.bytes(), crypto::RandomKey(31)).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(UnwrapKey(crypto::RandomKey(16), context_.bytes(), *wrapped).error().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sr::keys
