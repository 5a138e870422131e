#include "http/range.h"

#include <gtest/gtest.h>

namespace sr::http {
namespace {

RangeDecision D(std::string_view h, std::uint64_t size = 1000) { return DecideRange(h, size); }
bool Whole(const RangeDecision& d) { return std::holds_alternative<WholeBody>(d); }
bool Unsatisfiable(const RangeDecision& d) { return std::holds_alternative<RangeNotSatisfiable>(d); }
ByteRange R(const RangeDecision& d) { return std::get<ByteRange>(d); }

TEST(RangeTest, ParsesTheThreeForms) {
  EXPECT_EQ(R(D("bytes=0-499")), (ByteRange{0, 499}));
  EXPECT_EQ(R(D("bytes=500-")), (ByteRange{500, 999}));
  EXPECT_EQ(R(D("bytes=-200")), (ByteRange{800, 999}));
  EXPECT_EQ(R(D("Bytes=10-10")), (ByteRange{10, 10}));
  EXPECT_EQ(R(D(" bytes= 1 - 2 ")), (ByteRange{1, 2}));
}

TEST(RangeTest, ClipsAndRefuses) {
  EXPECT_EQ(R(D("bytes=900-5000")), (ByteRange{900, 999}));
  EXPECT_EQ(R(D("bytes=-5000")), (ByteRange{0, 999}));
  EXPECT_TRUE(Unsatisfiable(D("bytes=1000-")));
  EXPECT_TRUE(Unsatisfiable(D("bytes=1000-1001")));
  EXPECT_TRUE(Unsatisfiable(D("bytes=-0")));
  EXPECT_TRUE(Unsatisfiable(D("bytes=0-", 0)));
  EXPECT_TRUE(Unsatisfiable(D("bytes=-5", 0)));
}

TEST(RangeTest, IgnoresWhatItDoesNotServe) {
  for (std::string_view h : {"", "bytes", "bytes=", "items=0-1", "bytes=0-1,5-6", "bytes=a-b",
                             "bytes=5-1", "bytes=-", "bytes=1", "bytes=--1", "bytes=+1-2",
                             "bytes=99999999999999999999-", "bytes=0x10-20"}) {
    EXPECT_TRUE(Whole(D(h))) << h;
  }
}

}  // namespace
}  // namespace sr::http
