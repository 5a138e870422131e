#include "blob/blob_store_fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "blob/internal/fs_files.h"
#include "blob/testing/blob_test_util.h"
#include "common/testing/temp_dir.h"

namespace sr::blob {
namespace {

namespace fs = std::filesystem;
using testing::Pattern;
using testing::ReadAll;
using testing::WriteBlob;

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

std::size_t CountEntries(const fs::path& dir) {
  std::error_code ec;
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir, ec), fs::directory_iterator()));
}

class FsBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "data" / "blobs";
    auto store = OpenFsBlobStore(root_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  fs::path BlobPath(std::string_view ws, std::string_view name) {
    return root_ / *FsBlobRelativePath(ws, name);
  }

  sr::testing::TempDir tmp_;
  fs::path root_;
  std::unique_ptr<FsBlobStore> store_;
};

TEST_F(FsBlobStoreTest, RoundTripAcrossBufferBoundaries) {
  const std::size_t buffer = internal::kWriteBufferSize;
  for (std::size_t chunk :
       {std::size_t{1}, std::size_t{1000}, buffer - 1, buffer, buffer + 1, std::size_t{3} << 20}) {
    const std::vector<std::uint8_t> data = Pattern(chunk, 3 * buffer + 17);
    ASSERT_TRUE(WriteBlob(*store_, "ws", "rt", data, chunk)) << chunk;
    auto reader = store_->Open("ws", "rt");
    ASSERT_TRUE(reader) << reader.error().ToString();
    ASSERT_EQ((*reader)->size(), data.size());
    EXPECT_EQ(ReadAll(**reader), data) << chunk;
  }
}

TEST_F(FsBlobStoreTest, ReadAtAnyRange) {
  const std::vector<std::uint8_t> data = Pattern(7, 100000);
  ASSERT_TRUE(WriteBlob(*store_, "ws", "ranges", data));
  auto reader = store_->Open("ws", "ranges");
  ASSERT_TRUE(reader);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200; ++i) {
    const std::size_t off = rng() % (data.size() + 1);
    const std::size_t len = rng() % (data.size() - off + 1);
    std::vector<std::uint8_t> out(len);
    ASSERT_TRUE((*reader)->ReadAt(off, out));
    ASSERT_TRUE(
        std::equal(out.begin(), out.end(), data.begin() + static_cast<std::ptrdiff_t>(off)));
  }
  std::vector<std::uint8_t> one(1);
  auto past = (*reader)->ReadAt(data.size(), one);
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code(), ErrorCode::kOutOfRange);
  auto overflow = (*reader)->ReadAt(UINT64_MAX, one);
  ASSERT_FALSE(overflow);
  EXPECT_EQ(overflow.error().code(), ErrorCode::kOutOfRange);
  EXPECT_TRUE((*reader)->ReadAt(data.size(), std::span<std::uint8_t>()));
}

TEST_F(FsBlobStoreTest, EmptyBlob) {
  ASSERT_TRUE(WriteBlob(*store_, "ws", "empty", {}));
  auto reader = store_->Open("ws", "empty");
  ASSERT_TRUE(reader);
  EXPECT_EQ((*reader)->size(), 0u);
  EXPECT_TRUE((*reader)->ReadAt(0, std::span<std::uint8_t>()));
}

TEST_F(FsBlobStoreTest, OverwriteKeepsTheOldBlobVisibleUntilCommit) {
  const std::vector<std::uint8_t> v1 = Pattern(1, 5000), v2 = Pattern(2, 700000);
  ASSERT_TRUE(WriteBlob(*store_, "ws", "doc", v1));
  auto old_reader = store_->Open("ws", "doc");
  ASSERT_TRUE(old_reader);

  auto writer = store_->Create("ws", "doc");
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->Append(v2));
  EXPECT_EQ((*writer)->bytes_written(), v2.size());
  auto during = store_->Open("ws", "doc");
  ASSERT_TRUE(during);
  EXPECT_EQ(ReadAll(**during), v1);

  ASSERT_TRUE((*writer)->Commit());
  auto after = store_->Open("ws", "doc");
  ASSERT_TRUE(after);
  EXPECT_EQ(ReadAll(**after), v2);
  // A reader opened before the replacement keeps its version.
  EXPECT_EQ(ReadAll(**old_reader), v1);
  EXPECT_EQ(CountEntries(root_ / "ws" / ".tmp"), 0u);
}

