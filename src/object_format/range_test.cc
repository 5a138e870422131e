// Range reads: byte-exact at and around every segment boundary, only the
// segments needed, the final segment verified before any byte goes out.

#include <gtest/gtest.h>

#include <set>

#include "crypto/random.h"
#include "object_format/internal/test_util.h"

namespace sr::object_format {
namespace {

using testutil::kTestSegment;
using testutil::OpenReader;
using testutil::Pattern;
using testutil::TestIdentity;
using testutil::WriteBlob;

constexpr std::uint32_t S = kTestSegment;
constexpr std::size_t F = S + 16;

// LoggingSource serves a blob and records which offsets were read, in order.
class LoggingSource : public RandomAccessSource {
 public:
  explicit LoggingSource(std::span<const std::uint8_t> blob) : inner_(blob) {}
  Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) override {
    reads.push_back(offset);
    return inner_.ReadAt(offset, out);
  }
  std::vector<std::uint64_t> reads;

 private:
  SpanSource inner_;
};

class RangeTest : public ::testing::Test {
 protected:
  SecretBytes key_ = crypto::RandomKey();
  std::vector<std::uint8_t> plaintext_ = crypto::RandomBytes(3 * S + 17);
  std::vector<std::uint8_t> blob_ = WriteBlob(TestIdentity(), key_, plaintext_);
  std::uint64_t h_ = ParseHeader(blob_)->size();

