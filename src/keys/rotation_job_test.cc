#include "keys/rotation_job.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "keys/internal/test_fixture.h"

namespace sr::keys::internal {
namespace {

using RotationJobTest = KeysTest;

TEST_F(RotationJobTest, RunOnceRotatesWhatIsDueAndRewraps) {
  ASSERT_TRUE(service_->CreateWorkspace("ws_a"));
  RotationJob job(*service_, clock_, std::chrono::hours(1), nullptr);
  auto idle = job.RunOnce();
  ASSERT_TRUE(idle) << idle.error().ToString();
  EXPECT_TRUE(idle->rotated.workspaces.empty());
  EXPECT_EQ(idle->rewrapped.domains_rewrapped, 0);

  clock_.Advance(std::chrono::days(90));
  auto run = job.RunOnce();
  ASSERT_TRUE(run) << run.error().ToString();
  EXPECT_EQ(run->rotated.workspaces, std::vector<std::string>{"ws_a"});
  EXPECT_EQ(run->rewrapped.domains_rewrapped, 1);
  EXPECT_EQ(run->rewrapped.keks_destroyed, 1);
  EXPECT_EQ(Query("SELECT group_concat(version) FROM key_workspace_keks"), "2");
}

TEST_F(RotationJobTest, StartRunsAtOnceAndStopJoins) {
  std::mutex mu;
  std::condition_variable cv;
  int runs = 0;
  bool all_ok = true;
  RotationJob job(*service_, clock_, std::chrono::milliseconds(5),
                  [&](const Result<RotationRun>& run) {
                    std::lock_guard lock(mu);
                    ++runs;
                    all_ok = all_ok && run.has_value();
                    cv.notify_all();
                  });
  job.Start();
  job.Start();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return runs >= 3; }));
  }
  job.Stop();
  job.Stop();
  std::lock_guard lock(mu);
  EXPECT_TRUE(all_ok);
}

}  // namespace
}  // namespace sr::keys::internal
