#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/internal/test_store.h"

namespace sr::store {
namespace {

using internal::HashOf;

class SqliteSessionsTest : public internal::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_a", "a@example.org")));
    ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_b", "b@example.org")));
  }
};

TEST_F(SqliteSessionsTest, CreateThenFindByTokenHash) {
  Session session = NewSession("ses_1", "acc_a", 1);
  session.aal = 2;
  session.auth_at = kStart - 3;
  ASSERT_TRUE(store_->CreateSession(session));
  Result<Session> found = store_->FindSessionByTokenHash(HashOf(1));
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(found->id, "ses_1");
  EXPECT_EQ(found->token_hash, HashOf(1));
  EXPECT_EQ(found->account_id, "acc_a");
  EXPECT_EQ(found->created_at, kStart);
  EXPECT_EQ(found->last_seen_at, kStart);
  EXPECT_EQ(found->expires_at, kStart + 7 * 86400);
  EXPECT_EQ(found->auth_at, kStart - 3);
  EXPECT_EQ(found->aal, 2);
  EXPECT_EQ(found->ip, "198.51.100.7");
  EXPECT_EQ(found->user_agent, "TestAgent/1.0");
  EXPECT_EQ(store_->FindSessionByTokenHash(HashOf(2)).error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteSessionsTest, FindSessionWithAccountReadsBothInOneCall) {
  Session session = NewSession("ses_1", "acc_b", 1);
  session.aal = 2;
  ASSERT_TRUE(store_->CreateSession(session));
  Result<SessionWithAccount> found = store_->FindSessionWithAccount(HashOf(1));
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(found->session.id, "ses_1");
  EXPECT_EQ(found->session.account_id, "acc_b");
  EXPECT_EQ(found->session.expires_at, kStart + 7 * 86400);
  EXPECT_EQ(found->session.aal, 2);
  EXPECT_EQ(found->session.ip, "");  // not decrypted on this path
  EXPECT_EQ(found->account.id, "acc_b");
  EXPECT_EQ(found->account.email, "b@example.org");
  EXPECT_EQ(found->account.password_hash, "");  // never read on this path
  EXPECT_EQ(store_->FindSessionWithAccount(HashOf(2)).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(store_->RevokeSession("acc_b", "ses_1"));
  EXPECT_EQ(store_->FindSessionWithAccount(HashOf(1)).error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteSessionsTest, EveryWriteIsSeenByTheNextAuthenticationRead) {
  // The store caches what FindSessionWithAccount returns; each write below
  // must show on the very next read.
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_1", "acc_a", 1)));
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_2", "acc_a", 2)));
  ASSERT_TRUE(store_->FindSessionWithAccount(HashOf(1)));
  ASSERT_TRUE(store_->TouchSession("ses_1", kStart + 120));
  EXPECT_EQ(store_->FindSessionWithAccount(HashOf(1))->session.last_seen_at, kStart + 120);
  ASSERT_TRUE(store_->SetSessionAuth("ses_1", kStart + 130, 2));
  EXPECT_EQ(store_->FindSessionWithAccount(HashOf(1))->session.aal, 2);
  ASSERT_TRUE(store_->UpdateEmail("acc_a", "new@example.org"));
  EXPECT_EQ(store_->FindSessionWithAccount(HashOf(1))->account.email, "new@example.org");
  ASSERT_TRUE(store_->MarkDeletionRequested("acc_a", kStart + 140));
  EXPECT_TRUE(store_->FindSessionWithAccount(HashOf(1))->account.deletion_requested_at);
  ASSERT_TRUE(store_->FindSessionWithAccount(HashOf(2)));
  ASSERT_EQ(store_->RevokeSessions("acc_a", "ses_1").value(), 1);
  EXPECT_EQ(store_->FindSessionWithAccount(HashOf(2)).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(store_->RevokeSession("acc_a", "ses_1"));
  EXPECT_EQ(store_->FindSessionWithAccount(HashOf(1)).error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteSessionsTest, EmptyIpAndUserAgentAreStoredAsNull) {
  Session session = NewSession("ses_1", "acc_a", 1);
  session.ip.clear();
  session.user_agent.clear();
  ASSERT_TRUE(store_->CreateSession(session));
  EXPECT_EQ(Query("SELECT count(*) FROM sessions WHERE ip_ct IS NULL AND user_agent_ct IS NULL"),
            "1");
  Result<Session> found = store_->FindSessionByTokenHash(HashOf(1));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->ip, "");
  EXPECT_EQ(found->user_agent, "");
}

TEST_F(SqliteSessionsTest, SessionNeedsAnExistingAccountAndUniqueHash) {
  EXPECT_FALSE(store_->CreateSession(NewSession("ses_1", "acc_none", 1)));
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_1", "acc_a", 1)));
  Status same_hash = store_->CreateSession(NewSession("ses_2", "acc_a", 1));
  ASSERT_FALSE(same_hash);
  EXPECT_EQ(same_hash.error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(SqliteSessionsTest, ListsLiveSessionsNewestFirst) {
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_old", "acc_a", 1, kStart)));
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_new", "acc_a", 2, kStart + 100)));
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_mid", "acc_a", 3, kStart + 50)));
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_b", "acc_b", 4, kStart + 60)));
  Result<std::vector<Session>> list = store_->ListSessions("acc_a");
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, "ses_new");
  EXPECT_EQ((*list)[1].id, "ses_mid");
  EXPECT_EQ((*list)[2].id, "ses_old");
  EXPECT_EQ((*list)[0].ip, "198.51.100.7");

  ASSERT_TRUE(store_->RevokeSession("acc_a", "ses_mid"));
  list = store_->ListSessions("acc_a");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].id, "ses_old");
  EXPECT_TRUE(store_->ListSessions("acc_none")->empty());
}

TEST_F(SqliteSessionsTest, TouchAndSetAuth) {
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_1", "acc_a", 1)));
  ASSERT_TRUE(store_->TouchSession("ses_1", kStart + 60));
  ASSERT_TRUE(store_->TouchSession("ses_1", kStart + 30));  // never backwards
  ASSERT_TRUE(store_->SetSessionAuth("ses_1", kStart + 70, 2));
  Result<Session> s = store_->FindSessionByTokenHash(HashOf(1));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->last_seen_at, kStart + 60);
  EXPECT_EQ(s->auth_at, kStart + 70);
  EXPECT_EQ(s->aal, 2);
  EXPECT_EQ(store_->TouchSession("ses_none", kStart).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->SetSessionAuth("ses_none", kStart, 1).error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteSessionsTest, RevokeOneOnlyForItsAccount) {
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_1", "acc_a", 1)));
  Status wrong = store_->RevokeSession("acc_b", "ses_1");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->FindSessionByTokenHash(HashOf(1)));

  clock_->Advance(std::chrono::seconds(42));
  ASSERT_TRUE(store_->RevokeSession("acc_a", "ses_1"));
  EXPECT_EQ(store_->FindSessionByTokenHash(HashOf(1)).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Query("SELECT revoked_at FROM sessions WHERE id = 'ses_1'"),
            std::to_string(kStart + 42));
  // Revoking twice, touching or re-authenticating a revoked session: kNotFound.
  EXPECT_EQ(store_->RevokeSession("acc_a", "ses_1").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->TouchSession("ses_1", kStart + 50).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->SetSessionAuth("ses_1", kStart + 50, 1).error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteSessionsTest, RevokeAllExceptCurrentReturnsTheCount) {
  for (std::uint8_t i = 1; i <= 4; ++i) {
    ASSERT_TRUE(store_->CreateSession(NewSession("ses_" + std::to_string(i), "acc_a", i)));
  }
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_b", "acc_b", 9)));
  ASSERT_TRUE(store_->RevokeSession("acc_a", "ses_4"));

  EXPECT_EQ(store_->RevokeSessions("acc_a", "ses_2"), 2);  // 1 and 3; 4 already revoked
  EXPECT_TRUE(store_->FindSessionByTokenHash(HashOf(2)));
  for (std::uint8_t i : {std::uint8_t{1}, std::uint8_t{3}, std::uint8_t{4}}) {
    EXPECT_EQ(store_->FindSessionByTokenHash(HashOf(i)).error().code(), ErrorCode::kNotFound);
  }
  EXPECT_TRUE(store_->FindSessionByTokenHash(HashOf(9)));  // other account untouched

  EXPECT_EQ(store_->RevokeSessions("acc_a", std::nullopt), 1);
  EXPECT_EQ(store_->FindSessionByTokenHash(HashOf(2)).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->RevokeSessions("acc_a", std::nullopt), 0);
  EXPECT_TRUE(store_->ListSessions("acc_a")->empty());
}

TEST_F(SqliteSessionsTest, RevocationIsSeenByEveryConnection) {
  ASSERT_TRUE(store_->CreateSession(NewSession("ses_1", "acc_a", 1)));
  // Warm up every pooled connection so that each holds cached statements.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) EXPECT_TRUE(store_->FindSessionByTokenHash(HashOf(1)));
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(store_->RevokeSessions("acc_a", std::nullopt));
  threads.clear();
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(store_->FindSessionByTokenHash(HashOf(1)).error().code(), ErrorCode::kNotFound);
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

TEST_F(SqliteSessionsTest, EightThreadsCreateSessionsAtOnce) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::atomic<int> ready = 0;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready < kThreads) std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        Session s = NewSession("ses_" + std::to_string(t) + "_" + std::to_string(i), "acc_a", 0);
        s.token_hash = HashOf(0);
        s.token_hash[0] = static_cast<std::uint8_t>(t);
        s.token_hash[1] = static_cast<std::uint8_t>(i);
        if (Status st = store_->CreateSession(s); !st) {
          ADD_FAILURE() << st.error().ToString();
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  Result<std::vector<Session>> list = store_->ListSessions("acc_a");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), static_cast<std::size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace sr::store
