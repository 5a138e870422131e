// Every tampering the format promises to detect, each as its own test. A
// tampered blob must fail with kDataLoss and release no unverified byte.

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "object_format/internal/test_util.h"

namespace sr::object_format {
namespace {

using testutil::kTestSegment;
using testutil::OpenReader;
using testutil::Pattern;
using testutil::ReadBlob;
using testutil::TestIdentity;
using testutil::WriteBlob;

constexpr std::uint32_t S = kTestSegment;
constexpr std::size_t F = S + 16;  // a full segment in the blob

class TamperTest : public ::testing::Test {
 protected:
  SecretBytes key_ = crypto::RandomKey();
  ObjectIdentity id_ = TestIdentity();
  std::vector<std::uint8_t> plaintext_ = Pattern(3 * S + 17);  // segments: S, S, S, 17
  std::vector<std::uint8_t> blob_ = WriteBlob(id_, key_, plaintext_);
  std::size_t h_ = ParseHeader(blob_)->size();

  std::span<const std::uint8_t> Segment(const std::vector<std::uint8_t>& blob, std::size_t i,
                                        std::size_t size = F) {
    return std::span(blob).subspan(h_ + i * F, size);
  }

  // ExpectRejected: reading `blob` as `expected` under `key` fails with
  // kDataLoss, and whatever reached the sink is a prefix of the plaintext.
  void ExpectRejected(std::span<const std::uint8_t> blob, const SecretBytes& key,
                      const ObjectIdentity& expected) {
    auto reader = OpenReader(blob, expected, key);
    if (!reader) {
      EXPECT_EQ(reader.error().code(), ErrorCode::kDataLoss) << reader.error().ToString();
      return;
    }
    SpanSource source(blob);
    VectorSink sink;
    auto read = reader->ReadAll(source, sink);
    ASSERT_FALSE(read) << "tampered blob was accepted";
    EXPECT_EQ(read.error().code(), ErrorCode::kDataLoss) << read.error().ToString();
    ASSERT_LE(sink.bytes.size(), plaintext_.size());
    EXPECT_TRUE(std::equal(sink.bytes.begin(), sink.bytes.end(), plaintext_.begin()));
  }
  void ExpectRejected(std::span<const std::uint8_t> blob) { ExpectRejected(blob, key_, id_); }
};

TEST_F(TamperTest, IntactBlobReads) { EXPECT_EQ(*ReadBlob(blob_, id_, key_), plaintext_); }

TEST_F(TamperTest, TruncationAtEverySegmentBoundary) {
  for (std::size_t k = 0; k <= 3; ++k) {
    SCOPED_TRACE(k);
    ExpectRejected(std::span(blob_).first(h_ + k * F));
  }
}

TEST_F(TamperTest, TruncationAtEveryLength) {
  for (std::size_t n = 0; n < blob_.size(); ++n) {
    SCOPED_TRACE(n);
    ExpectRejected(std::span(blob_).first(n));
  }
}

TEST_F(TamperTest, TruncationOfTheEmptyObjectToItsHeader) {
  auto empty = WriteBlob(id_, key_, {});
  ASSERT_TRUE(ReadBlob(empty, id_, key_));
  ExpectRejected(std::span(empty).first(empty.size() - 16));
  ExpectRejected(std::span(empty).first(empty.size() - 1));
}

TEST_F(TamperTest, ExtensionByAnAppendedSegment) {
  for (std::size_t i = 0; i < 3; ++i) {
    auto longer = blob_;
    auto seg = Segment(blob_, i);
    longer.insert(longer.end(), seg.begin(), seg.end());
    ExpectRejected(longer);
  }
  // A full-size object followed by a copy of its own final segment.
  auto exact_plain = Pattern(2 * S);
  auto exact = WriteBlob(id_, key_, exact_plain);
  auto longer = exact;
  longer.insert(longer.end(), exact.end() - static_cast<std::ptrdiff_t>(F), exact.end());
  plaintext_ = exact_plain;
  ExpectRejected(longer);
}

TEST_F(TamperTest, ExtensionByAppendedBytes) {
  for (std::size_t extra : std::initializer_list<std::size_t>{1, 15, 16, 17, 100, F, F + 1}) {
    SCOPED_TRACE(extra);
    auto longer = blob_;
    auto junk = crypto::RandomBytes(extra);
    longer.insert(longer.end(), junk.begin(), junk.end());
    ExpectRejected(longer);
  }
}

TEST_F(TamperTest, ReorderingTwoSegments) {
  auto swapped = blob_;
  std::swap_ranges(swapped.begin() + static_cast<std::ptrdiff_t>(h_),
                   swapped.begin() + static_cast<std::ptrdiff_t>(h_ + F),
                   swapped.begin() + static_cast<std::ptrdiff_t>(h_ + F));
  ExpectRejected(swapped);
  // Equal-sized segments, the final one among them.
  plaintext_ = Pattern(3 * S);
  auto even = WriteBlob(id_, key_, plaintext_);
  std::swap_ranges(even.begin() + static_cast<std::ptrdiff_t>(h_ + F),
                   even.begin() + static_cast<std::ptrdiff_t>(h_ + 2 * F),
                   even.begin() + static_cast<std::ptrdiff_t>(h_ + 2 * F));
  ExpectRejected(even);
  // A segment duplicated over its neighbour.
  auto dup = blob_;
  std::copy_n(dup.begin() + static_cast<std::ptrdiff_t>(h_), F,
              dup.begin() + static_cast<std::ptrdiff_t>(h_ + F));
  plaintext_ = Pattern(3 * S + 17);
  ExpectRejected(dup);
}

TEST_F(TamperTest, SegmentSplicedFromAnotherObjectWithTheSameKeyShape) {
  // Worst case: the donor even shares the data key and the salt, so only the
  // identity bound into the content key and AAD tells the segments apart.
  std::vector<std::uint8_t> salt(kSaltSize, 7);
  auto write = [&](const ObjectIdentity& id, std::span<const std::uint8_t> plain) {
    auto writer = ObjectWriter::CreateWithSalt(id, key_, testutil::WrappedKey(), S, salt);
    EXPECT_TRUE(writer);
    VectorSink sink;
    EXPECT_TRUE(writer->Write(plain, sink));
    EXPECT_TRUE(writer->Finish(sink));
    return std::move(sink.bytes);
  };
  auto splice_segment_1 = [&](std::vector<std::uint8_t> into,
                              const std::vector<std::uint8_t>& from) {
    std::copy_n(from.begin() + static_cast<std::ptrdiff_t>(h_ + F), F,
                into.begin() + static_cast<std::ptrdiff_t>(h_ + F));
    return into;
  };
  auto target = write(id_, plaintext_);
  std::vector<std::uint8_t> other_plain(plaintext_.size(), 0x33);

  // Control: a donor with the same identity, key and salt splices cleanly.
  auto same = splice_segment_1(target, write(id_, other_plain));
  auto back = ReadBlob(same, id_, key_);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)[S], 0x33);

