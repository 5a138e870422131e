#include "keys/file_root_keyring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crypto/subkeys.h"
#include "keys/internal/test_fixture.h"
#include "keys/wrapped_key.h"

namespace sr::keys {
namespace {

using internal::ReadAll;
using internal::WriteKeyFile;

constexpr std::int64_t kStart = 1'700'000'000;

class FileRootKeyringTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteKeyFile(path_, kStart - 86400); }

  std::unique_ptr<FileRootKeyring> Open() {
    auto ring = FileRootKeyring::Open(path_, clock_);
    EXPECT_TRUE(ring) << ring.error().ToString();
    return ring ? *std::move(ring) : nullptr;
  }

  sr::testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "root.key";
  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(kStart))};
  SecretBytes kek_ = crypto::RandomKey(32);
  KeyContext context_ = KekContext("ws_a", 1);
};

TEST_F(FileRootKeyringTest, WrapsUnderVersionOneWithCreationTimeFromTheFile) {
  auto ring = Open();
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(ring->current_version(), 1u);
  ASSERT_EQ(ring->Versions().size(), 1u);
  EXPECT_EQ(ring->Versions()[0].created_at, Clock::TimePoint(std::chrono::seconds(kStart - 86400)));
  auto wrapped = ring->Wrap(context_.bytes(), kek_);
  ASSERT_TRUE(wrapped);
  EXPECT_EQ(ring->VersionOf(*wrapped), 1u);
  auto unwrapped = ring->Unwrap(context_.bytes(), *wrapped);
  ASSERT_TRUE(unwrapped);
  EXPECT_TRUE(std::ranges::equal(unwrapped->Reveal(), kek_.Reveal()));
  EXPECT_FALSE(ring->Unwrap(KekContext("ws_b", 1).bytes(), *wrapped));
}

TEST_F(FileRootKeyringTest, WrapsUnderThePurposeSubkeyNotTheRawRoot) {
  auto ring = Open();
  auto wrapped = ring->Wrap(context_.bytes(), kek_);
  ASSERT_TRUE(wrapped);
  std::vector<std::uint8_t> raw = ReadAll(path_);
  SecretBytes root{std::span<const std::uint8_t>(raw)};
  EXPECT_FALSE(UnwrapKey(root, context_.bytes(), *wrapped));
  auto deriver = crypto::KeyDeriver::Create(root.Clone());
  ASSERT_TRUE(deriver);
  EXPECT_TRUE(UnwrapKey(deriver->Derive("strongroom/kek-wrap/v1"), context_.bytes(), *wrapped));
}

TEST_F(FileRootKeyringTest, AddVersionWritesAPrivateSiblingFileAndKeepsOldVersions) {
  auto ring = Open();
  auto old = ring->Wrap(context_.bytes(), kek_);
  ASSERT_TRUE(old);
  clock_.Advance(std::chrono::hours(1));
  Result<std::uint32_t> added = ring->AddVersion();
  ASSERT_TRUE(added) << added.error().ToString();
  EXPECT_EQ(*added, 2u);
  EXPECT_EQ(ring->current_version(), 2u);
  const std::filesystem::path file = dir_.path() / "root.key.2";
  EXPECT_EQ(ring->PathOf(2), file);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  EXPECT_EQ(ring->Versions().back().created_at, clock_.Now());
  auto fresh = ring->Wrap(context_.bytes(), kek_);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(ring->VersionOf(*fresh), 2u);
  EXPECT_TRUE(ring->Unwrap(context_.bytes(), *old));
  EXPECT_TRUE(ring->Unwrap(context_.bytes(), *fresh));
  EXPECT_EQ(ring->AddVersion(), 3u);
}

TEST_F(FileRootKeyringTest, ASecondProcessPicksUpNewVersions) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a->AddVersion());
  auto wrapped = a->Wrap(context_.bytes(), kek_);
  ASSERT_TRUE(wrapped);
  EXPECT_EQ(b->current_version(), 1u);
  EXPECT_TRUE(b->Unwrap(context_.bytes(), *wrapped));  // loads root.key.2 on demand
  EXPECT_EQ(b->current_version(), 2u);
  ASSERT_TRUE(a->AddVersion());
  ASSERT_TRUE(b->Refresh());
  EXPECT_EQ(b->current_version(), 3u);
  EXPECT_EQ(b->AddVersion(), 4u);  // refreshes first: never reuses a number
}

TEST_F(FileRootKeyringTest, MissingVersionIsNotFound) {
  auto a = Open();
  ASSERT_TRUE(a->AddVersion());
  auto wrapped = a->Wrap(context_.bytes(), kek_);
  std::filesystem::remove(dir_.path() / "root.key.2");
  auto b = Open();
  auto r = b->Unwrap(context_.bytes(), *wrapped);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

TEST_F(FileRootKeyringTest, IgnoresUnrelatedFiles) {
  for (const char* name : {"root.key.bak", "root.key.02", "root.key.1", "root.key.0", "root.key.",
                           "root.key.2x", "other.key.3"}) {
    WriteKeyFile(dir_.path() / name, kStart);
  }
  auto ring = Open();
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(ring->current_version(), 1u);
}

TEST_F(FileRootKeyringTest, RefusesBadFiles) {
  ::chmod(path_.c_str(), 0640);
  auto lax = FileRootKeyring::Open(path_, clock_);
  ASSERT_FALSE(lax);
  EXPECT_EQ(lax.error().code(), ErrorCode::kFailedPrecondition);
  ::chmod(path_.c_str(), 0600);

  dir_.Write("root.key.2", "short");
  ::chmod((dir_.path() / "root.key.2").c_str(), 0600);
  auto short_file = FileRootKeyring::Open(path_, clock_);
  ASSERT_FALSE(short_file);
  EXPECT_EQ(short_file.error().code(), ErrorCode::kInvalidArgument);
  std::filesystem::remove(dir_.path() / "root.key.2");

  auto missing = FileRootKeyring::Open(dir_.path() / "nope.key", clock_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(FileRootKeyringTest, NeverOverwritesAnExistingVersionFile) {
  auto ring = Open();
  // Another process won the race to version 2 after our last refresh.
  auto other = Open();
  ASSERT_TRUE(other->AddVersion());
  const std::vector<std::uint8_t> before = ReadAll(dir_.path() / "root.key.2");
  EXPECT_EQ(ring->AddVersion(), 3u);
  EXPECT_EQ(ReadAll(dir_.path() / "root.key.2"), before);
}

}  // namespace
}  // namespace sr::keys
