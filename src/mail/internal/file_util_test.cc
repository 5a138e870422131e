#include "mail/internal/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/testing/temp_dir.h"
#include "mail/internal/test_util.h"

namespace sr::mail::internal {
namespace {

using testing::FileMode;
using testing::ReadFile;
using testing::WriteFile;

std::string Reveal(const SecretBytes& secret) {
  // The secret carries an added NUL; compare the text before it.
  EXPECT_EQ(secret.Reveal().back(), 0);
  return std::string(reinterpret_cast<const char*>(secret.Reveal().data()), secret.size() - 1);
}

class FileUtilTest : public ::testing::Test {
 protected:
  sr::testing::TempDir dir_;
};

TEST_F(FileUtilTest, MakePrivateDirectoryCreatesAndTightens) {
  const auto fresh = dir_.path() / "a" / "b" / "outbox";
  ASSERT_TRUE(MakePrivateDirectory(fresh));
  EXPECT_EQ(FileMode(fresh), 0700u);
  ASSERT_TRUE(MakePrivateDirectory(fresh));  // idempotent

  const auto loose = dir_.path() / "loose";
  ASSERT_EQ(::mkdir(loose.c_str(), 0755), 0);
  ASSERT_TRUE(MakePrivateDirectory(loose));
  EXPECT_EQ(FileMode(loose), 0700u);

  const auto file = dir_.path() / "file";
  WriteFile(file, "x", 0600);
  auto r = MakePrivateDirectory(file);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(FileUtilTest, WriteFileAtomicallyWritesMode0600AndLeavesNoTemporary) {
  const mode_t old_umask = ::umask(0);  // the mode must not depend on the umask
  Status written = WriteFileAtomically(dir_.path(), "m.eml", "hello\r\n");
  ::umask(old_umask);
  ASSERT_TRUE(written) << written.error().ToString();
  EXPECT_EQ(ReadFile(dir_.path() / "m.eml"), "hello\r\n");
  EXPECT_EQ(FileMode(dir_.path() / "m.eml"), 0600u);
  ASSERT_TRUE(WriteFileAtomically(dir_.path(), "m.eml", "replaced"));
  EXPECT_EQ(ReadFile(dir_.path() / "m.eml"), "replaced");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    ++entries;
    EXPECT_EQ(entry.path().filename(), "m.eml");
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(FileUtilTest, WriteFileAtomicallyFailsWithoutTheDirectory) {
  auto r = WriteFileAtomically(dir_.path() / "missing", "m.eml", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
}

TEST_F(FileUtilTest, ReadSecretFileStripsOneLineEnding) {
  const auto path = dir_.path() / "secret";
  WriteFile(path, "s3cret pass\n", 0600);
  auto r = ReadSecretFile(path, 4096);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(Reveal(*r), "s3cret pass");
  WriteFile(path, "crlf\r\n", 0400);
  EXPECT_EQ(Reveal(*ReadSecretFile(path, 4096)), "crlf");
  WriteFile(path, "two\n\n", 0600);
  EXPECT_EQ(Reveal(*ReadSecretFile(path, 4096)), "two\n");
  WriteFile(path, "no newline\r", 0600);
  EXPECT_EQ(Reveal(*ReadSecretFile(path, 4096)), "no newline\r");
  WriteFile(path, std::string(4096, 'x'), 0600);
  EXPECT_EQ(Reveal(*ReadSecretFile(path, 4096)), std::string(4096, 'x'));
}

TEST_F(FileUtilTest, ReadSecretFileRefusesLooseModesAndOddContents) {
  const auto path = dir_.path() / "secret";
  for (mode_t mode : {0640, 0604, 0620, 0602, 0644, 0666}) {
    WriteFile(path, "hunter2-password", mode);
    auto r = ReadSecretFile(path, 4096);
    ASSERT_FALSE(r) << std::oct << mode;
    EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(r.error().message().find("chmod 600"), std::string::npos);
    EXPECT_EQ(r.error().message().find("hunter2"), std::string::npos);
  }
  for (std::string_view contents :
       {std::string_view(""), std::string_view("\n"), std::string_view("a\0b", 3)}) {
    WriteFile(path, contents, 0600);
    auto r = ReadSecretFile(path, 4096);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  }
  WriteFile(path, std::string(4097, 'x'), 0600);
  EXPECT_EQ(ReadSecretFile(path, 4096).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ReadSecretFile(dir_.path(), 4096).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ReadSecretFile(dir_.path() / "missing", 4096).error().code(), ErrorCode::kUnavailable);
}

TEST_F(FileUtilTest, PrepareDatabaseFileCreatesPrivateFilesAndTightens) {
  const auto db = dir_.path() / "q.db";
  ASSERT_TRUE(PrepareDatabaseFile(db));
  EXPECT_EQ(FileMode(db), 0600u);
  ::chmod(db.c_str(), 0644);
  WriteFile(dir_.path() / "q.db-wal", "", 0644);
  ASSERT_TRUE(PrepareDatabaseFile(db));
  EXPECT_EQ(FileMode(db), 0600u);
  EXPECT_EQ(FileMode(dir_.path() / "q.db-wal"), 0600u);
  EXPECT_EQ(PrepareDatabaseFile(dir_.path()).error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace sr::mail::internal