TEST_F(FsBlobStoreTest, AbortLeavesNothing) {
  {
    auto writer = store_->Create("ws", "gone");
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->Append(Pattern(3, 600000)));
    EXPECT_EQ(CountEntries(root_ / "ws" / ".tmp"), 1u);
  }
  auto reader = store_->Open("ws", "gone");
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(CountEntries(root_ / "ws" / ".tmp"), 0u);
  EXPECT_TRUE(store_->List("ws")->empty());

  // Aborting a replacement leaves the previous version.
  const std::vector<std::uint8_t> v1 = Pattern(4, 10);
  ASSERT_TRUE(WriteBlob(*store_, "ws", "kept", v1));
  { ASSERT_TRUE((*store_->Create("ws", "kept"))->Append(Pattern(5, 99))); }
  EXPECT_EQ(ReadAll(**store_->Open("ws", "kept")), v1);
}

TEST_F(FsBlobStoreTest, WriterIsSingleUse) {
  auto writer = store_->Create("ws", "once");
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->Commit());
  auto again = (*writer)->Commit();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  auto append = (*writer)->Append(Pattern(1, 1));
  ASSERT_FALSE(append);
  EXPECT_EQ(append.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(FsBlobStoreTest, EveryMethodRefusesUnsafeNamesBeforeTouchingTheDisk) {
  tmp_.Write("victim", "keep me");
  const std::string names[] = {"..",
                               "../victim",
                               "a/b",
                               "%2e%2e",
                               std::string("a\0b", 3),
                               std::string(kMaxNameLength + 1, 'a'),
                               "",
                               ".tmp",
                               "."};
  for (const std::string& bad : names) {
    auto expect_invalid = [&](const auto& result, std::string_view method) {
      ASSERT_FALSE(result) << method;
      EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument) << method;
    };
    expect_invalid(store_->Create(bad, "ok"), "Create ws");
    expect_invalid(store_->Create("ok", bad), "Create name");
    expect_invalid(store_->Open(bad, "ok"), "Open ws");
    expect_invalid(store_->Open("ok", bad), "Open name");
    expect_invalid(store_->Remove(bad, "ok"), "Remove ws");
    expect_invalid(store_->Remove("ok", bad), "Remove name");
    expect_invalid(store_->RemoveWorkspace(bad), "RemoveWorkspace");
    expect_invalid(store_->List(bad), "List");
  }
  EXPECT_EQ(CountEntries(root_), 0u);
  EXPECT_TRUE(fs::exists(tmp_.path() / "victim"));
}

TEST_F(FsBlobStoreTest, LayoutAndModesAreExactWhateverTheUmask) {
  const mode_t old = ::umask(0);
  Status written = WriteBlob(*store_, "ws1", "blob", Pattern(1, 10));
  ::umask(old);
  ASSERT_TRUE(written);
  EXPECT_TRUE(fs::is_regular_file(root_ / "ws1" / "fa" / "blob"));
  EXPECT_EQ(ModeOf(root_), 0700u);
  EXPECT_EQ(ModeOf(root_ / "ws1"), 0700u);
  EXPECT_EQ(ModeOf(root_ / "ws1" / ".tmp"), 0700u);
  EXPECT_EQ(ModeOf(root_ / "ws1" / "fa"), 0700u);
  EXPECT_EQ(ModeOf(root_ / "ws1" / "fa" / "blob"), 0600u);
}

