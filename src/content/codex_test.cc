#include "content/codex.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "blob/blob_store_fs.h"
#include "common/testing/temp_dir.h"
#include "content/sqlite_codex_repository.h"
#include "crypto/random.h"
#include "keys/open_key_service.h"
#include "store/sqlite_store.h"

namespace sr::content {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> RandomBody(std::size_t n) { return crypto::RandomBytes(n); }

class CodexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path root_key = dir_.path() / "root.key";
    {
      const SecretBytes key = crypto::RandomKey(32);
      std::ofstream out(root_key, std::ios::binary);
      out.write(reinterpret_cast<const char*>(key.Reveal().data()), 32);
    }
    ::chmod(root_key.c_str(), 0600);
    auto deriver = crypto::KeyDeriver::Create(crypto::RandomKey());
    ASSERT_TRUE(deriver);
    auto cipher = crypto::FieldCipher::Create(*deriver);
    ASSERT_TRUE(cipher);
    auto store = store::OpenSqliteStore({.path = dir_.path() / "db"},
                                        std::make_shared<const crypto::FieldCipher>(*std::move(cipher)));
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = *std::move(store);
    auto keys = keys::OpenKeyService(root_key, store_->pool(), clock_, {});
    ASSERT_TRUE(keys) << keys.error().ToString();
    keys_ = *std::move(keys);
    auto blobs = blob::OpenFsBlobStore(dir_.path() / "blobs");
    ASSERT_TRUE(blobs) << blobs.error().ToString();
    blobs_ = *std::move(blobs);
    repo_ = std::make_unique<SqliteCodexRepository>(store_->pool());
    MakeCodex({});
  }

  void MakeCodex(CodexOptions options) {
    options.segment_size = 1024;  // small segments: many boundaries in small bodies
    codex_ = std::make_unique<Codex>(*repo_, *keys_, *blobs_, clock_, options);
  }

  Workspace Personal(std::string_view account) {
    auto info = codex_->EnsurePersonalWorkspace(account);
    EXPECT_TRUE(info) << info.error().ToString();
    auto w = codex_->Authorize(account, info->id);
    EXPECT_TRUE(w) << w.error().ToString();
    return *w;
  }

  static ObjectPath P(std::string_view text) {
    auto p = ParsePlainObjectPath(text);
    EXPECT_TRUE(p) << text;
    return *p;
  }

  Result<ObjectInfo> Put(const Workspace& w, std::string_view path,
                         const std::vector<std::uint8_t>& body, CommitCondition cond = {},
                         std::size_t piece = 777) {
    SR_ASSIGN_OR_RETURN(auto upload, codex_->BeginUpload(w, P(path), "text/plain", cond, std::nullopt));
    for (std::size_t at = 0; at < body.size(); at += piece) {
      SR_TRY(upload->Write(std::span(body).subspan(at, std::min(piece, body.size() - at))));
    }
    return upload->Commit(std::nullopt);
  }

  std::vector<std::uint8_t> Read(const Workspace& w, std::string_view path, std::uint64_t first,
                                 std::uint64_t last, std::optional<std::uint64_t> version = {}) {
    auto opened = codex_->Open(w, P(path), version);
    EXPECT_TRUE(opened) << opened.error().ToString();
    if (!opened) return {};
    auto stream = opened->source->Stream(first, last);
    EXPECT_TRUE(stream) << stream.error().ToString();
    std::vector<std::uint8_t> out;
    std::vector<std::uint8_t> buffer(3000);  // not a multiple of the segment size
    for (;;) {
      auto n = (*stream)->Next(buffer);
      EXPECT_TRUE(n) << n.error().ToString();
      if (!n || *n == 0) break;
      out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<long>(*n));
    }
    return out;
  }

  testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<keys::KeyService> keys_;
  std::unique_ptr<blob::BlobStore> blobs_;
  std::unique_ptr<SqliteCodexRepository> repo_;
  std::unique_ptr<Codex> codex_;
};

