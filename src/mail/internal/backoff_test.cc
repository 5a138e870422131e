#include "mail/internal/backoff.h"

#include <gtest/gtest.h>

namespace sr::mail::internal {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kBase = seconds(30);
constexpr milliseconds kCap = seconds(3600);

TEST(RetryDelayTest, DoublesFromThirtySecondsUpToAnHour) {
  const std::vector<int> want_seconds = {30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600};
  for (int failures = 1; failures <= 10; ++failures) {
    EXPECT_EQ(RetryDelay(failures, kBase, kCap, 0.0), seconds(want_seconds[failures - 1]))
        << failures;
  }
}

TEST(RetryDelayTest, JitterShortensByAtMostAQuarter) {
  for (int failures = 1; failures <= 12; ++failures) {
    const milliseconds full = RetryDelay(failures, kBase, kCap, 0.0);
    for (double jitter : {0.0, 0.1, 0.5, 0.999999, 1.0, -3.0, 7.0}) {
      const milliseconds d = RetryDelay(failures, kBase, kCap, jitter);
      EXPECT_LE(d, full);
      EXPECT_GE(d, full * 3 / 4);
      EXPECT_LE(d, kCap);
    }
  }
  EXPECT_EQ(RetryDelay(1, kBase, kCap, 1.0), milliseconds(22'500));
}

TEST(RetryDelayTest, ManyFailuresDoNotOverflow) {
  EXPECT_EQ(RetryDelay(1'000'000, kBase, kCap, 0.0), kCap);
  EXPECT_EQ(RetryDelay(0, kBase, kCap, 0.0), kBase);
}

}  // namespace
}  // namespace sr::mail::internal
