// The commit protocol under injected file-system failures: whichever call
// fails, the visible blob is the previous complete version (or, only once the
// rename has happened, the new complete one), and no temporary survives a
// sweep.

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "blob/blob_store_fs.h"
#include "blob/testing/blob_test_util.h"
#include "blob/testing/fault_file_system.h"
#include "common/testing/temp_dir.h"

namespace sr::blob {
namespace {

namespace fs = std::filesystem;
using testing::Call;
using testing::FaultFileSystem;
using testing::Op;
using testing::Pattern;
using testing::ReadAll;
using testing::WriteBlob;

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "blobs";
    auto store = OpenFsBlobStore(root_, faulty_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(WriteBlob(*store_, "ws", "doc", v1_));
    faulty_.Reset();
  }

  // ExpectOnlyV1 checks that the previous version is intact and alone.
  void ExpectOnlyV1() {
    faulty_.Reset();
    auto reader = store_->Open("ws", "doc");
    ASSERT_TRUE(reader) << reader.error().ToString();
    EXPECT_EQ(ReadAll(**reader), v1_);
    EXPECT_EQ(*store_->List("ws"), std::vector<std::string>{"doc"});
    EXPECT_TRUE(fs::is_empty(root_ / "ws" / ".tmp"));
  }

  sr::testing::TempDir tmp_;
  fs::path root_;
  FaultFileSystem faulty_;
  std::unique_ptr<FsBlobStore> store_;
  const std::vector<std::uint8_t> v1_ = Pattern(1, 100000);
  const std::vector<std::uint8_t> v2_ = Pattern(2, 3 << 20);
};

TEST_F(FaultInjectionTest, CommitFsyncsTheFileBeforeTheRenameAndTheDirectoryAfter) {
  ASSERT_TRUE(WriteBlob(*store_, "ws", "doc", v2_));
  const std::vector<Call> calls = faulty_.calls();
  const std::string final_path = (root_ / *FsBlobRelativePath("ws", "doc")).string();
  std::string temp_path;
  std::ptrdiff_t last_write = -1, sync = -1, close = -1, rename = -1, dir_sync = -1;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const Call& c = calls[i];
    const auto at = static_cast<std::ptrdiff_t>(i);
    if (c.op == Op::kOpen && c.path.find("/.tmp/") != std::string::npos) temp_path = c.path;
    if (c.op == Op::kWrite && c.path == temp_path) last_write = at;
    if (c.op == Op::kSync && c.path == temp_path) sync = at;
    if (c.op == Op::kClose && c.path == temp_path) close = at;
    if (c.op == Op::kRename && c.path == temp_path + " -> " + final_path) rename = at;
    if (c.op == Op::kSyncDirectory && c.path == fs::path(final_path).parent_path().string()) {
      dir_sync = at;
    }
  }
  ASSERT_FALSE(temp_path.empty());
  EXPECT_LT(-1, last_write);
  EXPECT_LT(last_write, sync);
  EXPECT_LT(sync, close);
  EXPECT_LT(close, rename);
  EXPECT_LT(rename, dir_sync);
  EXPECT_EQ(dir_sync, static_cast<std::ptrdiff_t>(calls.size()) - 1);
}

TEST_F(FaultInjectionTest, NewDirectoriesAreMadeDurable) {
  faulty_.Reset();
  ASSERT_TRUE(WriteBlob(*store_, "fresh", "doc", v1_));
  const std::vector<Call> calls = faulty_.calls();
  auto synced_after_mkdir = [&](const fs::path& dir) {
    for (std::size_t i = 0; i + 1 < calls.size(); ++i) {
      if (calls[i].op == Op::kMakeDirectory && calls[i].path == dir.string()) {
        return calls[i + 1].op == Op::kSyncDirectory &&
               calls[i + 1].path == dir.parent_path().string();
      }
    }
    return false;
  };
  EXPECT_TRUE(synced_after_mkdir(root_ / "fresh"));
  EXPECT_TRUE(synced_after_mkdir(root_ / "fresh" / ".tmp"));
  EXPECT_TRUE(synced_after_mkdir((root_ / *FsBlobRelativePath("fresh", "doc")).parent_path()));
}

TEST_F(FaultInjectionTest, ExistingDirectoriesAreSyncedOncePerProcess) {
  // A fresh store over the directories SetUp made, as after a restart.
  auto reopened = OpenFsBlobStore(root_, faulty_);
  ASSERT_TRUE(reopened);
  auto parent_syncs = [&] {
    std::size_t n = 0;
    for (const Call& c : faulty_.calls()) {
      n += c.op == Op::kSyncDirectory &&
           (c.path == root_.string() || c.path == (root_ / "ws").string());
    }
    return n;
  };
  faulty_.Reset();
  ASSERT_TRUE(WriteBlob(**reopened, "ws", "doc", v1_));
  EXPECT_EQ(parent_syncs(), 3u);  // root for ws/, ws/ for .tmp/ and for the fan-out
  faulty_.Reset();
  ASSERT_TRUE(WriteBlob(**reopened, "ws", "doc", v1_));
  EXPECT_EQ(parent_syncs(), 0u);
}

struct FaultCase {
  Op op;
  int nth;
  int err;
  ErrorCode code;
};

