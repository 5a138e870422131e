// Round trips: every interesting size, written in many different pieces,
// decrypts to the same plaintext and gives the same blob layout.

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

constexpr std::uint32_t S = kTestSegment;

std::vector<std::size_t> InterestingSizes(std::size_t seg) {
  return {0, 1, seg - 1, seg, seg + 1, 2 * seg, 3 * seg + 17};
}

// SinkWithLog records each Append's size, to check what the writer holds back.
class SinkWithLog : public ByteSink {
 public:
  Status Append(std::span<const std::uint8_t> data) override {
    sizes.push_back(data.size());
    bytes.insert(bytes.end(), data.begin(), data.end());
    return Ok();
  }
  std::vector<std::size_t> sizes;
  std::vector<std::uint8_t> bytes;
};

TEST(ObjectRoundTripTest, EverySizeWithManyChunkings) {
  SecretBytes key = crypto::RandomKey();
  const ObjectIdentity id = TestIdentity();
  for (std::size_t size : InterestingSizes(S)) {
    const auto plaintext = Pattern(size);
    for (std::size_t chunk : {0, 1, 7, 16, 255, 256, 257, 512, 1000}) {
      SCOPED_TRACE(::testing::Message() << "size " << size << " chunk " << chunk);
      auto blob = WriteBlob(id, key, plaintext, S, chunk);
      auto back = ReadBlob(blob, id, key);
      ASSERT_TRUE(back) << back.error().ToString();
      EXPECT_EQ(*back, plaintext);
    }
  }
}

TEST(ObjectRoundTripTest, IrregularChunksIncludingEmptyWrites) {
  SecretBytes key = crypto::RandomKey();
  const auto plaintext = Pattern(3 * S + 17);
  auto writer = ObjectWriter::Create(TestIdentity(), key, testutil::WrappedKey(), S);
  ASSERT_TRUE(writer);
  VectorSink sink;
  std::size_t pos = 0;
  for (std::size_t step : {0, 3, 0, 300, 1, 255, 0, 200, 2}) {  // 761 of 785 bytes
    ASSERT_TRUE(writer->Write(std::span(plaintext).subspan(pos, step), sink));
    pos += step;
  }
  ASSERT_TRUE(writer->Write(std::span(plaintext).subspan(pos), sink));
  ASSERT_TRUE(writer->Finish(sink));
  EXPECT_EQ(*ReadBlob(sink.bytes, TestIdentity(), key), plaintext);
}

TEST(ObjectRoundTripTest, BlobSizeAndLayoutMatchTheFormula) {
  SecretBytes key = crypto::RandomKey();
  for (std::size_t size : InterestingSizes(S)) {
    auto writer = ObjectWriter::Create(TestIdentity(), key, testutil::WrappedKey(), S);
    ASSERT_TRUE(writer);
    SinkWithLog sink;
    ASSERT_TRUE(writer->Write(Pattern(size), sink));
    ASSERT_TRUE(writer->Finish(sink));
    const std::size_t h = writer->header().size();
    const std::size_t n = size == 0 ? 1 : (size + S - 1) / S;
    EXPECT_EQ(sink.bytes.size(), h + size + 16 * n) << size;
    EXPECT_EQ(writer->blob_size(), sink.bytes.size());
    EXPECT_EQ(writer->plaintext_size(), size);
    // The header goes out first, then one Append per segment.
    ASSERT_EQ(sink.sizes.size(), 1 + n);
    EXPECT_EQ(sink.sizes[0], h);
    EXPECT_TRUE(std::equal(writer->header().begin(), writer->header().end(), sink.bytes.begin()));
    auto layout = SegmentLayout::ForBlob(h, S, sink.bytes.size());
    ASSERT_TRUE(layout);
    EXPECT_EQ(layout->plaintext_size(), size);
    EXPECT_EQ(layout->segment_count(), n);
  }
}

TEST(ObjectRoundTripTest, AFullSegmentIsHeldBackUntilMoreDataArrives) {
  SecretBytes key = crypto::RandomKey();
  auto writer = ObjectWriter::Create(TestIdentity(), key, testutil::WrappedKey(), S);
  ASSERT_TRUE(writer);
  SinkWithLog sink;
  ASSERT_TRUE(writer->Write(Pattern(S), sink));
  EXPECT_TRUE(sink.sizes.empty()) << "a full segment may still be the final one";
  ASSERT_TRUE(writer->Write(Pattern(1), sink));
  ASSERT_EQ(sink.sizes.size(), 2u);  // header, segment 0
  EXPECT_EQ(sink.sizes[1], S + 16);
  ASSERT_TRUE(writer->Finish(sink));
  EXPECT_EQ(sink.sizes.back(), 1u + 16);
}

