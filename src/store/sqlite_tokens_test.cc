#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/internal/test_store.h"

namespace sr::store {
namespace {

using internal::HashOf;

constexpr std::string_view kReset = "password_reset";
constexpr std::string_view kVerify = "email_verification";

class SqliteTokensTest : public internal::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_a", "a@example.org")));
    ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_b", "b@example.org")));
  }

  static OneTimeToken NewToken(std::uint8_t seed, std::string_view account_id,
                               std::string_view purpose, std::int64_t created_at = kStart) {
    OneTimeToken t;
    t.token_hash = HashOf(seed);
    t.purpose = std::string(purpose);
    t.account_id = std::string(account_id);
    t.email = "a@example.org";
    t.created_at = created_at;
    t.expires_at = created_at + 900;
    return t;
  }
};

TEST_F(SqliteTokensTest, ConsumesOnce) {
  ASSERT_TRUE(store_->IssueToken(NewToken(1, "acc_a", kReset)));
  Result<OneTimeToken> first = store_->ConsumeToken(HashOf(1), kReset, kStart + 10);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->token_hash, HashOf(1));
  EXPECT_EQ(first->purpose, kReset);
  EXPECT_EQ(first->account_id, "acc_a");
  EXPECT_EQ(first->email, "a@example.org");
  EXPECT_EQ(first->created_at, kStart);
  EXPECT_EQ(first->expires_at, kStart + 900);
  EXPECT_EQ(Query("SELECT used_at FROM one_time_tokens"), std::to_string(kStart + 10));

  Result<OneTimeToken> second = store_->ConsumeToken(HashOf(1), kReset, kStart + 11);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteTokensTest, UnknownWrongPurposeAndExpiredAreNotFound) {
  ASSERT_TRUE(store_->IssueToken(NewToken(1, "acc_a", kReset)));
  EXPECT_EQ(store_->ConsumeToken(HashOf(2), kReset, kStart).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ConsumeToken(HashOf(1), kVerify, kStart).error().code(), ErrorCode::kNotFound);
  // Expiry is exclusive: at expires_at the token is already dead.
  EXPECT_EQ(store_->ConsumeToken(HashOf(1), kReset, kStart + 900).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->ConsumeToken(HashOf(1), kReset, kStart + 5000).error().code(),
            ErrorCode::kNotFound);
  // None of the failures used it up.
  EXPECT_TRUE(store_->ConsumeToken(HashOf(1), kReset, kStart + 899));
}

TEST_F(SqliteTokensTest, NewerIssueInvalidatesOlderOfSameAccountAndPurpose) {
  ASSERT_TRUE(store_->IssueToken(NewToken(1, "acc_a", kReset)));
  ASSERT_TRUE(store_->IssueToken(NewToken(2, "acc_a", kVerify)));
  ASSERT_TRUE(store_->IssueToken(NewToken(3, "acc_b", kReset)));
  ASSERT_TRUE(store_->IssueToken(NewToken(4, "acc_a", kReset, kStart + 60)));

  EXPECT_EQ(store_->ConsumeToken(HashOf(1), kReset, kStart + 61).error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ConsumeToken(HashOf(4), kReset, kStart + 61));
  EXPECT_TRUE(store_->ConsumeToken(HashOf(2), kVerify, kStart + 61));  // other purpose
  EXPECT_TRUE(store_->ConsumeToken(HashOf(3), kReset, kStart + 61));   // other account
}

TEST_F(SqliteTokensTest, InvalidateTokens) {
  ASSERT_TRUE(store_->IssueToken(NewToken(1, "acc_a", kReset)));
  ASSERT_TRUE(store_->IssueToken(NewToken(2, "acc_a", kVerify)));
  ASSERT_TRUE(store_->InvalidateTokens("acc_a", kReset));
  EXPECT_EQ(store_->ConsumeToken(HashOf(1), kReset, kStart + 1).error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ConsumeToken(HashOf(2), kVerify, kStart + 1));
  EXPECT_TRUE(store_->InvalidateTokens("acc_none", kReset));  // nothing to do is fine
}

TEST_F(SqliteTokensTest, FailedIssueLeavesOlderTokenAlive) {
  ASSERT_TRUE(store_->IssueToken(NewToken(1, "acc_a", kReset)));
  // The same hash again violates the primary key: the whole issue rolls back.
  Status duplicate = store_->IssueToken(NewToken(1, "acc_a", kReset));
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(store_->ConsumeToken(HashOf(1), kReset, kStart + 1));
}

TEST_F(SqliteTokensTest, TokenWithoutEmailAndUnknownAccount) {
  OneTimeToken t = NewToken(1, "acc_a", kReset);
  t.email.clear();
  ASSERT_TRUE(store_->IssueToken(t));
  EXPECT_EQ(Query("SELECT count(*) FROM one_time_tokens WHERE email_ct IS NULL"), "1");
  Result<OneTimeToken> consumed = store_->ConsumeToken(HashOf(1), kReset, kStart + 1);
  ASSERT_TRUE(consumed);
  EXPECT_EQ(consumed->email, "");
  EXPECT_FALSE(store_->IssueToken(NewToken(2, "acc_none", kReset)));
  EXPECT_FALSE(store_->IssueToken(NewToken(3, "acc_a", "")));
}

TEST_F(SqliteTokensTest, ConcurrentConsumersOnlyOneWins) {
  ASSERT_TRUE(store_->IssueToken(NewToken(1, "acc_a", kReset)));
  std::atomic<int> wins = 0;
  std::atomic<int> errors = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      Result<OneTimeToken> r = store_->ConsumeToken(HashOf(1), kReset, kStart + 1);
      if (r) {
        ++wins;
      } else if (r.error().code() != ErrorCode::kNotFound) {
        ++errors;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(errors, 0);
}

}  // namespace
}  // namespace sr::store
