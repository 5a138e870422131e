#pragma once
// StoreTest opens a SqliteStore in a fresh temporary directory with a random
// field key and a fake clock. Tests only.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/testing/temp_dir.h"
#include "crypto/field_cipher.h"
#include "crypto/random.h"
#include "crypto/subkeys.h"
#include "store/sqlite.h"
#include "store/sqlite_store.h"

namespace sr::store::internal {

// NewTestCipher returns a FieldCipher under a fresh random root key.
inline std::shared_ptr<const crypto::FieldCipher> NewTestCipher() {
  Result<crypto::KeyDeriver> deriver = crypto::KeyDeriver::Create(crypto::RandomKey());
  EXPECT_TRUE(deriver);
  Result<crypto::FieldCipher> cipher = crypto::FieldCipher::Create(*deriver);
  EXPECT_TRUE(cipher);
  return std::make_shared<const crypto::FieldCipher>(*std::move(cipher));
}

// OpenRaw opens a separate connection to the database at `path`, for looking
// behind the store's interface.
inline Database OpenRaw(const std::filesystem::path& path) {
  Result<Database> db = Database::Open(path, SQLITE_OPEN_READWRITE);
  EXPECT_TRUE(db) << db.error().ToString();
  return *std::move(db);
}

// QueryRaw runs `sql` on a separate connection to `path` and returns its
// single text value, or "error: " and the message.
inline std::string QueryRaw(const std::filesystem::path& path, std::string_view sql) {
  Database db = OpenRaw(path);
  Result<std::string> r = db.QueryText(sql);
  return r ? *r : "error: " + r.error().message();
}

inline TokenHash HashOf(std::uint8_t seed) {
  TokenHash hash{};
  for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<std::uint8_t>(seed + i);
  return hash;
}

class StoreTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kStart = 1'700'000'000;

  void SetUp() override { store_ = Open(); }

  std::unique_ptr<SqliteStore> Open() {
    Result<std::unique_ptr<SqliteStore>> store =
        OpenSqliteStore({.path = path_, .pool_size = 4, .clock = clock_}, cipher_);
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? *std::move(store) : nullptr;
  }

  Database Raw() { return OpenRaw(path_); }
  std::string Query(std::string_view sql) { return QueryRaw(path_, sql); }

  Account NewAccount(std::string id, std::string email) {
    Account a;
    a.id = std::move(id);
    a.email = std::move(email);
    a.display_name = "Test User";
    a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    a.created_at = kStart;
    a.password_changed_at = kStart;
    return a;
  }

  Session NewSession(std::string id, std::string account_id, std::uint8_t seed,
                     std::int64_t created_at = kStart) {
    Session s;
    s.id = std::move(id);
    s.token_hash = HashOf(seed);
    s.account_id = std::move(account_id);
    s.created_at = created_at;
    s.last_seen_at = created_at;
    s.expires_at = created_at + 7 * 86400;
    s.auth_at = created_at;
    s.aal = 1;
    s.ip = "198.51.100.7";
    s.user_agent = "TestAgent/1.0";
    return s;
  }

  sr::testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "strongroom.db";
  std::shared_ptr<FakeClock> clock_ =
      std::make_shared<FakeClock>(Clock::TimePoint(std::chrono::seconds(kStart)));
  std::shared_ptr<const crypto::FieldCipher> cipher_ = NewTestCipher();
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace sr::store::internal
