#include "blob/internal/fs_files.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace sr::blob::internal {
namespace {

TEST(DurableDirectoriesTest, ForgetWorkspaceDropsOnlyThatWorkspace) {
  DurableDirectories dirs;
  for (const char* d : {"ws", "ws/.tmp", "ws/ab", "ws-x", "ws-x/ab", "ws2", "w", "ws_"})
    dirs.Add(d);
  dirs.ForgetWorkspace("ws");
  for (const char* gone : {"ws", "ws/.tmp", "ws/ab"}) EXPECT_FALSE(dirs.Contains(gone)) << gone;
  for (const char* kept : {"ws-x", "ws-x/ab", "ws2", "w", "ws_"}) {
    EXPECT_TRUE(dirs.Contains(kept)) << kept;
  }
}

TEST(IoErrorTest, MapsErrnoAndNamesTheRelativePath) {
  EXPECT_EQ(IoError("write", "ws/ab/x", ENOSPC).code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(IoError("write", "ws/ab/x", EDQUOT).code(), ErrorCode::kResourceExhausted);
  const Error e = IoError("fsync", "ws/ab/x", EIO);
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  EXPECT_NE(e.message().find("fsync ws/ab/x"), std::string::npos) << e.message();
}

}  // namespace
}  // namespace sr::blob::internal
