// Rotation, rewrap, the rotation schedule and status.

#include <gtest/gtest.h>

#include "keys/internal/test_fixture.h"
#include "keys/key_service.h"

namespace sr::keys::internal {
namespace {

using std::chrono::days;

class KeyRotationTest : public KeysTest {
 protected:
  struct Written {
    DataKeyBinding binding;
    DataKey key;
  };

  // Populate makes `workspaces` workspaces with a default and two subject
  // domains each, and one data key per domain.
  void Populate(int workspaces) {
    for (int w = 0; w < workspaces; ++w) {
      const std::string ws = "ws_" + std::to_string(w);
      auto domain = service_->CreateWorkspace(ws);
      ASSERT_TRUE(domain) << domain.error().ToString();
      std::vector<std::string> domains = {*domain};
      for (const char* subject : {"acc_1", "acc_2"}) {
        auto d = service_->CreateErasureDomain(ws, subject);
        ASSERT_TRUE(d) << d.error().ToString();
        domains.push_back(*d);
      }
      for (const std::string& d : domains) Write(Binding(ws, d, "obj_" + d, 1));
    }
  }

  void Write(const DataKeyBinding& binding) {
    auto key = service_->NewDataKey(binding);
    ASSERT_TRUE(key) << key.error().ToString();
    written_.push_back({binding, *std::move(key)});
  }

  // ExpectAllReadable checks every data key written so far from a cold cache.
  void ExpectAllReadable(KeyService& service) {
    service.ClearCache();
    for (const Written& w : written_) {
      auto key = service.UnwrapDataKey(w.binding, w.key.wrapped);
      ASSERT_TRUE(key) << key.error().ToString();
      EXPECT_TRUE(std::ranges::equal(key->Reveal(), w.key.key.Reveal()));
    }
  }

  std::string AllWrapped() {
    return Query(
        "SELECT group_concat(hex(wrapped), ',') FROM (SELECT wrapped FROM "
        "key_workspace_keks UNION ALL SELECT wrapped FROM key_erasure_domains)");
  }

  std::vector<Written> written_;
};

TEST_F(KeyRotationTest, DataBeforeAndAfterRotationStaysReadable) {
  auto domain = service_->CreateWorkspace("ws_a");
  ASSERT_TRUE(domain);
  Write(Binding("ws_a", *domain, "obj_1", 1));
  EXPECT_EQ(service_->Rotate("ws_a"), 2u);
  Write(Binding("ws_a", *domain, "obj_1", 2));
  auto subject = service_->CreateErasureDomain("ws_a", "acc_1");
  ASSERT_TRUE(subject);
  EXPECT_EQ(Query("SELECT kek_version FROM key_erasure_domains WHERE subject = 'acc_1'"), "2");
  Write(Binding("ws_a", *subject, "obj_2", 1));
  ExpectAllReadable(*service_);

  EXPECT_EQ(service_->RotateRoot(), 2u);
  ASSERT_TRUE(service_->CreateWorkspace("ws_b"));
  EXPECT_EQ(Query("SELECT root_version FROM key_workspace_keks WHERE workspace_id = 'ws_b'"), "2");
  EXPECT_EQ(service_->Rotate("ws_a"), 3u);
  EXPECT_EQ(Query("SELECT root_version FROM key_workspace_keks WHERE workspace_id = 'ws_a' "
                  "AND version = 3"),
            "2");
  ExpectAllReadable(*service_);
  ExpectAllReadable(*NewService());
}

TEST_F(KeyRotationTest, RewrapMovesEveryKeyToTheNewestVersionAndRerunIsANoOp) {
  Populate(3);
  EXPECT_EQ(service_->RotateAll(), 3);
  EXPECT_EQ(service_->RotateRoot(), 2u);
  EXPECT_EQ(Query("SELECT count(*) FROM key_erasure_domains WHERE kek_version = 1"), "9");
  EXPECT_EQ(Query("SELECT count(*) FROM key_workspace_keks WHERE root_version = 1"), "6");

  Result<RewrapProgress> progress = service_->Rewrap();
  ASSERT_TRUE(progress) << progress.error().ToString();
  EXPECT_EQ(progress->domains_rewrapped, 9);
  EXPECT_EQ(progress->keks_destroyed, 3);
  EXPECT_EQ(progress->keks_rewrapped, 3);
  EXPECT_EQ(progress->skipped, 0);
  EXPECT_EQ(Query("SELECT count(*) FROM key_erasure_domains WHERE kek_version <> 2"), "0");
  EXPECT_EQ(Query("SELECT group_concat(version || ':' || root_version) FROM key_workspace_keks"),
            "2:2,2:2,2:2");
  ExpectAllReadable(*service_);
  ExpectAllReadable(*NewService());

  const std::string before = AllWrapped();
  Result<RewrapProgress> rerun = service_->Rewrap();
  ASSERT_TRUE(rerun);
  EXPECT_EQ(
      rerun->domains_rewrapped + rerun->keks_destroyed + rerun->keks_rewrapped + rerun->skipped, 0);
  EXPECT_EQ(AllWrapped(), before);
}

TEST_F(KeyRotationTest, InterruptedRewrapResumesWhereItStopped) {
  Populate(3);
  ASSERT_TRUE(service_->RotateAll());
  ASSERT_TRUE(service_->RotateRoot());

  // Stop after the fourth committed row.
  int rows = 0;
  Result<RewrapProgress> stopped = service_->Rewrap([&](const RewrapProgress&) -> Status {
    if (++rows == 4) return Fail(ErrorCode::kUnavailable, "interrupted");
    return Ok();
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message(), "interrupted");
  EXPECT_EQ(Query("SELECT count(*) FROM key_erasure_domains WHERE kek_version = 2"), "4");
  ExpectAllReadable(*service_);  // half-way is a readable state

  // Resume in another process.
  auto other = NewService();
  Result<RewrapProgress> resumed = other->Rewrap();
  ASSERT_TRUE(resumed) << resumed.error().ToString();
  EXPECT_EQ(resumed->domains_rewrapped, 5);
  EXPECT_EQ(resumed->keks_destroyed, 3);
  EXPECT_EQ(resumed->keks_rewrapped, 3);
  ExpectAllReadable(*other);

  // A storage failure in the middle of the KEK pass, then a resume.
  ASSERT_EQ(other->RotateRoot(), 3u);
  repo_->replaces = 0;
  repo_->fail_replace_at = 1;
  Result<RewrapProgress> failed = other->Rewrap();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), "injected failure");
  EXPECT_EQ(Query("SELECT count(*) FROM key_workspace_keks WHERE root_version = 3"), "1");
  repo_->fail_replace_at = -1;
  Result<RewrapProgress> finished = other->Rewrap();
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->keks_rewrapped, 2);
  EXPECT_EQ(Query("SELECT count(*) FROM key_workspace_keks WHERE root_version <> 3"), "0");
  ExpectAllReadable(*other);
  Result<RewrapProgress> noop = other->Rewrap();
  ASSERT_TRUE(noop);
  EXPECT_EQ(noop->keks_rewrapped + noop->domains_rewrapped + noop->keks_destroyed, 0);
}

