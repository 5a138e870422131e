// kill -9 at random moments: a child process (blob_crash_writer, started with
// posix_spawn) replaces one blob over and over with self-checking versions;
// the test kills it with SIGKILL after a random delay, sweeps, and checks
// that the visible blob is always one complete committed version, never
// older than one seen before. (SIGKILL keeps the page cache, so this checks
// atomicity; durability across power loss rests on the fsync order that
// fault_injection_test.cc checks.)

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "blob/blob_store_fs.h"
#include "blob/testing/blob_test_util.h"
#include "blob/testing/crash_record.h"
#include "common/testing/temp_dir.h"

extern char** environ;

namespace sr::blob {
namespace {

namespace fs = std::filesystem;

constexpr int kIterations = 50;

// Spawn starts the writer; posix_spawn, so nothing runs between fork and exec.
pid_t Spawn(const fs::path& root, std::uint64_t first_version) {
  std::vector<std::string> args = {SR_BLOB_CRASH_WRITER, root.string(), "ws", "victim",
                                   std::to_string(first_version)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  return rc == 0 ? pid : -1;
}

TEST(CrashTest, KillDashNineNeverLeavesAPartialBlob) {
  sr::testing::TempDir tmp;
  const fs::path root = tmp.path() / "blobs";
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(10, 400);

  std::uint64_t last_version = 0;  // 0: nothing committed yet
  std::size_t swept_total = 0, versions_seen = 0;
  for (int i = 0; i < kIterations; ++i) {
    SCOPED_TRACE("iteration " + std::to_string(i));
    const pid_t pid = Spawn(root, last_version + 1);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "the writer exited on its own";
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    // What a restart does: open, sweep, then serve.
    auto store = OpenFsBlobStore(root);
    ASSERT_TRUE(store) << store.error().ToString();
    auto swept = (*store)->SweepTemporaries();
    ASSERT_TRUE(swept) << swept.error().ToString();
    swept_total += *swept;
    if (fs::exists(root / "ws" / ".tmp")) {
      EXPECT_TRUE(fs::is_empty(root / "ws" / ".tmp"));
    }

    auto reader = (*store)->Open("ws", "victim");
    if (!reader) {
      ASSERT_EQ(reader.error().code(), ErrorCode::kNotFound);
      ASSERT_EQ(last_version, 0u) << "a committed blob disappeared";
      continue;
    }
    const std::vector<std::uint8_t> blob = testing::ReadAll(**reader);
    Result<std::uint64_t> version = testing::CheckRecord(blob);
    ASSERT_TRUE(version) << "partial or mixed blob visible: " << version.error().ToString();
    ASSERT_GE(*version, last_version) << "an older version came back";
    if (*version > last_version) ++versions_seen;
    last_version = *version;
    EXPECT_EQ(*(*store)->List("ws"), std::vector<std::string>{"victim"});
  }
  // The kills must have landed both mid-write and between commits, or the
  // test proved nothing.
  EXPECT_GT(swept_total, 0u);
  EXPECT_GE(versions_seen, 2u);
  std::printf("crash test: %d kills, %zu temporaries swept, %zu new versions seen, last %llu\n",
              kIterations, swept_total, versions_seen,
              static_cast<unsigned long long>(last_version));
}

}  // namespace
}  // namespace sr::blob
