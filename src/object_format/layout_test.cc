#include "object_format/layout.h"

#include <gtest/gtest.h>

#include <limits>

#include "object_format/object_format.h"

namespace sr::object_format {
namespace {

constexpr std::uint64_t H = 211;  // any header size
constexpr std::uint32_t S = 256;

TEST(SegmentLayoutTest, PlaintextAndBlobSizesAreInverse) {
  for (std::uint64_t p = 0; p <= 6 * S + 3; ++p) {
    auto forward = SegmentLayout::ForPlaintext(H, S, p);
    ASSERT_TRUE(forward) << p;
    auto back = SegmentLayout::ForBlob(H, S, forward->blob_size());
    ASSERT_TRUE(back) << p;
    EXPECT_EQ(back->plaintext_size(), p);
    EXPECT_EQ(back->segment_count(), forward->segment_count());
  }
}

TEST(SegmentLayoutTest, EveryBlobSizeIsEitherImpossibleOrExactlyOnePlaintextSize) {
  int impossible = 0;
  for (std::uint64_t b = 0; b <= H + 7 * (S + 16); ++b) {
    auto layout = SegmentLayout::ForBlob(H, S, b);
    if (!layout) {
      EXPECT_EQ(layout.error().code(), ErrorCode::kDataLoss) << b;
      ++impossible;
      continue;
    }
    auto forward = SegmentLayout::ForPlaintext(H, S, layout->plaintext_size());
    ASSERT_TRUE(forward);
    EXPECT_EQ(forward->blob_size(), b) << b;
  }
  // Impossible: the H + 16 sizes below header + one tag, and after each of
  // the 6 full-segment boundaries in the loop, the 16 sizes whose final
  // segment would be at most a tag (an empty final segment after others).
  EXPECT_EQ(impossible, static_cast<int>(H + 16 + 6 * 16));
}

TEST(SegmentLayoutTest, EmptyObjectIsOneEmptyFinalSegment) {
  auto layout = SegmentLayout::ForPlaintext(H, S, 0);
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->segment_count(), 1u);
  EXPECT_EQ(layout->blob_size(), H + 16);
  EXPECT_EQ(layout->SegmentCiphertextSize(0), 16u);
  EXPECT_FALSE(SegmentLayout::ForBlob(H, S, H));  // the header alone is truncated
  EXPECT_FALSE(layout->Plan(0, 0));
}

TEST(SegmentLayoutTest, OffsetsAndSizes) {
  auto layout = SegmentLayout::ForPlaintext(H, S, 3 * S + 17);
  ASSERT_TRUE(layout);
  ASSERT_EQ(layout->segment_count(), 4u);
  for (std::uint64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(layout->SegmentOffset(i), H + i * (S + 16));
    EXPECT_EQ(layout->SegmentPlaintextSize(i), i < 3 ? S : 17u);
  }
  EXPECT_EQ(layout->SegmentOffset(3) + layout->SegmentCiphertextSize(3), layout->blob_size());
  auto exact = SegmentLayout::ForPlaintext(H, S, 2 * S);
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->segment_count(), 2u);  // no empty segment after a full final one
  EXPECT_EQ(exact->SegmentPlaintextSize(1), S);
}

TEST(SegmentLayoutTest, PlanNamesTheSegmentsOfARange) {
  auto layout = SegmentLayout::ForPlaintext(H, S, 3 * S + 17);
  ASSERT_TRUE(layout);
  auto r = layout->Plan(S - 1, S);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first_segment, 0u);
  EXPECT_EQ(r->last_segment, 1u);
  EXPECT_EQ(r->blob_offset, H);
  EXPECT_EQ(r->blob_length, 2 * (S + 16));
  EXPECT_EQ(r->skip, S - 1);
  EXPECT_EQ(r->length, 2u);
  EXPECT_FALSE(r->includes_final);

  r = layout->Plan(3 * S + 16, 3 * S + 16);  // the last byte
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first_segment, 3u);
  EXPECT_EQ(r->last_segment, 3u);
  EXPECT_EQ(r->blob_offset + r->blob_length, layout->blob_size());
  EXPECT_EQ(r->skip, 16u);
  EXPECT_TRUE(r->includes_final);

  for (auto [a, b] : {std::pair<std::uint64_t, std::uint64_t>{1, 0},
                      {0, 3 * S + 17},
                      {3 * S + 17, 3 * S + 17},
                      {std::numeric_limits<std::uint64_t>::max(), 0}}) {
    auto bad = layout->Plan(a, b);
    ASSERT_FALSE(bad) << a << "-" << b;
    EXPECT_EQ(bad.error().code(), ErrorCode::kOutOfRange);
  }
}

TEST(SegmentLayoutTest, AtMost2To32Segments) {
  auto largest = SegmentLayout::ForPlaintext(H, S, kMaxSegments * S);
  ASSERT_TRUE(largest);
  EXPECT_EQ(largest->segment_count(), kMaxSegments);
  EXPECT_TRUE(SegmentLayout::ForBlob(H, S, largest->blob_size()));
  auto over = SegmentLayout::ForPlaintext(H, S, kMaxSegments * S + 1);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_FALSE(SegmentLayout::ForBlob(H, S, largest->blob_size() + 17));
  EXPECT_FALSE(SegmentLayout::ForBlob(H, S, std::numeric_limits<std::uint64_t>::max()));
  EXPECT_FALSE(SegmentLayout::ForPlaintext(H, S, std::numeric_limits<std::uint64_t>::max()));
}

TEST(SegmentLayoutTest, RejectsSegmentSizesTheFormatForbids) {
  for (std::uint32_t seg : {0u, 1u, 255u, 257u, 1000u, kMaxSegmentSize + 1, kMaxSegmentSize * 2}) {
    EXPECT_FALSE(SegmentLayout::ForPlaintext(H, seg, 10)) << seg;
    EXPECT_FALSE(SegmentLayout::ForBlob(H, seg, H + 100)) << seg;
  }
  for (std::uint32_t seg = kMinSegmentSize; seg <= kMaxSegmentSize; seg *= 2) {
    EXPECT_TRUE(SegmentLayout::ForPlaintext(H, seg, 10)) << seg;
  }
}

}  // namespace
}  // namespace sr::object_format