TEST_F(FsBlobStoreTest, WorkspacesAreSeparate) {
  ASSERT_TRUE(WriteBlob(*store_, "wsA", "same", Pattern(1, 10)));
  ASSERT_TRUE(WriteBlob(*store_, "wsB", "same", Pattern(2, 20)));
  EXPECT_EQ(ReadAll(**store_->Open("wsA", "same")), Pattern(1, 10));
  EXPECT_EQ(ReadAll(**store_->Open("wsB", "same")), Pattern(2, 20));
  EXPECT_EQ(store_->Open("wsC", "same").error().code(), ErrorCode::kNotFound);
}

TEST_F(FsBlobStoreTest, SweepRemovesTemporariesButNeverBlobsOrLiveWriters) {
  ASSERT_TRUE(WriteBlob(*store_, "ws1", "a", Pattern(1, 10)));
  ASSERT_TRUE(WriteBlob(*store_, "ws2", "b", Pattern(2, 10)));
  auto live = store_->Create("ws1", "c");
  ASSERT_TRUE(live);
  ASSERT_TRUE((*live)->Append(Pattern(3, 10)));
  // Leftovers of a crash, one named like a committed blob.
  for (std::string_view name : {"0123456789abcdef0123456789abcdef", "a", "x.partial"}) {
    tmp_.Write((fs::path("data/blobs/ws1/.tmp") / name).string(), "partial");
  }
  tmp_.Write("data/blobs/ws2/.tmp/ffff", "partial");
  // Not part of the layout: ignored.
  tmp_.Write("data/blobs/stray-file", "x");
  fs::create_directories(root_ / "not.a.workspace" / ".tmp");
  tmp_.Write("data/blobs/not.a.workspace/.tmp/t", "x");

  auto swept = store_->SweepTemporaries();
  ASSERT_TRUE(swept) << swept.error().ToString();
  EXPECT_EQ(*swept, 4u);
  EXPECT_EQ(ReadAll(**store_->Open("ws1", "a")), Pattern(1, 10));
  EXPECT_EQ(ReadAll(**store_->Open("ws2", "b")), Pattern(2, 10));
  EXPECT_TRUE(fs::exists(root_ / "not.a.workspace" / ".tmp" / "t"));
  ASSERT_TRUE((*live)->Commit());
  EXPECT_EQ(ReadAll(**store_->Open("ws1", "c")), Pattern(3, 10));
  EXPECT_EQ(*store_->SweepTemporaries(), 0u);
}

TEST_F(FsBlobStoreTest, RemoveIsIdempotent) {
  ASSERT_TRUE(WriteBlob(*store_, "ws", "x", Pattern(1, 10)));
  ASSERT_TRUE(store_->Remove("ws", "x"));
  EXPECT_EQ(store_->Open("ws", "x").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Remove("ws", "x"));
  EXPECT_TRUE(store_->Remove("never", "x"));
}

TEST_F(FsBlobStoreTest, RemoveWorkspaceRemovesOnlyThatWorkspace) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(WriteBlob(*store_, "doomed", "b" + std::to_string(i), Pattern(i, 100)));
  }
  ASSERT_TRUE(WriteBlob(*store_, "other", "b0", Pattern(0, 100)));
  auto open_writer = store_->Create("doomed", "late");
  ASSERT_TRUE(open_writer);
  ASSERT_TRUE(store_->RemoveWorkspace("doomed"));
  EXPECT_FALSE(fs::exists(root_ / "doomed"));
  EXPECT_TRUE(store_->List("doomed")->empty());
  EXPECT_EQ(ReadAll(**store_->Open("other", "b0")), Pattern(0, 100));
  EXPECT_FALSE((*open_writer)->Commit());
  EXPECT_FALSE(fs::exists(root_ / "doomed"));
  EXPECT_TRUE(store_->RemoveWorkspace("doomed"));
}

