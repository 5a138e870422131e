#include "keys/internal/key_cache.h"

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace sr::keys::internal {
namespace {

using std::chrono::seconds;

class KeyCacheTest : public ::testing::Test {
 protected:
  FakeClock clock_{Clock::TimePoint(seconds(1000))};
  KeyCache cache_{clock_, seconds(10)};
  SecretBytes key_ = crypto::RandomKey(32);
};

TEST_F(KeyCacheTest, FindsWhatWasPutUntilTheTtl) {
  cache_.PutKek("ws", 1, key_, cache_.generation());
  cache_.PutDomain("edk_1", "ws", key_, cache_.generation());
  auto kek = cache_.FindKek("ws", 1);
  ASSERT_TRUE(kek);
  EXPECT_TRUE(std::ranges::equal(kek->Reveal(), key_.Reveal()));
  EXPECT_FALSE(cache_.FindKek("ws", 2));
  EXPECT_FALSE(cache_.FindKek("ws2", 1));
  auto domain = cache_.FindDomain("edk_1");
  ASSERT_TRUE(domain);
  EXPECT_EQ(domain->workspace_id, "ws");
  clock_.Advance(seconds(9));
  EXPECT_TRUE(cache_.FindKek("ws", 1));
  clock_.Advance(seconds(1));
  EXPECT_FALSE(cache_.FindKek("ws", 1));
  EXPECT_FALSE(cache_.FindDomain("edk_1"));
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(KeyCacheTest, AFillThatRacedAnInvalidationIsDropped) {
  const std::uint64_t before = cache_.generation();
  cache_.EraseDomain("edk_1");  // a shred lands while a fill is under way
  cache_.PutDomain("edk_1", "ws", key_, before);
  EXPECT_FALSE(cache_.FindDomain("edk_1"));
  cache_.PutDomain("edk_1", "ws", key_, cache_.generation());
  EXPECT_TRUE(cache_.FindDomain("edk_1"));
}

TEST_F(KeyCacheTest, EraseWorkspaceDropsItsKeksAndDomainsOnly) {
  const std::uint64_t g = cache_.generation();
  cache_.PutKek("ws", 1, key_, g);
  cache_.PutKek("ws", 2, key_, g);
  cache_.PutKek("ws_other", 1, key_, g);
  cache_.PutKek("w", 1, key_, g);
  cache_.PutDomain("edk_1", "ws", key_, g);
  cache_.PutDomain("edk_2", "ws_other", key_, g);
  cache_.EraseWorkspace("ws");
  EXPECT_FALSE(cache_.FindKek("ws", 1));
  EXPECT_FALSE(cache_.FindKek("ws", 2));
  EXPECT_FALSE(cache_.FindDomain("edk_1"));
  EXPECT_TRUE(cache_.FindKek("ws_other", 1));
  EXPECT_TRUE(cache_.FindKek("w", 1));
  EXPECT_TRUE(cache_.FindDomain("edk_2"));
}

TEST_F(KeyCacheTest, ExpiredEntriesArePruned) {
  cache_.PutKek("ws", 1, key_, cache_.generation());
  clock_.Advance(seconds(11));
  cache_.PutKek("ws", 2, key_, cache_.generation());
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(KeyCacheTest, MemoryIsBounded) {
  const std::uint64_t g = cache_.generation();
  for (std::size_t i = 0; i < KeyCache::kMaxEntries; ++i) {
    cache_.PutDomain("edk_" + std::to_string(i), "ws", key_, g);
  }
  cache_.PutDomain("edk_extra", "ws", key_, g);
  EXPECT_FALSE(cache_.FindDomain("edk_extra"));
  EXPECT_TRUE(cache_.FindDomain("edk_1"));
  EXPECT_EQ(cache_.size(), KeyCache::kMaxEntries);
  clock_.Advance(seconds(10));  // all expired: the next fill makes room
  cache_.PutDomain("edk_extra", "ws", key_, g);
  EXPECT_TRUE(cache_.FindDomain("edk_extra"));
  EXPECT_EQ(cache_.size(), 1u);
}

TEST(KeyCacheZeroTtlTest, StoresNothing) {
  FakeClock clock;
  KeyCache cache(clock, seconds(0));
  cache.PutKek("ws", 1, crypto::RandomKey(32), cache.generation());
  EXPECT_FALSE(cache.FindKek("ws", 1));
}

}  // namespace
}  // namespace sr::keys::internal
