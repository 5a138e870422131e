// Header syntax (ParseHeader needs no key), identity rules and rewrapping.

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "object_format/internal/test_util.h"

namespace sr::object_format {
namespace {

using testutil::kTestSegment;
using testutil::Pattern;
using testutil::ReadBlob;
using testutil::TestIdentity;
using testutil::WriteBlob;

class HeaderTest : public ::testing::Test {
 protected:
  SecretBytes key_ = crypto::RandomKey();
  std::vector<std::uint8_t> blob_ = WriteBlob(TestIdentity(), key_, Pattern(600));
  std::vector<std::uint8_t> header_ = std::vector<std::uint8_t>(
      blob_.begin(), blob_.begin() + static_cast<std::ptrdiff_t>(ParseHeader(blob_)->size()));

  // ExpectCorrupt parses `bytes` and expects kDataLoss with `message`.
  static void ExpectCorrupt(std::span<const std::uint8_t> bytes, std::string_view message) {
    auto parsed = ParseHeader(bytes);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code(), ErrorCode::kDataLoss);
    EXPECT_EQ(parsed.error().message(), message);
  }
};

TEST_F(HeaderTest, FieldsSitWhereTheFormatDocSays) {
  const ObjectIdentity id = TestIdentity();
  const std::size_t w = id.workspace_id.size(), o = id.object_id.size(),
                    e = id.erasure_domain_id.size();
  const std::size_t c = 59 + w + o + e;
  ASSERT_EQ(header_.size(), c + 34 + testutil::WrappedKey().size());
  EXPECT_TRUE(std::equal(kMagic.begin(), kMagic.end(), header_.begin()));
  EXPECT_EQ(header_[8], 0);
  EXPECT_EQ(header_[9], 1);   // format version 1
  EXPECT_EQ(header_[11], 1);  // suite 1
  EXPECT_EQ(header_[12] << 24 | header_[13] << 16 | header_[14] << 8 | header_[15],
            static_cast<int>(kTestSegment));
  EXPECT_EQ(header_[16], w);
  EXPECT_EQ(std::string(header_.begin() + 17, header_.begin() + 17 + w), id.workspace_id);
  EXPECT_EQ(header_[17 + w], o);
  EXPECT_EQ(header_[18 + w + o + 7], 3);  // version 3, big-endian u64
  EXPECT_EQ(header_[26 + w + o], e);
  EXPECT_EQ(header_[c] << 8 | header_[c + 1], 60);  // wrapped key length

  auto parsed = ParseHeader(blob_);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->identity(), id);
  EXPECT_EQ(parsed->segment_size(), kTestSegment);
  EXPECT_EQ(parsed->core().size(), c);
  EXPECT_EQ(std::vector(parsed->wrapped_data_key().begin(), parsed->wrapped_data_key().end()),
            testutil::WrappedKey());
}

TEST_F(HeaderTest, EveryTruncationIsCorrupt) {
  ASSERT_TRUE(ParseHeader(header_));
  for (std::size_t n = 0; n < header_.size(); ++n) {
    ExpectCorrupt(std::span(header_).first(n), "object header truncated");
  }
}

TEST_F(HeaderTest, RejectsWrongMagicVersionSuiteAndSegmentSize) {
  auto h = header_;
  h[0] ^= 1;
  ExpectCorrupt(h, "not a strongroom object");
  h = header_;
  h[9] = 2;
  ExpectCorrupt(h, "unsupported object format version");
  h = header_;
  h[11] = 2;
  ExpectCorrupt(h, "unsupported object suite");
  for (std::uint32_t seg : {0u, 255u, 257u, 1u << 23, 0xffffffffu}) {
    h = header_;
    for (int i = 0; i < 4; ++i) h[12 + i] = static_cast<std::uint8_t>(seg >> (24 - 8 * i));
    ExpectCorrupt(h, "invalid object segment size");
  }
}