TEST(ObjectRoundTripTest, PlaintextSha256IsComputed) {
  SecretBytes key = crypto::RandomKey();
  const auto plaintext = Pattern(3 * S + 17);
  auto writer = ObjectWriter::Create(TestIdentity(), key, testutil::WrappedKey(), S);
  ASSERT_TRUE(writer);
  VectorSink sink;
  ASSERT_TRUE(writer->Write(std::span(plaintext).first(100), sink));
  ASSERT_TRUE(writer->Write(std::span(plaintext).subspan(100), sink));
  EXPECT_EQ(writer->plaintext_sha256(), crypto::Digest{});
  ASSERT_TRUE(writer->Finish(sink));
  EXPECT_EQ(writer->plaintext_sha256(), crypto::Sha256(plaintext));
}

TEST(ObjectRoundTripTest, DefaultSegmentSizeRoundTrips) {
  SecretBytes key = crypto::RandomKey();
  const std::size_t seg = kDefaultSegmentSize;
  for (std::size_t size : InterestingSizes(seg)) {
    const auto plaintext = crypto::RandomBytes(size);
    auto blob = WriteBlob(TestIdentity(), key, plaintext, kDefaultSegmentSize, 10000);
    auto back = ReadBlob(blob, TestIdentity(), key);
    ASSERT_TRUE(back) << size << ": " << back.error().ToString();
    EXPECT_EQ(*back, plaintext) << size;
  }
}

TEST(ObjectRoundTripTest, EachBlobGetsAFreshSalt) {
  SecretBytes key = crypto::RandomKey();
  auto a = WriteBlob(TestIdentity(), key, Pattern(10));
  auto b = WriteBlob(TestIdentity(), key, Pattern(10));
  EXPECT_NE(a, b);
  auto ha = ParseHeader(a), hb = ParseHeader(b);
  ASSERT_TRUE(ha && hb);
  EXPECT_NE(std::vector(ha->core().begin(), ha->core().end()),
            std::vector(hb->core().begin(), hb->core().end()));
}

class FailingSink : public ByteSink {
 public:
  Status Append(std::span<const std::uint8_t>) override {
    return Fail(ErrorCode::kUnavailable, "disk full");
  }
};

TEST(ObjectWriterTest, SinkFailureStopsTheWriter) {
  SecretBytes key = crypto::RandomKey();
  auto writer = ObjectWriter::Create(TestIdentity(), key, testutil::WrappedKey(), S);
  ASSERT_TRUE(writer);
  FailingSink failing;
  auto first = writer->Write(Pattern(2 * S), failing);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code(), ErrorCode::kUnavailable);
  VectorSink good;
  EXPECT_EQ(writer->Write(Pattern(1), good).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(writer->Finish(good).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(good.bytes.empty());
}

TEST(ObjectWriterTest, NoWriteAfterFinish) {
  SecretBytes key = crypto::RandomKey();
  auto writer = ObjectWriter::Create(TestIdentity(), key, testutil::WrappedKey(), S);
  ASSERT_TRUE(writer);
  VectorSink sink;
  ASSERT_TRUE(writer->Finish(sink));
  EXPECT_EQ(writer->Write(Pattern(1), sink).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(writer->Finish(sink).error().code(), ErrorCode::kFailedPrecondition);
}

TEST(ObjectWriterTest, CreateRejectsBadArguments) {
  SecretBytes key = crypto::RandomKey();
  auto wrapped = testutil::WrappedKey();
  auto expect_invalid = [](const Result<ObjectWriter>& w) {
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code(), ErrorCode::kInvalidArgument);
  };
  ObjectIdentity bad = TestIdentity();
  bad.workspace_id = "";
  expect_invalid(ObjectWriter::Create(bad, key, wrapped, S));
  bad = TestIdentity();
  bad.object_id = std::string(65, 'a');
  expect_invalid(ObjectWriter::Create(bad, key, wrapped, S));
  bad = TestIdentity();
  bad.erasure_domain_id = "has space";
  expect_invalid(ObjectWriter::Create(bad, key, wrapped, S));
  expect_invalid(ObjectWriter::Create(TestIdentity(), SecretBytes(16), wrapped, S));
  expect_invalid(ObjectWriter::Create(TestIdentity(), key, {}, S));
  expect_invalid(ObjectWriter::Create(TestIdentity(), key,
                                      std::vector<std::uint8_t>(kMaxWrappedKeySize + 1), S));
  for (std::uint32_t seg : {0u, 1u, 128u, 300u, 65535u, kMaxSegmentSize * 2}) {
    expect_invalid(ObjectWriter::Create(TestIdentity(), key, wrapped, seg));
  }
  expect_invalid(
      ObjectWriter::CreateWithSalt(TestIdentity(), key, wrapped, S, std::vector<std::uint8_t>(31)));
  // The largest identity and wrapped key give the largest header.
  ObjectIdentity big{std::string(64, 'w'), std::string(64, 'o'), ~0ull, std::string(64, 'e')};
  auto writer = ObjectWriter::Create(big, key, std::vector<std::uint8_t>(kMaxWrappedKeySize, 1), S);
  ASSERT_TRUE(writer);
  EXPECT_EQ(writer->header().size(), kMaxHeaderSize);
}

}  // namespace
}  // namespace sr::object_format