  ObjectReader Reader(std::span<const std::uint8_t> blob) {
    auto reader = OpenReader(blob, TestIdentity(), key_);
    EXPECT_TRUE(reader) << reader.error().ToString();
    return std::move(*reader);
  }
  std::uint64_t Offset(std::uint64_t segment) const { return h_ + segment * F; }
};

TEST_F(RangeTest, AtAndAroundEverySegmentBoundary) {
  const std::uint64_t size = plaintext_.size();
  std::set<std::uint64_t> points;
  for (std::uint64_t boundary :
       {std::uint64_t{0}, std::uint64_t{S}, std::uint64_t{2 * S}, std::uint64_t{3 * S}, size}) {
    for (int d = -2; d <= 2; ++d) {
      std::int64_t p = static_cast<std::int64_t>(boundary) + d;
      if (p >= 0 && static_cast<std::uint64_t>(p) < size)
        points.insert(static_cast<std::uint64_t>(p));
    }
  }
  ObjectReader reader = Reader(blob_);
  SpanSource source(blob_);
  int checked = 0;
  for (std::uint64_t a : points) {
    for (std::uint64_t z : points) {
      if (z < a) continue;
      VectorSink sink;
      auto read = reader.ReadRange(source, a, z, sink);
      ASSERT_TRUE(read) << a << "-" << z << ": " << read.error().ToString();
      ASSERT_TRUE(std::equal(sink.bytes.begin(), sink.bytes.end(), plaintext_.begin() + a,
                             plaintext_.begin() + z + 1))
          << a << "-" << z;
      ASSERT_EQ(sink.bytes.size(), z - a + 1);
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST_F(RangeTest, EverySingleByte) {
  ObjectReader reader = Reader(blob_);
  SpanSource source(blob_);
  for (std::uint64_t i = 0; i < plaintext_.size(); ++i) {
    VectorSink sink;
    ASSERT_TRUE(reader.ReadRange(source, i, i, sink));
    ASSERT_EQ(sink.bytes, std::vector<std::uint8_t>{plaintext_[i]}) << i;
  }
}

TEST_F(RangeTest, ReadsOnlyTheSegmentsItNeeds) {
  ObjectReader reader = Reader(blob_);
  LoggingSource source(blob_);
  VectorSink sink;
  ASSERT_TRUE(reader.ReadRange(source, S + 10, S + 20, sink));
  // The final segment once (for the length), then segment 1 only.
  EXPECT_EQ(source.reads, (std::vector<std::uint64_t>{Offset(3), Offset(1)}));
  EXPECT_TRUE(reader.length_verified());
  source.reads.clear();
  ASSERT_TRUE(reader.ReadRange(source, 10, S + 1, sink));
  EXPECT_EQ(source.reads, (std::vector<std::uint64_t>{Offset(0), Offset(1)}));
}

TEST_F(RangeTest, FullReadOpensEachSegmentOnce) {
  ObjectReader reader = Reader(blob_);
  LoggingSource source(blob_);
  VectorSink sink;
  ASSERT_TRUE(reader.ReadAll(source, sink));
  EXPECT_EQ(sink.bytes, plaintext_);
  EXPECT_EQ(source.reads, (std::vector<std::uint64_t>{Offset(3), Offset(0), Offset(1), Offset(2)}));
}

TEST_F(RangeTest, SuffixRangeVerifiesTheFinalSegmentFirst) {
  // bytes=-200: the last 200 bytes span segments 2 (bytes 512-767) and 3.
  const std::uint64_t size = plaintext_.size();
  ObjectReader reader = Reader(blob_);
  LoggingSource source(blob_);
  VectorSink sink;
  ASSERT_TRUE(reader.ReadRange(source, size - 200, size - 1, sink));
  EXPECT_EQ(source.reads, (std::vector<std::uint64_t>{Offset(3), Offset(2)}));
  EXPECT_TRUE(std::equal(sink.bytes.begin(), sink.bytes.end(), plaintext_.end() - 200));

  // With the final segment corrupted, not one byte of segment 2 goes out.
  auto bad = blob_;
  bad.back() ^= 1;
  ObjectReader bad_reader = Reader(bad);
  SpanSource bad_source(bad);
  VectorSink nothing;
  auto read = bad_reader.ReadRange(bad_source, size - 200, size - 1, nothing);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kDataLoss);
  EXPECT_TRUE(nothing.bytes.empty());
}

TEST_F(RangeTest, ARangeFarFromTheEndStillDetectsTruncation) {
  // Cut after segment 2: segments 0 and 1 are intact, but the blob is short.
  auto cut = std::vector(blob_.begin(), blob_.begin() + static_cast<std::ptrdiff_t>(Offset(3)));
  ObjectReader reader = Reader(cut);
  SpanSource source(cut);
  VectorSink sink;
  auto read = reader.ReadRange(source, 0, 9, sink);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kDataLoss);
  EXPECT_TRUE(sink.bytes.empty());
  EXPECT_FALSE(reader.length_verified());
}

TEST_F(RangeTest, OutOfRangeRequests) {
  ObjectReader reader = Reader(blob_);
  SpanSource source(blob_);
  VectorSink sink;
  const std::uint64_t size = plaintext_.size();
  EXPECT_EQ(reader.ReadRange(source, 5, 4, sink).error().code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(reader.ReadRange(source, 0, size, sink).error().code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(reader.ReadRange(source, size, size, sink).error().code(), ErrorCode::kOutOfRange);
  EXPECT_TRUE(sink.bytes.empty());

  auto empty_blob = WriteBlob(TestIdentity(), key_, {});
  ObjectReader empty = Reader(empty_blob);
  SpanSource empty_source(empty_blob);
  EXPECT_EQ(empty.ReadRange(empty_source, 0, 0, sink).error().code(), ErrorCode::kOutOfRange);
  EXPECT_TRUE(empty.ReadAll(empty_source, sink));
  EXPECT_TRUE(empty.length_verified());
  EXPECT_TRUE(sink.bytes.empty());
}

TEST_F(RangeTest, LowLevelPlanAndOpenSegmentInCallerBuffers) {
  ObjectReader reader = Reader(blob_);
  auto plan = reader.Plan(S - 3, 2 * S + 3);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->first_segment, 0u);
  EXPECT_EQ(plan->last_segment, 2u);
  EXPECT_EQ(plan->blob_offset, h_);
  EXPECT_EQ(plan->blob_length, 3 * F);
  EXPECT_FALSE(plan->includes_final);

  const auto& layout = reader.layout();
  std::vector<std::uint8_t> buf(F);
  // The final segment first, in place.
  const std::uint64_t last = layout.final_segment();
  auto final_ct = std::span(buf).first(layout.SegmentCiphertextSize(last));
  std::copy_n(blob_.begin() + static_cast<std::ptrdiff_t>(layout.SegmentOffset(last)),
              final_ct.size(), final_ct.begin());
  ASSERT_TRUE(reader.OpenSegment(last, final_ct, final_ct));
  EXPECT_TRUE(reader.length_verified());
  EXPECT_TRUE(std::equal(buf.begin(), buf.begin() + 17, plaintext_.begin() + 3 * S));

  std::vector<std::uint8_t> out;
  for (std::uint64_t i = plan->first_segment; i <= plan->last_segment; ++i) {
    auto ct = std::span(blob_).subspan(layout.SegmentOffset(i), layout.SegmentCiphertextSize(i));
    std::vector<std::uint8_t> plain(S + 5);  // larger than needed is fine
    ASSERT_TRUE(reader.OpenSegment(i, ct, plain));
    out.insert(out.end(), plain.begin(), plain.begin() + layout.SegmentPlaintextSize(i));
  }
  EXPECT_TRUE(std::equal(out.begin(), out.end(), plaintext_.begin()));

  auto seg0 = std::span(blob_).subspan(h_, F);
  std::vector<std::uint8_t> small(S - 1), plain(S);
  EXPECT_EQ(reader.OpenSegment(0, seg0, small).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(reader.OpenSegment(0, seg0.first(F - 1), plain).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(reader.OpenSegment(4, seg0, plain).error().code(), ErrorCode::kOutOfRange);
  // Segment 0's bytes presented as segment 1 fail authentication.
  auto moved = reader.OpenSegment(1, seg0, plain);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().message(), "object segment authentication failed");
  EXPECT_EQ(plain, std::vector<std::uint8_t>(S, 0)) << "failed output must be wiped";
}

}  // namespace
}  // namespace sr::object_format
