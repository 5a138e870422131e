#include "crypto/internal/test_vectors.h"

#include <gtest/gtest.h>

namespace sr::crypto::internal {
namespace {

TEST(TestVectorsTest, ParsesCavpStyleRecords) {
  constexpr std::string_view kText =
      "# CAVS 14.0\r\n"
      "[Keylen = 256]\r\n"
      "[ENCRYPT]\r\n"
      "\r\n"
      "Count = 0\r\n"
      "Key = 00ff\r\n"
      "PT =\r\n"
      "\r\n"
      "Count = 1\n"
      "Key = AB\n"
      "FAIL\n"
      "[Keylen = 128]\n"
      "Count = 0\n";
  auto records = ParseVectors(kText);
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 3u);
  const VectorRecord& first = (*records)[0];
  EXPECT_EQ(first.line, 5);
  EXPECT_EQ(first.Param("Keylen"), 256u);
  EXPECT_TRUE(first.params.contains("ENCRYPT"));
  EXPECT_EQ(first.Bytes("Key"), (std::vector<std::uint8_t>{0x00, 0xff}));
  EXPECT_TRUE(first.Has("PT"));
  EXPECT_TRUE(first.Bytes("PT").empty());
  EXPECT_FALSE(first.HasFlag("FAIL"));
  EXPECT_TRUE((*records)[1].HasFlag("FAIL"));
  EXPECT_EQ((*records)[2].Param("Keylen"), 128u);
}

TEST(TestVectorsTest, ReportsMissingAndMalformedFields) {
  auto records = ParseVectors("Key = zz\n");
  ASSERT_TRUE(records);
  EXPECT_THROW((*records)[0].Bytes("Key"), std::invalid_argument);
  EXPECT_THROW((*records)[0].Str("IV"), std::out_of_range);
  EXPECT_THROW((*records)[0].Param("Keylen"), std::out_of_range);
}

TEST(TestVectorsTest, RejectsRepeatedFieldsAndBadHeaders) {
  EXPECT_FALSE(ParseVectors("Key = 00\nKey = 01\n"));
  EXPECT_FALSE(ParseVectors("[Keylen = 256\n"));
}

TEST(TestVectorsTest, MissingFileIsNotFound) {
  auto records = LoadVectors("no-such-file.txt");
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace sr::crypto::internal
