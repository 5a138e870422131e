#include "config/internal/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/testing/temp_dir.h"

namespace sr::config::internal {
namespace {

using sr::testing::TempDir;

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

TEST(FileUtilTest, WriteNewFileCreatesWithModeAndRefusesToOverwrite) {
  TempDir dir;
  const auto path = dir.path() / "f";
  ASSERT_TRUE(WriteNewFile(path, Bytes("hello"), 0600));
  EXPECT_EQ(ReadAll(path), "hello");
  EXPECT_EQ(ModeOf(path), 0600u);
  Status again = WriteNewFile(path, Bytes("other"), 0600);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(path), "hello");
}

TEST(FileUtilTest, WriteNewFileDoesNotFollowSymlinks) {
  TempDir dir;
  std::filesystem::create_symlink(dir.path() / "target", dir.path() / "link");
  EXPECT_FALSE(WriteNewFile(dir.path() / "link", Bytes("x"), 0600));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "target"));
}

TEST(FileUtilTest, ReplaceFileReplacesAtomicallyWithMode) {
  TempDir dir;
  const auto path = dir.Write("f", "old");
  ASSERT_TRUE(ReplaceFile(path, Bytes("new"), 0644));
  EXPECT_EQ(ReadAll(path), "new");
  EXPECT_EQ(ModeOf(path), 0644u);
  ASSERT_TRUE(ReplaceFile(dir.path() / "g", Bytes("fresh"), 0600));
  EXPECT_EQ(ModeOf(dir.path() / "g"), 0600u);
  // No temporary files are left behind.
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 2);
}

TEST(FileUtilTest, ReplaceFileFailsCleanlyInMissingDirectory) {
  TempDir dir;
  Status s = ReplaceFile(dir.path() / "no/such/f", Bytes("x"), 0600);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("no/such/f"), std::string::npos);
}

TEST(FileUtilTest, MakePrivateDirectoryCreatesAndTightens) {
  TempDir dir;
  const auto fresh = dir.path() / "a/b/c";
  ASSERT_TRUE(MakePrivateDirectory(fresh));
  EXPECT_EQ(ModeOf(fresh), 0700u);
  const auto wide = dir.path() / "wide";
  std::filesystem::create_directory(wide);
  ::chmod(wide.c_str(), 0755);
  ASSERT_TRUE(MakePrivateDirectory(wide.string() + "/"));
  EXPECT_EQ(ModeOf(wide), 0700u);
  dir.Write("file", "x");
  EXPECT_FALSE(MakePrivateDirectory(dir.path() / "file"));
}

}  // namespace
}  // namespace sr::config::internal