TEST_F(HeaderTest, RejectsBadIdsAndWrappedKeyLengths) {
  auto h = header_;
  h[17] = 0x20;  // a space in the workspace id
  ExpectCorrupt(h, "invalid id in object header");
  h[17] = 0x7f;
  ExpectCorrupt(h, "invalid id in object header");
  h = header_;
  h[16] = 0;  // empty workspace id
  ExpectCorrupt(h, "invalid id in object header");
  h = header_;
  h[16] = 65;  // too long (the bytes are there, but 65 > 64)
  ExpectCorrupt(h, "invalid id in object header");

  const std::size_t c = ParseHeader(header_)->core().size();
  h = header_;
  h[c] = 0;
  h[c + 1] = 0;
  ExpectCorrupt(h, "invalid wrapped key length in object header");
  h[c] = 0x04;
  h[c + 1] = 0x01;  // 1025
  ExpectCorrupt(h, "invalid wrapped key length in object header");
}

TEST(ObjectIdTest, VisibleAsciiOneTo64) {
  EXPECT_TRUE(IsValidObjectId("a"));
  EXPECT_TRUE(IsValidObjectId(std::string(64, 'z')));
  EXPECT_TRUE(IsValidObjectId("!~wsp_AZaz09-./:"));
  EXPECT_FALSE(IsValidObjectId(""));
  EXPECT_FALSE(IsValidObjectId(std::string(65, 'z')));
  EXPECT_FALSE(IsValidObjectId("a b"));
  EXPECT_FALSE(IsValidObjectId(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValidObjectId("caf\xc3\xa9"));
  EXPECT_TRUE(ValidateIdentity(TestIdentity()));
  ObjectIdentity bad = TestIdentity();
  bad.erasure_domain_id.clear();
  EXPECT_EQ(ValidateIdentity(bad).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(HeaderTest, RewrapReplacesTheWrappedKeyAndLeavesSegmentsAlone) {
  auto parsed = ParseHeader(blob_);
  ASSERT_TRUE(parsed);
  for (std::size_t new_size : {std::size_t{60}, std::size_t{1}, std::size_t{200}}) {
    std::vector<std::uint8_t> new_wrapped(new_size, 0xcd);
    auto rewrapped = RewrapHeader(*parsed, key_, new_wrapped);
    ASSERT_TRUE(rewrapped) << rewrapped.error().ToString();
    std::vector<std::uint8_t> blob = *rewrapped;
    blob.insert(blob.end(), blob_.begin() + static_cast<std::ptrdiff_t>(parsed->size()),
                blob_.end());
    auto reparsed = ParseHeader(blob);
    ASSERT_TRUE(reparsed);
    EXPECT_EQ(std::vector(reparsed->wrapped_data_key().begin(), reparsed->wrapped_data_key().end()),
              new_wrapped);
    EXPECT_TRUE(std::equal(parsed->core().begin(), parsed->core().end(), reparsed->core().begin()));
    auto back = ReadBlob(blob, TestIdentity(), key_);
    ASSERT_TRUE(back) << back.error().ToString();
    EXPECT_EQ(*back, Pattern(600));
  }
}

TEST_F(HeaderTest, RewrapChecksTheOldMacAndTheArguments) {
  auto parsed = ParseHeader(blob_);
  ASSERT_TRUE(parsed);
  std::vector<std::uint8_t> wrapped(60, 1);
  auto wrong = RewrapHeader(*parsed, crypto::RandomKey(), wrapped);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), ErrorCode::kDataLoss);
  auto h = header_;
  h.back() ^= 1;
  auto tampered = ParseHeader(h);
  ASSERT_TRUE(tampered);
  EXPECT_EQ(RewrapHeader(*tampered, key_, wrapped).error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(RewrapHeader(*parsed, key_, {}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(RewrapHeader(*parsed, key_, std::vector<std::uint8_t>(1025)).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(RewrapHeader(*parsed, SecretBytes(31), wrapped).error().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sr::object_format
