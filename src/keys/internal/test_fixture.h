#pragma once
// KeysTest: a KeyService over a fresh temporary data directory (root key
// file, SQLite metadata store) with a fake clock, and a repository wrapper
// that counts reads and can inject failures. Tests only.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/testing/temp_dir.h"
#include "crypto/field_cipher.h"
#include "crypto/random.h"
#include "crypto/subkeys.h"
#include "keys/file_root_keyring.h"
#include "keys/key_service.h"
#include "keys/sqlite_key_repository.h"
#include "store/sqlite_store.h"

namespace sr::keys::internal {

// WriteKeyFile writes 32 random bytes to `path` with mode 0600 and
// modification time `mtime` (Unix seconds).
inline void WriteKeyFile(const std::filesystem::path& path, std::int64_t mtime) {
  const SecretBytes key = crypto::RandomKey(32);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(key.Reveal().data()), 32);
  }
  ::chmod(path.c_str(), 0600);
  const struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

// ReadAll returns the bytes of `path`, or nothing if it does not exist.
inline std::vector<std::uint8_t> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline bool Contains(const std::vector<std::uint8_t>& haystack,
                     const std::vector<std::uint8_t>& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

// CountingRepository forwards to a real repository, counts the reads the
// request path would make, and fails the Nth wrap replacement on request.
class CountingRepository final : public KeyRepository {
 public:
  explicit CountingRepository(std::unique_ptr<KeyRepository> inner) : inner_(std::move(inner)) {}

  std::atomic<int> finds{0};             // FindKek + FindDomain
  std::atomic<int> replaces{0};          // ReplaceKekWrap + ReplaceDomainWrap calls
  std::atomic<int> fail_replace_at{-1};  // the replace with this 0-based index fails

  Status CreateWorkspace(const KekRecord& k, const DomainRecord& d) override {
    return inner_->CreateWorkspace(k, d);
  }
  Status InsertKek(const KekRecord& k) override { return inner_->InsertKek(k); }
  Result<KekRecord> FindKek(std::string_view ws, std::uint32_t v) override {
    ++finds;
    return inner_->FindKek(ws, v);
  }
  Result<KekRecord> CurrentKek(std::string_view ws) override { return inner_->CurrentKek(ws); }
  Result<std::vector<KekRecord>> ListCurrentKeks() override { return inner_->ListCurrentKeks(); }
  Result<std::vector<KekRecord>> ListKeksNotUnderRoot(std::uint32_t r) override {
    return inner_->ListKeksNotUnderRoot(r);
  }
  Result<bool> ReplaceKekWrap(const KekRecord& k, std::span<const std::uint8_t> w,
                              std::uint32_t r) override {
    SR_TRY(MaybeFail());
    return inner_->ReplaceKekWrap(k, w, r);
  }
  Result<std::vector<KekRecord>> DeleteRetiredKeks() override {
    return inner_->DeleteRetiredKeks();
  }
  Status InsertDomain(const DomainRecord& d) override { return inner_->InsertDomain(d); }
  Result<DomainRecord> FindDomain(std::string_view id) override {
    ++finds;
    return inner_->FindDomain(id);
  }
  Result<DomainRecord> FindDomainBySubject(std::string_view ws,
                                           std::optional<std::string_view> s) override {
    return inner_->FindDomainBySubject(ws, s);
  }
  Result<std::vector<StaleDomain>> ListStaleDomains(std::string_view after, int limit) override {
    return inner_->ListStaleDomains(after, limit);
  }
  Result<bool> ReplaceDomainWrap(const DomainRecord& d, std::span<const std::uint8_t> w,
                                 std::uint32_t v) override {
    SR_TRY(MaybeFail());
    return inner_->ReplaceDomainWrap(d, w, v);
  }
  Result<std::vector<std::string>> ShredWorkspace(std::string_view ws, std::int64_t at) override {
    return inner_->ShredWorkspace(ws, at);
  }
  Result<std::string> ShredDomain(std::string_view id, std::int64_t at) override {
    return inner_->ShredDomain(id, at);
  }
  Result<bool> IsShredded(ShredKind kind, std::string_view id) override {
    return inner_->IsShredded(kind, id);
  }
  Result<std::vector<KekSummary>> ListKekSummaries() override { return inner_->ListKekSummaries(); }
  Result<bool> Checkpoint() override { return inner_->Checkpoint(); }

 private:
  Status MaybeFail() {
    if (replaces++ == fail_replace_at.load()) {
      return Fail(ErrorCode::kUnavailable, "injected failure");
    }
    return Ok();
  }
  std::unique_ptr<KeyRepository> inner_;
};

class KeysTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kStart = 1'700'000'000;

  void SetUp() override {
    WriteKeyFile(root_file_, kStart);
    Result<crypto::KeyDeriver> deriver = crypto::KeyDeriver::Create(crypto::RandomKey());
    ASSERT_TRUE(deriver);
    Result<crypto::FieldCipher> cipher = crypto::FieldCipher::Create(*deriver);
    ASSERT_TRUE(cipher);
    Result<std::unique_ptr<store::SqliteStore>> store = store::OpenSqliteStore(
        {.path = db_path_}, std::make_shared<const crypto::FieldCipher>(*std::move(cipher)));
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = *std::move(store);
    service_ = NewService();
    ASSERT_NE(service_, nullptr);
  }

  // NewService opens another KeyService on the same files, as another
  // process would; root_ and repo_ then point into the newest one.
  std::unique_ptr<KeyService> NewService(std::chrono::seconds ttl = std::chrono::seconds(300)) {
    Result<std::unique_ptr<FileRootKeyring>> root = FileRootKeyring::Open(root_file_, clock_);
    EXPECT_TRUE(root) << root.error().ToString();
    if (!root) return nullptr;
    root_ = root->get();
    auto repo =
        std::make_unique<CountingRepository>(std::make_unique<SqliteKeyRepository>(store_->pool()));
    repo_ = repo.get();
    KeyServiceOptions options;
    options.cache_ttl = ttl;
    Result<std::unique_ptr<KeyService>> service =
        KeyService::Create(*std::move(root), std::move(repo), clock_, options);
    EXPECT_TRUE(service) << service.error().ToString();
    return service ? *std::move(service) : nullptr;
  }

  // DatabaseBytes returns the raw bytes of the database file and its WAL.
  std::vector<std::uint8_t> DatabaseBytes() const {
    std::vector<std::uint8_t> all = ReadAll(db_path_);
    std::vector<std::uint8_t> wal = ReadAll(db_path_.string() + "-wal");
    all.insert(all.end(), wal.begin(), wal.end());
    return all;
  }

  std::string Query(std::string_view sql) {
    Result<store::ConnectionPool::Lease> db = store_->pool().Acquire();
    if (!db) return "error";
    Result<std::string> r = (*db)->QueryText(sql);
    return r ? *r : "error: " + r.error().message();
  }

  DataKeyBinding Binding(std::string ws, std::string domain, std::string object = "obj_1",
                         std::uint64_t version = 1) {
    return DataKeyBinding{std::move(ws), std::move(object), version, std::move(domain)};
  }

  sr::testing::TempDir dir_;
  std::filesystem::path root_file_ = dir_.path() / "root.key";
  std::filesystem::path db_path_ = dir_.path() / "strongroom.db";
  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(kStart))};
  std::unique_ptr<store::SqliteStore> store_;
  FileRootKeyring* root_ = nullptr;     // owned by the newest service
  CountingRepository* repo_ = nullptr;  // owned by the newest service
  std::unique_ptr<KeyService> service_;
};

}  // namespace sr::keys::internal
