// Crypto-shredding: after a shred nothing, in this process or in the
// database files, can bring the keys back.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/hex.h"
#include "keys/internal/test_fixture.h"
#include "keys/key_service.h"

namespace sr::keys::internal {
namespace {

class ShredTest : public KeysTest {
 protected:
  // WrappedBytes returns every wrapped key in the rows `where` selects, from
  // both tables (the `where` clause names workspace_id and, optionally, id).
  std::vector<std::vector<std::uint8_t>> WrappedBytes(std::string_view kek_where,
                                                      std::string_view domain_where) {
    std::vector<std::vector<std::uint8_t>> out;
    const std::string all =
        Query(fmt::format("SELECT group_concat(hex(wrapped), ',') FROM (SELECT wrapped FROM "
                          "key_workspace_keks WHERE {} UNION ALL SELECT wrapped FROM "
                          "key_erasure_domains WHERE {})",
                          kek_where, domain_where));
    for (std::size_t start = 0; start < all.size();) {
      std::size_t end = all.find(',', start);
      if (end == std::string::npos) end = all.size();
      auto bytes = HexDecode(std::string_view(all).substr(start, end - start));
      EXPECT_TRUE(bytes);
      if (bytes) out.push_back(*bytes);
      start = end + 1;
    }
    return out;
  }
};

TEST_F(ShredTest, AShreddedWorkspaceLeavesNoKeyBytesAndNothingUnwraps) {
  auto domain = service_->CreateWorkspace("ws_a");
  auto subject = service_->CreateErasureDomain("ws_a", "acc_1");
  ASSERT_TRUE(domain && subject);
  ASSERT_TRUE(service_->Rotate("ws_a"));
  auto keep = service_->CreateWorkspace("ws_b");
  ASSERT_TRUE(keep);
  auto k1 = service_->NewDataKey(Binding("ws_a", *domain));
  auto k2 = service_->NewDataKey(Binding("ws_a", *subject));
  auto kb = service_->NewDataKey(Binding("ws_b", *keep));
  ASSERT_TRUE(k1 && k2 && kb);

  const auto secrets = WrappedBytes("workspace_id = 'ws_a'", "workspace_id = 'ws_a'");
  ASSERT_EQ(secrets.size(), 4u);  // two KEK versions, two domains
  const std::vector<std::uint8_t> before = DatabaseBytes();
  for (const auto& s : secrets) ASSERT_TRUE(Contains(before, s));  // the test can see them

  Result<ShredReport> report = service_->ShredWorkspace("ws_a");
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->domains_destroyed, 2);
  EXPECT_TRUE(report->wal_truncated);
  EXPECT_EQ(std::filesystem::file_size(db_path_.string() + "-wal"), 0u);

  const std::vector<std::uint8_t> after = DatabaseBytes();
  for (const auto& s : secrets) EXPECT_FALSE(Contains(after, s));

  auto check = [&](KeyService& service) {
    service.ClearCache();
    for (const auto& [d, k] : {std::pair{*domain, &*k1}, std::pair{*subject, &*k2}}) {
      auto r = service.UnwrapDataKey(Binding("ws_a", d), k->wrapped);
      ASSERT_FALSE(r);
      EXPECT_TRUE(IsKeyDestroyed(r.error())) << r.error().ToString();
    }
    EXPECT_TRUE(service.UnwrapDataKey(Binding("ws_b", *keep), kb->wrapped));
  };
  check(*service_);
  check(*NewService());  // another process, cold
  EXPECT_EQ(Query("SELECT count(*) FROM key_shredded"), "3");
}

TEST_F(ShredTest, AShreddedWorkspaceGetsNoNewKeys) {
  auto domain = service_->CreateWorkspace("ws_a");
  ASSERT_TRUE(domain);
  ASSERT_TRUE(service_->ShredWorkspace("ws_a"));
  EXPECT_TRUE(IsKeyDestroyed(service_->Rotate("ws_a").error()));
  EXPECT_TRUE(IsKeyDestroyed(service_->CreateErasureDomain("ws_a", "acc_1").error()));
  EXPECT_TRUE(IsKeyDestroyed(service_->NewDataKey(Binding("ws_a", *domain)).error()));
  EXPECT_EQ(service_->CreateWorkspace("ws_a").error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(service_->RotateAll(), 0);
  Result<ShredReport> again = service_->ShredWorkspace("ws_a");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->domains_destroyed, 0);
  EXPECT_EQ(service_->ShredWorkspace("ws_never").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->ShredErasureDomain("edk_0000000000000000000000").error().code(),
            ErrorCode::kNotFound);
}

TEST_F(ShredTest, ErasingOneSubjectLeavesTheRestOfTheWorkspace) {
  auto domain = service_->CreateWorkspace("ws_a");
  auto alice = service_->CreateErasureDomain("ws_a", "acc_alice");
  auto bob = service_->CreateErasureDomain("ws_a", "acc_bob");
  ASSERT_TRUE(domain && alice && bob);
  auto ka = service_->NewDataKey(Binding("ws_a", *alice));
  auto kb = service_->NewDataKey(Binding("ws_a", *bob));
  auto kd = service_->NewDataKey(Binding("ws_a", *domain));
  ASSERT_TRUE(ka && kb && kd);
  const auto secrets = WrappedBytes("0", fmt::format("id = '{}'", *alice));
  ASSERT_EQ(secrets.size(), 1u);
  ASSERT_TRUE(Contains(DatabaseBytes(), secrets[0]));

  Result<ShredReport> report = service_->ShredErasureDomain(*alice);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->wal_truncated);
  EXPECT_FALSE(Contains(DatabaseBytes(), secrets[0]));
  EXPECT_EQ(Query("SELECT count(*) FROM key_erasure_domains WHERE subject = 'acc_alice'"), "0");

  auto other = NewService();
  auto r = other->UnwrapDataKey(Binding("ws_a", *alice), ka->wrapped);
  ASSERT_FALSE(r);
  EXPECT_TRUE(IsKeyDestroyed(r.error()));
  EXPECT_TRUE(other->UnwrapDataKey(Binding("ws_a", *bob), kb->wrapped));
  EXPECT_TRUE(other->UnwrapDataKey(Binding("ws_a", *domain), kd->wrapped));
  // The subject may get a new domain; the old data stays unreadable.
  auto fresh = other->CreateErasureDomain("ws_a", "acc_alice");
  ASSERT_TRUE(fresh);
  EXPECT_NE(*fresh, *alice);
  EXPECT_FALSE(other->UnwrapDataKey(Binding("ws_a", *alice), ka->wrapped));
  EXPECT_TRUE(other->ShredErasureDomain(*alice));  // twice is fine
}

TEST_F(ShredTest, RewrappedAwayBytesDoNotLingerEither) {
  auto domain = service_->CreateWorkspace("ws_a");
  ASSERT_TRUE(domain);
  const auto old_kek = WrappedBytes("workspace_id = 'ws_a'", "0");
  ASSERT_EQ(old_kek.size(), 1u);
  ASSERT_TRUE(service_->Rotate("ws_a"));
  auto rewrapped = service_->Rewrap();
  ASSERT_TRUE(rewrapped);
  EXPECT_EQ(rewrapped->keks_destroyed, 1);
  EXPECT_FALSE(Contains(DatabaseBytes(), old_kek[0]));
}

}  // namespace
}  // namespace sr::keys::internal
