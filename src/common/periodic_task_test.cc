#include "common/periodic_task.h"

#include <gtest/gtest.h>

#include <atomic>

namespace sr {
namespace {

TEST(PeriodicTaskTest, RunsAtStartAndRepeatsUntilStopped) {
  std::atomic<int> runs{0};
  std::mutex mu;
  std::condition_variable cv;
  PeriodicTask task(std::chrono::milliseconds(1), [&] {
    runs.fetch_add(1);
    cv.notify_all();
  });
  task.Start();
  task.Start();  // no second thread
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return runs.load() >= 3; }));
  }
  task.Stop();
  const int after_stop = runs.load();
  task.Stop();  // idempotent
  EXPECT_EQ(runs.load(), after_stop);
}

TEST(PeriodicTaskTest, StopInterruptsALongWait) {
  std::atomic<int> runs{0};
  PeriodicTask task(std::chrono::hours(24), [&] { runs.fetch_add(1); });
  task.Start();
  while (runs.load() == 0) std::this_thread::yield();
  task.Stop();  // returns without waiting a day
  EXPECT_EQ(runs.load(), 1);
}

}  // namespace
}  // namespace sr