  ObjectIdentity other = id_;
  other.object_id = "obj_someOtherObject0000000";  // same length: same offsets
  ExpectRejected(splice_segment_1(target, write(other, other_plain)));
  other = id_;
  other.version = 4;
  ExpectRejected(splice_segment_1(target, write(other, other_plain)));
  other = id_;
  other.workspace_id = "wsp_anotherTenant000000000";
  ExpectRejected(splice_segment_1(target, write(other, other_plain)));
}

TEST_F(TamperTest, EveryHeaderBitFlipped) {
  for (std::size_t bit = 0; bit < h_ * 8; ++bit) {
    SCOPED_TRACE(bit);
    auto bad = blob_;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    ExpectRejected(bad);
  }
}

TEST_F(TamperTest, EverySegmentBitFlipped) {
  for (std::size_t bit = h_ * 8; bit < blob_.size() * 8; ++bit) {
    SCOPED_TRACE(bit);
    auto bad = blob_;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    ExpectRejected(bad);
  }
}

TEST_F(TamperTest, HeaderOfAnotherBlobOfTheSameObject) {
  // Same identity and key, but another salt: the segments are bound to theirs.
  auto other = WriteBlob(id_, key_, plaintext_);
  auto mixed =
      std::vector<std::uint8_t>(other.begin(), other.begin() + static_cast<std::ptrdiff_t>(h_));
  mixed.insert(mixed.end(), blob_.begin() + static_cast<std::ptrdiff_t>(h_), blob_.end());
  ExpectRejected(mixed);
}

TEST_F(TamperTest, OlderVersionSubstitutedForANewerOne) {
  ObjectIdentity older = id_;
  older.version = 2;
  SecretBytes older_key = crypto::RandomKey();
  auto old_blob = WriteBlob(older, older_key, plaintext_);
  // The caller expects version 3 and unwrapped version 3's key...
  ExpectRejected(old_blob, key_, id_);
  // ...and even with the old version's own key, the identity does not match.
  auto reader = OpenReader(old_blob, id_, older_key);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().message(), "object identity mismatch");
}

TEST_F(TamperTest, BlobPresentedUnderAnotherObjectId) {
  ObjectIdentity expected = id_;
  expected.object_id = "obj_notTheOneInTheHeader00";
  auto reader = OpenReader(blob_, expected, key_);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(reader.error().message(), "object identity mismatch");
}

TEST_F(TamperTest, BlobPresentedUnderAnotherWorkspace) {
  ObjectIdentity expected = id_;
  expected.workspace_id = "wsp_anotherTenant000000000";
  auto reader = OpenReader(blob_, expected, key_);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().message(), "object identity mismatch");
}

TEST_F(TamperTest, BlobPresentedUnderAnotherErasureDomain) {
  ObjectIdentity expected = id_;
  expected.erasure_domain_id = "edk_someoneElse";
  auto reader = OpenReader(blob_, expected, key_);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().message(), "object identity mismatch");
}

TEST_F(TamperTest, WrongDataKey) {
  auto reader = OpenReader(blob_, id_, crypto::RandomKey());
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(reader.error().message(), "object header authentication failed");
  auto short_key = OpenReader(blob_, id_, SecretBytes(16));
  ASSERT_FALSE(short_key);
  EXPECT_EQ(short_key.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TamperTest, ACorruptMiddleSegmentStopsTheStreamBeforeIt) {
  auto bad = blob_;
  bad[h_ + 2 * F + 5] ^= 0x40;  // inside segment 2
  auto reader = OpenReader(bad, id_, key_);
  ASSERT_TRUE(reader);
  SpanSource source(bad);
  VectorSink sink;
  auto read = reader->ReadAll(source, sink);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message(), "object segment authentication failed");
  EXPECT_EQ(sink.bytes, std::vector(plaintext_.begin(), plaintext_.begin() + 2 * S));
}

}  // namespace
}  // namespace sr::object_format