TEST_F(FaultInjectionTest, EachFailingStepLeavesThePreviousVersion) {
  const FaultCase cases[] = {
      {Op::kOpen, 1, EACCES, ErrorCode::kUnavailable},  // creating the temporary
      {Op::kWrite, 1, EIO, ErrorCode::kUnavailable},    // first write
      {Op::kWrite, 5, ENOSPC, ErrorCode::kResourceExhausted},
      {Op::kSync, 1, EIO, ErrorCode::kUnavailable},
      {Op::kClose, 1, EIO, ErrorCode::kUnavailable},
      {Op::kRename, 1, EXDEV, ErrorCode::kUnavailable},
      {Op::kRename, 1, EDQUOT, ErrorCode::kResourceExhausted},
      {Op::kMakeDirectory, 2, EIO, ErrorCode::kUnavailable},
  };
  for (const FaultCase& c : cases) {
    SCOPED_TRACE("op " + std::to_string(static_cast<int>(c.op)) + " call " + std::to_string(c.nth) +
                 " errno " + std::to_string(c.err));
    faulty_.Reset();
    faulty_.FailOp(c.op, c.err, c.nth);
    Status written = WriteBlob(*store_, "ws", "doc", v2_);
    ASSERT_FALSE(written);
    EXPECT_EQ(faulty_.injected(), 1u);
    EXPECT_EQ(written.error().code(), c.code) << written.error().ToString();
    EXPECT_EQ(written.error().message().find(root_.string()), std::string::npos)
        << "the error names the data directory: " << written.error().message();
    ExpectOnlyV1();
  }
}

TEST_F(FaultInjectionTest, FailedDirectorySyncReportsACompleteButUncertainCommit) {
  faulty_.FailOp(Op::kSyncDirectory, EIO);
  Status written = WriteBlob(*store_, "ws", "doc", v2_);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message().find("committed"), std::string::npos);
  faulty_.Reset();
  EXPECT_EQ(ReadAll(**store_->Open("ws", "doc")), v2_);  // complete, never partial
  EXPECT_TRUE(fs::is_empty(root_ / "ws" / ".tmp"));
}

TEST_F(FaultInjectionTest, FailingEveryCallInTurnNeverShowsAPartialBlob) {
  const std::vector<std::uint8_t> v2 = Pattern(2, 700000);
  int failed_runs = 0;
  for (int k = 1;; ++k) {
    SCOPED_TRACE("failing call " + std::to_string(k));
    faulty_.Reset();
    faulty_.FailCall(k, EIO);
    Status written = WriteBlob(*store_, "ws", "doc", v2, 100000);
    if (faulty_.injected() == 0) {
      ASSERT_TRUE(written);
      break;  // k is past the last call: every call has been failed once
    }
    faulty_.Reset();
    auto reader = store_->Open("ws", "doc");
    ASSERT_TRUE(reader) << reader.error().ToString();
    const std::vector<std::uint8_t> visible = ReadAll(**reader);
    if (written) {
      EXPECT_EQ(visible, v2);
    } else {
      ++failed_runs;
      EXPECT_TRUE(visible == v1_ || visible == v2) << "a partial blob is visible";
    }
    // A leftover (an unlink that failed during the abort) goes at the next sweep.
    ASSERT_TRUE(store_->SweepTemporaries());
    EXPECT_TRUE(fs::is_empty(root_ / "ws" / ".tmp"));
    ASSERT_TRUE(WriteBlob(*store_, "ws", "doc", v1_));
  }
  EXPECT_GT(failed_runs, 8);
}

TEST_F(FaultInjectionTest, ShortWritesAndInterruptionsAreRetried) {
  faulty_.SetMaxWrite(1000);
  faulty_.FailOp(Op::kWrite, EINTR, 3);
  ASSERT_TRUE(WriteBlob(*store_, "ws", "doc", v2_, 300000));
  faulty_.FailOp(Op::kReadAt, EINTR, 1);
  EXPECT_EQ(ReadAll(**store_->Open("ws", "doc")), v2_);
}

TEST_F(FaultInjectionTest, ReadErrorsAreUnavailable) {
  auto reader = store_->Open("ws", "doc");
  ASSERT_TRUE(reader);
  faulty_.FailOp(Op::kReadAt, EIO);
  std::vector<std::uint8_t> out(10);
  auto read = (*reader)->ReadAt(0, out);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kUnavailable);
}

TEST_F(FaultInjectionTest, AbortWhoseUnlinkFailsIsSweptLater) {
  {
    auto writer = store_->Create("ws", "doc");
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->Append(v2_));
    faulty_.FailOp(Op::kUnlink, EIO);
  }
  faulty_.Reset();
  EXPECT_FALSE(fs::is_empty(root_ / "ws" / ".tmp"));
  EXPECT_EQ(*store_->SweepTemporaries(), 1u);
  ExpectOnlyV1();
}

TEST_F(FaultInjectionTest, RemoveReportsAFailedDirectorySync) {
  faulty_.FailOp(Op::kSyncDirectory, EIO);
  EXPECT_FALSE(store_->Remove("ws", "doc"));
  faulty_.Reset();
  EXPECT_TRUE(store_->Remove("ws", "doc"));  // the retry syncs again
}

}  // namespace
}  // namespace sr::blob