TEST_F(CodexTest, PersonalWorkspaceIsCreatedOnceAndOnlyItsOwnerReachesIt) {
  Workspace a = Personal("acc_a");
  EXPECT_EQ(Personal("acc_a").id, a.id);
  EXPECT_TRUE(a.personal);
  EXPECT_EQ(codex_->Authorize("acc_b", a.id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(codex_->Authorize("acc_a", "wsp_0000000000000000000000").error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(codex_->Authorize("acc_a", "../etc").error().code(), ErrorCode::kNotFound);
  auto list = codex_->ListWorkspaces("acc_a");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "Personal");
}

TEST_F(CodexTest, RangesAtEverySegmentBoundaryMatchThePlaintext) {
  Workspace w = Personal("acc_a");
  const auto body = RandomBody(3 * 1024 + 17);
  auto info = Put(w, "a/b.bin", body);
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_TRUE(info->created);
  EXPECT_EQ(info->size, body.size());
  EXPECT_EQ(info->sha256, crypto::Sha256(body));
  std::vector<std::uint64_t> points;
  for (std::uint64_t b = 0; b <= 4; ++b) {
    for (std::int64_t d : {-1, 0, 1}) {
      const std::int64_t p = static_cast<std::int64_t>(b * 1024) + d;
      if (p >= 0 && p < static_cast<std::int64_t>(body.size())) points.push_back(static_cast<std::uint64_t>(p));
    }
  }
  points.push_back(body.size() - 1);
  for (std::uint64_t first : points) {
    for (std::uint64_t last : points) {
      if (last < first) continue;
      const auto got = Read(w, "a/b.bin", first, last);
      ASSERT_EQ(got, std::vector<std::uint8_t>(body.begin() + static_cast<long>(first),
                                               body.begin() + static_cast<long>(last) + 1))
          << first << "-" << last;
    }
  }
}

TEST_F(CodexTest, ABlobMovedToAnotherWorkspaceOrObjectDoesNotDecrypt) {
  Workspace a = Personal("acc_a");
  Workspace b = Personal("acc_b");
  ASSERT_TRUE(Put(a, "secret", RandomBody(5000)));
  ASSERT_TRUE(Put(b, "secret", RandomBody(10)));
  ASSERT_TRUE(Put(b, "other", RandomBody(10)));
  auto blob_of = [&](const Workspace& w, std::string_view name) {
    for (const auto& e : fs::recursive_directory_iterator(dir_.path() / "blobs" / w.id)) {
      if (e.is_regular_file() && e.path().filename().string().starts_with(name)) return e.path();
    }
    return fs::path();
  };
  auto a_node = repo_->FindChild(a.id, "", NodeNameCipher::Create(*keys_->UnwrapDataKey(
                                                {a.id, "names", 1, a.default_domain_id},
                                                a.names_key_wrapped))->Index("", "secret"));
  ASSERT_TRUE(a_node);
  auto b_secret = codex_->Stat(b, P("secret"));
  auto b_other = codex_->Stat(b, P("other"));
  ASSERT_TRUE(b_secret && b_other);
  // Another workspace: b's object gets a's blob.
  fs::copy_file(blob_of(a, a_node->id), blob_of(b, b_secret->object_id),
                fs::copy_options::overwrite_existing);
  EXPECT_EQ(codex_->Open(b, P("secret")).error().code(), ErrorCode::kDataLoss);
  // Another object in the same workspace: "other" gets "secret"'s blob.
  fs::copy_file(blob_of(b, b_secret->object_id), blob_of(b, b_other->object_id),
                fs::copy_options::overwrite_existing);
  EXPECT_EQ(codex_->Open(b, P("other")).error().code(), ErrorCode::kDataLoss);
}

TEST_F(CodexTest, ConditionsQuotaAndRetention) {
  CodexOptions options;
  options.workspace_quota_bytes = 20000;
  options.keep_older_versions = 1;
  MakeCodex(options);
  CommitCondition create_only;
  create_only.if_none_match_any = true;
  Workspace w = Personal("acc_a");
  auto first = Put(w, "f", RandomBody(100), create_only);
  ASSERT_TRUE(first);
  EXPECT_EQ(Put(w, "f", RandomBody(100), create_only).error().code(),
            ErrorCode::kFailedPrecondition);
  CommitCondition wrong;
  wrong.if_match = Sha256{};
  EXPECT_EQ(Put(w, "f", RandomBody(100), wrong).error().code(), ErrorCode::kFailedPrecondition);
  CommitCondition right;
  right.if_match = first->sha256;
  ASSERT_TRUE(Put(w, "f", RandomBody(100), right));
  ASSERT_TRUE(Put(w, "f", RandomBody(100)));
  auto versions = codex_->Versions(w, P("f"));
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);  // the newest and one older
  // The create-only retry was refused before reserving; the wrong If-Match
  // only at commit, so version 2 was reserved and never stored.
  EXPECT_EQ((*versions)[0].version, 4u);
  EXPECT_EQ((*versions)[1].version, 3u);
  auto over = Put(w, "big", RandomBody(30000));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().problem_type(), "quota-exceeded");
  EXPECT_EQ(codex_->Stat(w, P("big")).error().code(), ErrorCode::kNotFound);
}

