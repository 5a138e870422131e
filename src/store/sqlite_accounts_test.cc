#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/internal/test_store.h"

namespace sr::store {
namespace {

using internal::StoreTest;

class SqliteAccountsTest : public StoreTest {};

TEST_F(SqliteAccountsTest, CreateThenFindByEmailAndId) {
  Account account = NewAccount("acc_1", "alice@example.org");
  account.display_name = "Alice Ångström";
  account.email_verified_at = kStart + 5;
  ASSERT_TRUE(store_->CreateAccount(account));

  Result<Account> by_email = store_->FindAccountByEmail("alice@example.org");
  ASSERT_TRUE(by_email) << by_email.error().ToString();
  EXPECT_EQ(by_email->id, "acc_1");
  EXPECT_EQ(by_email->email, "alice@example.org");
  EXPECT_EQ(by_email->display_name, "Alice Ångström");
  EXPECT_EQ(by_email->password_hash, account.password_hash);
  EXPECT_EQ(by_email->email_verified_at, kStart + 5);
  EXPECT_FALSE(by_email->reset_required);
  EXPECT_FALSE(by_email->deletion_requested_at);
  EXPECT_EQ(by_email->created_at, kStart);
  EXPECT_EQ(by_email->password_changed_at, kStart);

  Result<Account> by_id = store_->FindAccountById("acc_1");
  ASSERT_TRUE(by_id) << by_id.error().ToString();
  EXPECT_EQ(by_id->email, "alice@example.org");
  EXPECT_EQ(by_id->display_name, "Alice Ångström");
}

TEST_F(SqliteAccountsTest, EmailIsMatchedExactlyAsGiven) {
  // Normalisation is the caller's job: the store compares bytes.
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_1", "Bob@Example.org")));
  EXPECT_TRUE(store_->FindAccountByEmail("Bob@Example.org"));
  Result<Account> other_case = store_->FindAccountByEmail("bob@example.org");
  ASSERT_FALSE(other_case);
  EXPECT_EQ(other_case.error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteAccountsTest, UnknownAccountIsNotFound) {
  EXPECT_EQ(store_->FindAccountByEmail("nobody@example.org").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->FindAccountById("acc_none").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->UpdatePasswordHash("acc_none", "x", 1).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->UpdateEmail("acc_none", "x@example.org").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->SetEmailVerified("acc_none", 1).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->SetResetRequired("acc_none", true).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->MarkDeletionRequested("acc_none", 1).error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteAccountsTest, DuplicateEmailIsAlreadyExistsWithoutTheAddress) {
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_1", "carol@example.org")));
  Status again = store_->CreateAccount(NewAccount("acc_2", "carol@example.org"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "an account with this e-mail already exists");
  EXPECT_EQ(store_->FindAccountById("acc_2").error().code(), ErrorCode::kNotFound);

  Status same_id = store_->CreateAccount(NewAccount("acc_1", "dave@example.org"));
  ASSERT_FALSE(same_id);
  EXPECT_EQ(same_id.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(same_id.error().message().find("dave"), std::string::npos);
}

TEST_F(SqliteAccountsTest, UpdatesChangeOnlyTheirColumns) {
  Account account = NewAccount("acc_1", "erin@example.org");
  account.email_verified_at = kStart;
  ASSERT_TRUE(store_->CreateAccount(account));
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_2", "frank@example.org")));

  ASSERT_TRUE(store_->UpdatePasswordHash("acc_1", "$argon2id$new", kStart + 10));
  ASSERT_TRUE(store_->SetResetRequired("acc_1", true));
  ASSERT_TRUE(store_->MarkDeletionRequested("acc_1", kStart + 20));
  ASSERT_TRUE(store_->MarkDeletionRequested("acc_1", kStart + 30));  // first time stands
  Result<Account> a = store_->FindAccountById("acc_1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->password_hash, "$argon2id$new");
  EXPECT_EQ(a->password_changed_at, kStart + 10);
  EXPECT_TRUE(a->reset_required);
  EXPECT_EQ(a->deletion_requested_at, kStart + 20);
  EXPECT_EQ(a->email_verified_at, kStart);
  EXPECT_EQ(a->email, "erin@example.org");

  // A new e-mail is unverified and found under the new address only.
  Status taken = store_->UpdateEmail("acc_1", "frank@example.org");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(store_->UpdateEmail("acc_1", "erin@example.net"));
  EXPECT_EQ(store_->FindAccountByEmail("erin@example.org").error().code(), ErrorCode::kNotFound);
  a = store_->FindAccountByEmail("erin@example.net");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id, "acc_1");
  EXPECT_FALSE(a->email_verified_at);
  ASSERT_TRUE(store_->SetEmailVerified("acc_1", kStart + 40));
  ASSERT_TRUE(store_->SetResetRequired("acc_1", false));
  a = store_->FindAccountById("acc_1");
  EXPECT_EQ(a->email_verified_at, kStart + 40);
  EXPECT_FALSE(a->reset_required);

  Result<Account> untouched = store_->FindAccountById("acc_2");
  ASSERT_TRUE(untouched);
  EXPECT_EQ(untouched->password_hash, NewAccount("", "").password_hash);
  EXPECT_FALSE(untouched->reset_required);
}

TEST_F(SqliteAccountsTest, CiphertextMovedToAnotherRowDoesNotOpen) {
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_1", "gina@example.org")));
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_2", "hank@example.org")));
  ASSERT_TRUE(
      Raw().Exec("UPDATE accounts SET email_ct = "
                 "(SELECT email_ct FROM accounts WHERE id = 'acc_1') WHERE id = 'acc_2'"));
  Result<Account> moved = store_->FindAccountById("acc_2");
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(moved.error().message().find("gina"), std::string::npos);
}

TEST_F(SqliteAccountsTest, SwappedBlindIndexIsDetected) {
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_1", "ivy@example.org")));
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_2", "jon@example.org")));
  // Someone with write access to the file points ivy's index at jon's row.
  ASSERT_TRUE(
      Raw().Exec("CREATE TEMP TABLE ivy AS SELECT email_bidx AS b FROM accounts WHERE id = 'acc_1';"
                 "UPDATE accounts SET email_bidx = zeroblob(32) WHERE id = 'acc_1';"
                 "UPDATE accounts SET email_bidx = (SELECT b FROM ivy) WHERE id = 'acc_2';"));
  Result<Account> found = store_->FindAccountByEmail("ivy@example.org");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code(), ErrorCode::kDataLoss);
}

TEST_F(SqliteAccountsTest, DataIsReadableAfterReopen) {
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_1", "kim@example.org")));
  store_.reset();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  Result<Account> a = store_->FindAccountByEmail("kim@example.org");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->id, "acc_1");
}

TEST_F(SqliteAccountsTest, OtherKeyCannotReadOrFind) {
  ASSERT_TRUE(store_->CreateAccount(NewAccount("acc_1", "lee@example.org")));
  store_.reset();
  cipher_ = internal::NewTestCipher();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->FindAccountByEmail("lee@example.org").error().code(), ErrorCode::kNotFound);
  Result<Account> a = store_->FindAccountById("acc_1");
  ASSERT_FALSE(a);
  // An unknown key id must not read as "no such account".
  EXPECT_EQ(a.error().code(), ErrorCode::kFailedPrecondition) << a.error().ToString();
}

}  // namespace
}  // namespace sr::store