TEST_F(KeyRotationTest, RotateDueFollowsTheClock) {
  ASSERT_TRUE(service_->CreateWorkspace("ws_a"));
  auto due = service_->RotateDue(clock_.Now());
  ASSERT_TRUE(due);
  EXPECT_FALSE(due->root_version);
  EXPECT_TRUE(due->workspaces.empty());

  clock_.Advance(days(89));
  ASSERT_TRUE(service_->CreateWorkspace("ws_b"));
  due = service_->RotateDue(clock_.Now());
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->workspaces.empty());

  clock_.Advance(days(1));  // ws_a is 90 days old
  due = service_->RotateDue(clock_.Now());
  ASSERT_TRUE(due);
  EXPECT_EQ(due->workspaces, std::vector<std::string>{"ws_a"});
  EXPECT_FALSE(due->root_version);
  due = service_->RotateDue(clock_.Now());
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->workspaces.empty());  // just rotated

  clock_.Advance(days(90));  // day 180: both due
  due = service_->RotateDue(clock_.Now());
  ASSERT_TRUE(due);
  EXPECT_EQ(due->workspaces, (std::vector<std::string>{"ws_a", "ws_b"}));

  clock_.Advance(days(184));  // day 364: the root (made at day 0) is not due yet
  due = service_->RotateDue(clock_.Now());
  ASSERT_TRUE(due);
  EXPECT_FALSE(due->root_version);
  clock_.Advance(days(1));
  due = service_->RotateDue(clock_.Now());
  ASSERT_TRUE(due);
  EXPECT_EQ(due->root_version, 2u);
  EXPECT_EQ(root_->Versions().back().created_at, clock_.Now());
  due = service_->RotateDue(clock_.Now());
  ASSERT_TRUE(due);
  EXPECT_FALSE(due->root_version);
}

TEST_F(KeyRotationTest, StatusShowsEveryVersion) {
  ASSERT_TRUE(service_->CreateWorkspace("ws_a"));
  clock_.Advance(days(10));
  ASSERT_TRUE(service_->CreateWorkspace("ws_b"));
  ASSERT_TRUE(service_->Rotate("ws_a"));
  ASSERT_TRUE(service_->RotateRoot());
  Result<KeyStatus> status = service_->GetStatus();
  ASSERT_TRUE(status) << status.error().ToString();
  ASSERT_EQ(status->roots.size(), 2u);
  EXPECT_EQ(status->roots[0].version, 1u);
  EXPECT_EQ(status->roots[0].created_at, kStart);
  EXPECT_EQ(status->roots[0].keks, 3);
  EXPECT_FALSE(status->roots[0].current);
  EXPECT_EQ(status->roots[1].keks, 0);
  EXPECT_TRUE(status->roots[1].current);
  ASSERT_EQ(status->keks.size(), 3u);
  EXPECT_EQ(status->keks[0].workspace_id, "ws_a");
  EXPECT_EQ(status->keks[0].version, 1u);
  EXPECT_EQ(status->keks[0].domains, 1);
  EXPECT_FALSE(status->keks[0].current);
  EXPECT_EQ(status->keks[0].created_at, kStart);
  EXPECT_EQ(status->keks[1].version, 2u);
  EXPECT_TRUE(status->keks[1].current);
  EXPECT_EQ(status->keks[1].domains, 0);
  EXPECT_EQ(status->keks[2].workspace_id, "ws_b");
  EXPECT_EQ(status->keks[2].created_at, kStart + 10 * 86400);
}

TEST_F(KeyRotationTest, RotatingAnUnknownWorkspaceIsNotFound) {
  EXPECT_EQ(service_->Rotate("ws_nope").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->RotateAll(), 0);
}

}  // namespace
}  // namespace sr::keys::internal
