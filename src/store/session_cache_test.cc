#include "store/session_cache.h"

#include <gtest/gtest.h>

#include "store/internal/test_store.h"

namespace sr::store {
namespace {

using internal::HashOf;

SessionWithAccount Entry(std::string session_id, std::string account_id) {
  SessionWithAccount v;
  v.session.id = std::move(session_id);
  v.session.account_id = account_id;
  v.account.id = std::move(account_id);
  return v;
}

TEST(SessionCacheTest, FillFindAndInvalidate) {
  SessionCache cache;
  EXPECT_FALSE(cache.Find(HashOf(1)));
  cache.Fill(HashOf(1), Entry("ses_1", "acc_a"), cache.generation());
  cache.Fill(HashOf(2), Entry("ses_2", "acc_a"), cache.generation());
  cache.Fill(HashOf(3), Entry("ses_3", "acc_b"), cache.generation());
  ASSERT_TRUE(cache.Find(HashOf(1)));
  EXPECT_EQ(cache.Find(HashOf(1))->session.id, "ses_1");
  cache.InvalidateAccount("acc_a");
  EXPECT_FALSE(cache.Find(HashOf(1)));
  EXPECT_FALSE(cache.Find(HashOf(2)));
  EXPECT_TRUE(cache.Find(HashOf(3)));
  cache.InvalidateSession("ses_3");  // drops the whole account's entries
  EXPECT_FALSE(cache.Find(HashOf(3)));
}

TEST(SessionCacheTest, AFillThatRacedWithAWriteIsDropped) {
  SessionCache cache;
  const std::uint64_t before_read = cache.generation();
  cache.InvalidateAccount("acc_other");  // any write between read and fill
  cache.Fill(HashOf(1), Entry("ses_1", "acc_a"), before_read);
  EXPECT_FALSE(cache.Find(HashOf(1)));
  cache.InvalidateSession("ses_unknown");
  const std::uint64_t g = cache.generation();
  EXPECT_GT(g, before_read);
  cache.Fill(HashOf(1), Entry("ses_1", "acc_a"), g);
  EXPECT_TRUE(cache.Find(HashOf(1)));
}

TEST(SessionCacheTest, AFullCacheStartsOver) {
  SessionCache cache(2);
  cache.Fill(HashOf(1), Entry("ses_1", "acc_a"), cache.generation());
  cache.Fill(HashOf(2), Entry("ses_2", "acc_b"), cache.generation());
  cache.Fill(HashOf(3), Entry("ses_3", "acc_c"), cache.generation());
  EXPECT_FALSE(cache.Find(HashOf(1)));
  EXPECT_TRUE(cache.Find(HashOf(3)));
}

}  // namespace
}  // namespace sr::store