TEST_F(FsBlobStoreTest, SymbolicLinksAreNeverFollowed) {
  tmp_.Write("outside", "secret");
  ASSERT_TRUE(WriteBlob(*store_, "ws", "real", Pattern(1, 10)));
  const fs::path link = BlobPath("ws", "link");
  fs::create_directories(link.parent_path());
  fs::create_symlink(tmp_.path() / "outside", link);
  auto opened = store_->Open("ws", "link");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), ErrorCode::kFailedPrecondition);
  auto listed = store_->List("ws");
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, std::vector<std::string>{"real"});
  // Removal refuses the unexpected entry instead of deleting through it.
  EXPECT_FALSE(store_->RemoveWorkspace("ws"));
  EXPECT_TRUE(fs::exists(tmp_.path() / "outside"));
  // A fan-out directory that is a link is not descended into either.
  fs::create_directories(tmp_.path() / "elsewhere");
  tmp_.Write("elsewhere/victim", "x");
  fs::create_directory_symlink(tmp_.path() / "elsewhere", root_ / "ws2");
  EXPECT_FALSE(store_->RemoveWorkspace("ws2"));
  EXPECT_TRUE(fs::exists(tmp_.path() / "elsewhere" / "victim"));
}

TEST_F(FsBlobStoreTest, ListIsSortedAndIgnoresForeignEntries) {
  for (std::string_view name : {"zeta", "alpha", "Mid", "b-1", "b_2"}) {
    ASSERT_TRUE(WriteBlob(*store_, "ws", name, Pattern(1, 1)));
  }
  tmp_.Write("data/blobs/ws/.tmp/junk", "x");
  tmp_.Write((fs::path("data/blobs") / *FsBlobRelativePath("ws", "alpha")).string() + ".bak", "x");
  fs::create_directories(root_ / "ws" / "zz");
  tmp_.Write("data/blobs/ws/zz/alpha", "x");
  auto listed = store_->List("ws");
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, (std::vector<std::string>{"Mid", "alpha", "b-1", "b_2", "zeta"}));
}

TEST_F(FsBlobStoreTest, TruncatedFileIsDataLoss) {
  ASSERT_TRUE(WriteBlob(*store_, "ws", "cut", Pattern(1, 1000)));
  auto reader = store_->Open("ws", "cut");
  ASSERT_TRUE(reader);
  fs::resize_file(BlobPath("ws", "cut"), 400);
  std::vector<std::uint8_t> out(1000);
  auto read = (*reader)->ReadAt(0, out);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(read.error().message().find(root_.string()), std::string::npos);
}

TEST_F(FsBlobStoreTest, OpenRefusesARootThatIsAFile) {
  tmp_.Write("file", "x");
  auto store = OpenFsBlobStore(tmp_.path() / "file");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(OpenFsBlobStore(""));
}

TEST_F(FsBlobStoreTest, ConcurrentWritersAndReaders) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::vector<std::uint8_t> own =
            Pattern(t * 100 + i, 20000 + static_cast<std::size_t>(i));
        if (!WriteBlob(*store_, "ws", "own" + std::to_string(t), own, 4096)) ++failures[t];
        auto r = store_->Open("ws", "own" + std::to_string(t));
        if (!r || ReadAll(**r) != own) ++failures[t];
        // Everyone also replaces one shared name with a full-sized version.
        if (!WriteBlob(*store_, "ws", "shared", Pattern(t, 300000), 65536)) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << t;
  auto shared = store_->Open("ws", "shared");
  ASSERT_TRUE(shared);
  const std::vector<std::uint8_t> got = ReadAll(**shared);
  bool matches_one = false;
  for (int t = 0; t < kThreads; ++t) matches_one = matches_one || got == Pattern(t, 300000);
  EXPECT_TRUE(matches_one);
  EXPECT_EQ(CountEntries(root_ / "ws" / ".tmp"), 0u);

  // One reader, many concurrent range reads.
  std::vector<std::thread> readers;
  std::vector<int> bad(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    readers.emplace_back([&, t] {
      std::vector<std::uint8_t> out(1000);
      for (std::size_t off = static_cast<std::size_t>(t); off + out.size() <= got.size();
           off += 9973) {
        if (!(*shared)->ReadAt(off, out) ||
            !std::equal(out.begin(), out.end(), got.begin() + static_cast<std::ptrdiff_t>(off))) {
          ++bad[t];
        }
      }
    });
  }
  for (auto& th : readers) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(bad[t], 0) << t;
}

}  // namespace
}  // namespace sr::blob
