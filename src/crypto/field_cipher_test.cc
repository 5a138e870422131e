#include "crypto/field_cipher.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/internal/test_vectors.h"
#include "crypto/mac.h"
#include "crypto/random.h"

namespace sr::crypto {
namespace {

FieldCipher MakeCipher(SecretBytes root) {
  auto deriver = KeyDeriver::Create(std::move(root));
  EXPECT_TRUE(deriver);
  auto cipher = FieldCipher::Create(*deriver);
  EXPECT_TRUE(cipher);
  return *std::move(cipher);
}

class FieldCipherTest : public testing::Test {
 protected:
  FieldCipher cipher_ = MakeCipher(RandomKey());
  std::vector<std::uint8_t> blob_ = *cipher_.Encrypt("users", "email", "42", "alice@example.com");

  void ExpectDecryptFails(std::string_view table, std::string_view column, std::string_view row,
                          std::span<const std::uint8_t> blob) {
    auto r = cipher_.Decrypt(table, column, row, blob);
    EXPECT_FALSE(r) << table << "/" << column << "/" << row << " size " << blob.size();
  }
};

TEST_F(FieldCipherTest, RoundTrips) {
  auto plaintext = cipher_.Decrypt("users", "email", "42", blob_);
  ASSERT_TRUE(plaintext) << plaintext.error().ToString();
  EXPECT_EQ(*plaintext, "alice@example.com");
  auto empty = cipher_.Encrypt("t", "c", "r", "");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), kFieldBlobOverhead);
  EXPECT_EQ(cipher_.Decrypt("t", "c", "r", *empty), "");
}

TEST_F(FieldCipherTest, BlobLayoutMatchesTheFormatDoc) {
  ASSERT_EQ(blob_.size(), kFieldBlobOverhead + 17);
  EXPECT_EQ(blob_[0], 0x01);
  std::uint32_t id =
      (std::uint32_t{blob_[1]} << 24) | (blob_[2] << 16) | (blob_[3] << 8) | blob_[4];
  EXPECT_EQ(id, cipher_.key_id());
}

TEST_F(FieldCipherTest, NoncesAreFreshSoEqualPlaintextsDiffer) {
  auto again = cipher_.Encrypt("users", "email", "42", "alice@example.com");
  ASSERT_TRUE(again);
  EXPECT_NE(*again, blob_);
  EXPECT_FALSE(std::equal(blob_.begin() + 5, blob_.begin() + 17, again->begin() + 5));
}

TEST_F(FieldCipherTest, FlippingAnyBitFails) {
  for (std::size_t i = 0; i < blob_.size() * 8; ++i) {
    auto bad = blob_;
    bad[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    ExpectDecryptFails("users", "email", "42", bad);
  }
}

TEST_F(FieldCipherTest, TruncationAndExtensionFail) {
  for (std::size_t n = 0; n < blob_.size(); ++n) {
    ExpectDecryptFails("users", "email", "42", std::span(blob_).first(n));
  }
  auto longer = blob_;
  longer.push_back(0);
  ExpectDecryptFails("users", "email", "42", longer);
}

TEST_F(FieldCipherTest, WrongCellFails) {
  ExpectDecryptFails("user", "email", "42", blob_);
  ExpectDecryptFails("users", "emails", "42", blob_);
  ExpectDecryptFails("users", "email", "43", blob_);
  ExpectDecryptFails("users", "phone", "42", blob_);
  // Length prefixes keep the boundaries between names unambiguous.
  ExpectDecryptFails("usersemail", "4", "2", blob_);
  ExpectDecryptFails("user", "semail", "42", blob_);
  auto r = cipher_.Decrypt("users", "email", "43", blob_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(r.error().message(), "field decryption failed");
}

TEST_F(FieldCipherTest, WrongVersionByteFails) {
  for (int v = 0; v < 256; ++v) {
    if (v == kFieldFormatVersion) continue;
    auto bad = blob_;
    bad[0] = static_cast<std::uint8_t>(v);
    auto r = cipher_.Decrypt("users", "email", "42", bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
  }
}

TEST_F(FieldCipherTest, OtherKeyIsNotFound) {
  FieldCipher other = MakeCipher(RandomKey());
  EXPECT_NE(other.key_id(), cipher_.key_id());
  auto r = other.Decrypt("users", "email", "42", blob_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

TEST_F(FieldCipherTest, RejectsEmptyNamesAndOversizedValues) {
  EXPECT_EQ(cipher_.Encrypt("", "c", "r", "x").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(cipher_.Encrypt("t", "", "r", "x").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(cipher_.Encrypt("t", "c", "", "x").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(cipher_.Decrypt("", "email", "42", blob_).error().code(), ErrorCode::kInvalidArgument);
  std::string max(kMaxFieldPlaintextSize, 'x');
  auto big = cipher_.Encrypt("t", "c", "r", max);
  ASSERT_TRUE(big);
  EXPECT_EQ(cipher_.Decrypt("t", "c", "r", *big), max);
  max.push_back('x');
  EXPECT_EQ(cipher_.Encrypt("t", "c", "r", max).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(FieldCipherTest, BlindIndexIsDeterministicAndBoundToItsColumn) {
  Digest a = cipher_.BlindIndex("users", "email", "alice@example.com");
  EXPECT_EQ(a, cipher_.BlindIndex("users", "email", "alice@example.com"));
  EXPECT_NE(a, cipher_.BlindIndex("users", "email", "bob@example.com"));
  EXPECT_NE(a, cipher_.BlindIndex("users", "backup_email", "alice@example.com"));
  EXPECT_NE(a, cipher_.BlindIndex("admins", "email", "alice@example.com"));
  EXPECT_NE(cipher_.BlindIndex("ab", "c", "d"), cipher_.BlindIndex("a", "bc", "d"));
  EXPECT_NE(a, MakeCipher(RandomKey()).BlindIndex("users", "email", "alice@example.com"));
}

TEST(FieldCipherFormatTest, DecryptsPinnedV1Blobs) {
  auto records = internal::LoadVectors("field_encryption_v1.txt");
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 3u);
  for (const auto& r : *records) {
    SCOPED_TRACE(r.line);
    FieldCipher cipher = MakeCipher(SecretBytes(r.Bytes("Root")));
    EXPECT_EQ(HexEncode(r.Bytes("Blob")).substr(2, 8), r.Str("KeyId"));
    EXPECT_EQ(cipher.key_id(), std::stoul(r.Str("KeyId"), nullptr, 16));
    auto plaintext =
        cipher.Decrypt(r.Str("Table"), r.Str("Column"), r.Str("RowId"), r.Bytes("Blob"));
    ASSERT_TRUE(plaintext) << plaintext.error().ToString();
    std::vector<std::uint8_t> want = r.Bytes("Plaintext");
    EXPECT_EQ(*plaintext, std::string(want.begin(), want.end()));
    EXPECT_EQ(HexEncode(cipher.BlindIndex(r.Str("Table"), r.Str("Column"), r.Str("BlindValue"))),
              r.Str("BlindIndex"));
  }
}

}  // namespace
}  // namespace sr::crypto
