#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/hex.h"
#include "crypto/internal/aes_gcm.h"
#include "crypto/internal/test_vectors.h"
#include "crypto/random.h"

namespace sr::crypto {
namespace {

using internal::VectorRecord;

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void ExpectLengthsMatchHeaders(const VectorRecord& r, std::string_view text_field) {
  EXPECT_EQ(r.Param("Keylen"), r.Bytes("Key").size() * 8);
  EXPECT_EQ(r.Param("IVlen"), r.Bytes("IV").size() * 8);
  EXPECT_EQ(r.Param("PTlen"), r.Bytes(text_field).size() * 8);
  EXPECT_EQ(r.Param("AADlen"), r.Bytes("AAD").size() * 8);
  EXPECT_EQ(r.Param("Taglen"), r.Bytes("Tag").size() * 8);
}

void RunEncryptVectors(std::string_view file, std::size_t want_count) {
  auto records = internal::LoadVectors(file);
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), want_count);
  for (const auto& r : *records) {
    SCOPED_TRACE(testing::Message() << file << ":" << r.line);
    ExpectLengthsMatchHeaders(r, "PT");
    std::size_t tag_size = r.Bytes("Tag").size();
    auto sealed = internal::AesGcmSeal(r.Bytes("Key"), r.Bytes("IV"), r.Bytes("PT"), r.Bytes("AAD"),
                                       tag_size);
    ASSERT_TRUE(sealed) << sealed.error().ToString();
    EXPECT_EQ(HexEncode(*sealed), r.Str("CT") + r.Str("Tag"));
    auto opened =
        internal::AesGcmOpen(r.Bytes("Key"), r.Bytes("IV"), *sealed, r.Bytes("AAD"), tag_size);
    ASSERT_TRUE(opened) << opened.error().ToString();
    EXPECT_EQ(*opened, r.Bytes("PT"));
  }
}

TEST(AesGcmKatTest, CavpEncryptSubset) { RunEncryptVectors("gcmEncryptExtIV256.subset.rsp", 22); }

TEST(AesGcmKatTest, GcmSpecTestCases13To18) { RunEncryptVectors("gcm_spec_aes256.rsp", 6); }

TEST(AesGcmKatTest, CavpDecryptSubset) {
  auto records = internal::LoadVectors("gcmDecrypt256.subset.rsp");
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 24u);
  int failures = 0;
  for (const auto& r : *records) {
    SCOPED_TRACE(r.line);
    std::vector<std::uint8_t> input = r.Bytes("CT");
    std::vector<std::uint8_t> tag = r.Bytes("Tag");
    input.insert(input.end(), tag.begin(), tag.end());
    auto opened =
        internal::AesGcmOpen(r.Bytes("Key"), r.Bytes("IV"), input, r.Bytes("AAD"), tag.size());
    if (r.HasFlag("FAIL")) {
      ++failures;
      ASSERT_FALSE(opened);
      EXPECT_EQ(opened.error().code(), ErrorCode::kDataLoss);
    } else {
      ExpectLengthsMatchHeaders(r, "PT");
      ASSERT_TRUE(opened) << opened.error().ToString();
      EXPECT_EQ(*opened, r.Bytes("PT"));
    }
  }
  EXPECT_EQ(failures, 6);
}

TEST(AesGcmKatTest, HighLevelApiMatchesGcmSpecTestCase16) {
  auto key = HexDecode("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  auto nonce = HexDecode("cafebabefacedbaddecaf888");
  auto aad = HexDecode("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  auto pt = HexDecode(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  auto aead = Aes256Gcm::Create(SecretBytes(*key));
  ASSERT_TRUE(aead);
  auto sealed = aead->Seal(*nonce, *pt, *aad);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(HexEncode(*sealed),
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
            "76fc6ece0f4e1768cddf8853bb2d551b");
}

TEST(AesGcmRawTest, RejectsBadParameters) {
  std::vector<std::uint8_t> key(32, 1), iv(12, 2);
  for (std::size_t tag : {0, 1, 5, 11, 17}) {
    EXPECT_FALSE(internal::AesGcmSeal(key, iv, {}, {}, tag)) << tag;
  }
  EXPECT_FALSE(internal::AesGcmSeal(key, {}, {}, {}, 16));
  EXPECT_FALSE(internal::AesGcmSeal(key, std::vector<std::uint8_t>(129, 0), {}, {}, 16));
  EXPECT_TRUE(internal::AesGcmSeal(key, std::vector<std::uint8_t>(128, 0), {}, {}, 16));
  EXPECT_FALSE(internal::AesGcmSeal(std::vector<std::uint8_t>(16, 0), iv, {}, {}, 16));
}

class Aes256GcmTest : public testing::Test {
 protected:
  Aes256Gcm aead_ = *Aes256Gcm::Create(RandomKey());
  std::vector<std::uint8_t> nonce_ = RandomBytes(kAes256GcmNonceSize);
  std::vector<std::uint8_t> aad_ = {'h', 'e', 'a', 'd', 'e', 'r'};
  std::vector<std::uint8_t> sealed_ = *aead_.Seal(nonce_, Bytes("attack at dawn"), aad_);

  void ExpectOpenFails(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> ct,
                       std::span<const std::uint8_t> aad) {
    auto opened = aead_.Open(nonce, ct, aad);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code(), ErrorCode::kDataLoss);
    EXPECT_EQ(opened.error().message(), "decryption failed");
  }
};

TEST_F(Aes256GcmTest, RoundTripsAndAppendsATag) {
  EXPECT_EQ(sealed_.size(), 14 + kAes256GcmTagSize);
  auto opened = aead_.Open(nonce_, sealed_, aad_);
  ASSERT_TRUE(opened);
  EXPECT_EQ(std::string(opened->begin(), opened->end()), "attack at dawn");
  auto empty = aead_.Seal(nonce_, {}, {});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), kAes256GcmTagSize);
  EXPECT_TRUE(aead_.Open(nonce_, *empty, {}));
}