TEST_F(CodexTest, ListingMovingAndDeleting) {
  Workspace w = Personal("acc_a");
  for (const char* p : {"x/1", "x/2", "x/y/3", "top", "xylophone"}) ASSERT_TRUE(Put(w, p, RandomBody(3)));
  auto top = codex_->List(w, "", true, "", 100);
  ASSERT_TRUE(top);
  EXPECT_EQ(top->folders, std::vector<std::string>{"x/"});
  EXPECT_EQ(top->objects.size(), 2u);
  auto x = codex_->List(w, "x/", true, "", 1);
  ASSERT_TRUE(x);
  ASSERT_TRUE(x->next_cursor);
  auto rest = codex_->List(w, "x/", true, *x->next_cursor, 100);
  ASSERT_TRUE(rest);
  EXPECT_EQ(x->objects.size() + rest->objects.size() + x->folders.size() + rest->folders.size(), 3u);
  auto all = codex_->List(w, "x", false, "", 100);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->objects.size(), 4u);  // x/1 x/2 x/y/3 xylophone

  EXPECT_EQ(codex_->Move(w, P("x"), P("x/y/z")).error().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(codex_->Move(w, P("x/y"), P("moved")));
  EXPECT_TRUE(codex_->Stat(w, P("moved/3")));
  EXPECT_EQ(codex_->Move(w, P("top"), P("moved/3")).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(codex_->Delete(w, P("moved"), {}).error().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(codex_->Delete(w, P("moved/3"), {}));
  EXPECT_EQ(codex_->Stat(w, P("moved/3")).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(codex_->Delete(w, P("moved"), {}));
  auto copied = codex_->Copy(w, P("top"), P("copy/of/top"), {});
  ASSERT_TRUE(copied) << copied.error().ToString();
  EXPECT_EQ(Read(w, "copy/of/top", 0, 2), Read(w, "top", 0, 2));
}

TEST_F(CodexTest, PurgeRemovesDeletedFilesWithTheirBlobsAndRefundsTheQuota) {
  Workspace w = Personal("acc_a");
  ASSERT_TRUE(Put(w, "keep", RandomBody(100)));
  ASSERT_TRUE(Put(w, "gone", RandomBody(5000)));
  ASSERT_TRUE(Put(w, "gone", RandomBody(5000)));
  ASSERT_TRUE(codex_->Delete(w, P("gone"), {}));
  auto recent = codex_->PurgeDeleted(std::chrono::hours(1), 100);
  ASSERT_TRUE(recent);
  EXPECT_EQ(*recent, 0u);  // still within retention
  auto purged = codex_->PurgeDeleted(std::chrono::seconds(0), 100);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 2u);
  auto blobs = blobs_->List(w.id);
  ASSERT_TRUE(blobs);
  EXPECT_EQ(blobs->size(), 1u);
  auto after = repo_->FindWorkspace(w.id);
  ASSERT_TRUE(after);
  auto keep = codex_->Stat(w, P("keep"));
  ASSERT_TRUE(keep);
  EXPECT_LT(after->used_bytes, 1000);
  EXPECT_GT(after->used_bytes, 100);
}

TEST_F(CodexTest, AFailedFirstUploadLeavesNoFileBehind) {
  Workspace w = Personal("acc_a");
  {
    auto upload = codex_->BeginUpload(w, P("x"), "text/plain", {}, std::nullopt);
    ASSERT_TRUE(upload);
    ASSERT_TRUE((*upload)->Write(RandomBody(10)));
    Sha256 wrong{};
    EXPECT_FALSE((*upload)->Commit(wrong));
  }
  // "x" is free again: a folder may take the name.
  EXPECT_TRUE(Put(w, "x/y", RandomBody(3)));
  auto blobs = blobs_->List(w.id);
  ASSERT_TRUE(blobs);
  EXPECT_EQ(blobs->size(), 1u);
}

TEST_F(CodexTest, DeletedWorkspaceKeysAreGoneBeforeItsData) {
  Workspace w = Personal("acc_a");
  ASSERT_TRUE(Put(w, "f", RandomBody(100)));
  ASSERT_TRUE(codex_->DeleteWorkspace(w));
  EXPECT_FALSE(fs::exists(dir_.path() / "blobs" / w.id));
  EXPECT_EQ(codex_->Authorize("acc_a", w.id).error().code(), ErrorCode::kNotFound);
  auto unwrapped = keys_->UnwrapDataKey({w.id, "names", 1, w.default_domain_id}, w.names_key_wrapped);
  ASSERT_FALSE(unwrapped);
  EXPECT_TRUE(keys::IsKeyDestroyed(unwrapped.error()));
  EXPECT_NE(Personal("acc_a").id, w.id);  // a fresh one
}

}  // namespace
}  // namespace sr::content
