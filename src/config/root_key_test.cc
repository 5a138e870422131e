#include "config/root_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "common/testing/temp_dir.h"

namespace sr::config {
namespace {

using sr::testing::TempDir;

std::filesystem::path WriteKey(const TempDir& dir, std::size_t size, mode_t mode) {
  const auto path = dir.Write("root.key", std::string(size, '\x01'));
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(RootKeyTest, LoadsA32ByteKey) {
  TempDir dir;
  Result<SecretBytes> key = LoadRootKey(WriteKey(dir, 32, 0600));
  ASSERT_TRUE(key) << key.error().ToString();
  ASSERT_EQ(key->size(), 32u);
  EXPECT_EQ(key->Reveal()[0], 0x01);
  EXPECT_TRUE(LoadRootKey(WriteKey(dir, 32, 0400)));
}

TEST(RootKeyTest, RefusesGroupOrWorldReadableFile) {
  TempDir dir;
  const auto path = WriteKey(dir, 32, 0644);
  Result<SecretBytes> key = LoadRootKey(path);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(key.error().message(), "root key file " + path.string() +
                                       " is readable by group or others (mode 0644); run chmod "
                                       "600 " +
                                       path.string());
  EXPECT_FALSE(LoadRootKey(WriteKey(dir, 32, 0640)));
  EXPECT_FALSE(LoadRootKey(WriteKey(dir, 32, 0602)));
}

TEST(RootKeyTest, RefusesWrongLength) {
  TempDir dir;
  for (std::size_t size : {0, 1, 31, 33, 64}) {
    Result<SecretBytes> key = LoadRootKey(WriteKey(dir, size, 0600));
    ASSERT_FALSE(key) << size;
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(key.error().message().find("exactly 32 bytes"), std::string::npos);
    // The file content must never appear in the message.
    EXPECT_EQ(key.error().message().find('\x01'), std::string::npos);
  }
}

TEST(RootKeyTest, RefusesMissingFileAndDirectory) {
  TempDir dir;
  Result<SecretBytes> missing = LoadRootKey(dir.path() / "absent.key");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  Result<SecretBytes> directory = LoadRootKey(dir.path());
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(RootKeyTest, RefusesFifoWithoutBlocking) {
  TempDir dir;
  const auto path = dir.path() / "fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_FALSE(LoadRootKey(path));
}

TEST(RootKeyTest, CreateWritesPrivateRandomKeyOnce) {
  TempDir dir;
  const auto path = dir.path() / "root.key";
  ASSERT_TRUE(CreateRootKeyFile(path));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  Result<SecretBytes> first = LoadRootKey(path);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->size(), kRootKeySize);

  Status again = CreateRootKeyFile(path);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  Result<SecretBytes> still = LoadRootKey(path);
  ASSERT_TRUE(still);
  EXPECT_TRUE(std::equal(first->Reveal().begin(), first->Reveal().end(), still->Reveal().begin()));

  const auto other = dir.path() / "other.key";
  ASSERT_TRUE(CreateRootKeyFile(other));
  Result<SecretBytes> second = LoadRootKey(other);
  ASSERT_TRUE(second);
  EXPECT_FALSE(
      std::equal(first->Reveal().begin(), first->Reveal().end(), second->Reveal().begin()));
}

}  // namespace
}  // namespace sr::config