TEST_F(Aes256GcmTest, CreateAcceptsOnly32ByteKeys) {
  for (std::size_t n : {0, 16, 24, 31, 33, 64}) {
    auto r = Aes256Gcm::Create(SecretBytes(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(Aes256GcmTest, NonceMustBe12Bytes) {
  for (std::size_t n : {0, 8, 11, 13, 16}) {
    std::vector<std::uint8_t> nonce(n, 0);
    EXPECT_EQ(aead_.Seal(nonce, {}, {}).error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(aead_.Open(nonce, sealed_, aad_).error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(Aes256GcmTest, FlippingAnyBitOfCiphertextTagNonceOrAadFails) {
  for (std::size_t i = 0; i < sealed_.size() * 8; ++i) {
    auto bad = sealed_;
    bad[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    ExpectOpenFails(nonce_, bad, aad_);
  }
  for (std::size_t i = 0; i < nonce_.size() * 8; ++i) {
    auto bad = nonce_;
    bad[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    ExpectOpenFails(bad, sealed_, aad_);
  }
  for (std::size_t i = 0; i < aad_.size() * 8; ++i) {
    auto bad = aad_;
    bad[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    ExpectOpenFails(nonce_, sealed_, bad);
  }
}

TEST_F(Aes256GcmTest, TruncationAndExtensionFail) {
  for (std::size_t n = 0; n < sealed_.size(); ++n) {
    ExpectOpenFails(nonce_, std::span(sealed_).first(n), aad_);
  }
  auto longer = sealed_;
  longer.push_back(0);
  ExpectOpenFails(nonce_, longer, aad_);
  auto longer_aad = aad_;
  longer_aad.push_back(0);
  ExpectOpenFails(nonce_, sealed_, longer_aad);
  ExpectOpenFails(nonce_, sealed_, {});
}

TEST_F(Aes256GcmTest, WrongKeyFails) {
  Aes256Gcm other = *Aes256Gcm::Create(RandomKey());
  auto opened = other.Open(nonce_, sealed_, aad_);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), ErrorCode::kDataLoss);
}

TEST_F(Aes256GcmTest, ConcurrentUseOfOneInstance) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t, &ok] {
      for (int i = 0; i < 200; ++i) {
        auto nonce = RandomBytes(kAes256GcmNonceSize);
        auto sealed = aead_.Seal(nonce, Bytes("concurrent"), aad_);
        auto opened = aead_.Open(nonce, *sealed, aad_);
        ok[t] += opened && opened->size() == 10;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 200);
}

// ---- Aes256GcmContext: the allocation-free, reusable form ----

class Aes256GcmContextTest : public testing::Test {
 protected:
  SecretBytes key_ = RandomKey();
  Aes256Gcm aead_ = *Aes256Gcm::Create(key_);
  Aes256GcmContext ctx_ = *Aes256GcmContext::Create(key_);
  std::vector<std::uint8_t> aad_ = {'s', 'e', 'g'};

  static std::vector<std::uint8_t> Nonce(std::uint8_t i) {
    std::vector<std::uint8_t> n(kAes256GcmNonceSize, 0);
    n[10] = i;
    return n;
  }
};

TEST_F(Aes256GcmContextTest, MatchesGcmSpecTestCase16) {
  auto key = HexDecode("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  auto nonce = HexDecode("cafebabefacedbaddecaf888");
  auto aad = HexDecode("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  auto pt = HexDecode(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  auto ctx = Aes256GcmContext::Create(SecretBytes(*key));
  ASSERT_TRUE(ctx);
  std::vector<std::uint8_t> out(pt->size() + kAes256GcmTagSize);
  ASSERT_TRUE(ctx->SealInto(*nonce, *pt, *aad, out));
  EXPECT_EQ(HexEncode(out),
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
            "76fc6ece0f4e1768cddf8853bb2d551b");
  std::vector<std::uint8_t> back(pt->size());
  ASSERT_TRUE(ctx->OpenInto(*nonce, out, *aad, back));
  EXPECT_EQ(back, *pt);
}

TEST_F(Aes256GcmContextTest, SameBytesAsAes256GcmAcrossSizesAndReuse) {
  // One context, many messages, directions interleaved: each result must equal
  // the one-shot API's, so no state leaks from one message into the next.
  for (std::size_t size : {0, 1, 15, 16, 17, 255, 4096, 65536 + 3}) {
    std::vector<std::uint8_t> pt = RandomBytes(size);
    auto nonce = Nonce(static_cast<std::uint8_t>(size));
    auto want = aead_.Seal(nonce, pt, aad_);
    ASSERT_TRUE(want);
    std::vector<std::uint8_t> out(size + kAes256GcmTagSize);
    ASSERT_TRUE(ctx_.SealInto(nonce, pt, aad_, out));
    EXPECT_EQ(out, *want) << size;
    std::vector<std::uint8_t> back(size);
    ASSERT_TRUE(ctx_.OpenInto(nonce, *want, aad_, back)) << size;
    EXPECT_EQ(back, pt) << size;
  }
}

TEST_F(Aes256GcmContextTest, WorksInPlace) {
  std::vector<std::uint8_t> pt = RandomBytes(1000);
  auto nonce = Nonce(7);
  std::vector<std::uint8_t> buf(pt.size() + kAes256GcmTagSize);
  std::copy(pt.begin(), pt.end(), buf.begin());
  ASSERT_TRUE(ctx_.SealInto(nonce, std::span(buf).first(pt.size()), aad_, buf));
  EXPECT_EQ(buf, *aead_.Seal(nonce, pt, aad_));
  ASSERT_TRUE(ctx_.OpenInto(nonce, buf, aad_, std::span(buf).first(pt.size())));
  EXPECT_TRUE(std::equal(pt.begin(), pt.end(), buf.begin()));
}

TEST_F(Aes256GcmContextTest, EveryFlippedBitFailsAndWipesTheOutput) {
  std::vector<std::uint8_t> pt(40, 0x5a);
  auto nonce = Nonce(1);
  std::vector<std::uint8_t> sealed(pt.size() + kAes256GcmTagSize);
  ASSERT_TRUE(ctx_.SealInto(nonce, pt, aad_, sealed));
  for (std::size_t i = 0; i < sealed.size() * 8; ++i) {
    auto bad = sealed;
    bad[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    std::vector<std::uint8_t> out(pt.size(), 0xee);
    auto opened = ctx_.OpenInto(nonce, bad, aad_, out);
    ASSERT_FALSE(opened) << i;
    EXPECT_EQ(opened.error().code(), ErrorCode::kDataLoss);
    EXPECT_EQ(opened.error().message(), "decryption failed");
    EXPECT_EQ(out, std::vector<std::uint8_t>(pt.size(), 0)) << "output not wiped, bit " << i;
  }
  std::vector<std::uint8_t> out(pt.size());
  EXPECT_FALSE(ctx_.OpenInto(Nonce(2), sealed, aad_, out));
  EXPECT_FALSE(ctx_.OpenInto(nonce, sealed, {}, out));
  // A failure leaves the context usable.
  EXPECT_TRUE(ctx_.OpenInto(nonce, sealed, aad_, out));
  EXPECT_EQ(out, pt);
}

TEST_F(Aes256GcmContextTest, RejectsBadSizesAndPartialOverlap) {
  std::vector<std::uint8_t> buf(64);
  auto nonce = Nonce(3);
  auto pt = std::span(buf).first(16);
  std::vector<std::uint8_t> short_nonce(11);
  EXPECT_EQ(ctx_.SealInto(short_nonce, pt, {}, std::span(buf).subspan(32, 32)).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ctx_.SealInto(nonce, pt, {}, std::span(buf).subspan(32, 31)).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ctx_.SealInto(nonce, pt, {}, std::span(buf).subspan(8, 32)).error().code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(ctx_.SealInto(nonce, pt, {}, std::span(buf).subspan(32, 32)));
  auto sealed = std::span(buf).subspan(32, 32);
  EXPECT_EQ(ctx_.OpenInto(nonce, sealed, {}, std::span(buf).first(15)).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ctx_.OpenInto(nonce, sealed, {}, std::span(buf).subspan(40, 16)).error().code(),
            ErrorCode::kInvalidArgument);
  std::vector<std::uint8_t> short_input(15), none;
  EXPECT_EQ(ctx_.OpenInto(nonce, short_input, {}, none).error().code(), ErrorCode::kDataLoss);
  for (std::size_t n : {0, 16, 31, 33}) {
    auto r = Aes256GcmContext::Create(SecretBytes(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(Aes256GcmContextTest, OneContextPerThread) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t, &ok] {
      Aes256GcmContext ctx = *Aes256GcmContext::Create(key_);
      std::vector<std::uint8_t> pt = RandomBytes(300), out(316), back(300);
      for (int i = 0; i < 200; ++i) {
        auto nonce = RandomBytes(kAes256GcmNonceSize);
        ok[t] += ctx.SealInto(nonce, pt, aad_, out) && ctx.OpenInto(nonce, out, aad_, back) &&
                 back == pt && *aead_.Open(nonce, out, aad_) == pt;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 200);
}

}  // namespace
}  // namespace sr::crypto
