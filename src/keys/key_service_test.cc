#include "keys/key_service.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/hex.h"
#include "keys/internal/test_fixture.h"
#include "keys/wrapped_key.h"

namespace sr::keys::internal {
namespace {

bool SameKey(const SecretBytes& a, const SecretBytes& b) {
  return std::ranges::equal(a.Reveal(), b.Reveal());
}

using KeyServiceTest = KeysTest;

TEST_F(KeyServiceTest, CreateWorkspaceMakesADefaultDomain) {
  Result<std::string> domain = service_->CreateWorkspace("ws_a");
  ASSERT_TRUE(domain) << domain.error().ToString();
  EXPECT_TRUE(domain->starts_with("edk_"));
  EXPECT_EQ(domain->size(), 26u);
  EXPECT_EQ(service_->FindErasureDomain("ws_a", std::nullopt), *domain);
  EXPECT_EQ(Query("SELECT count(*) FROM key_workspace_keks"), "1");
  EXPECT_EQ(Query("SELECT subject IS NULL FROM key_erasure_domains"), "1");
  EXPECT_EQ(service_->CreateWorkspace("ws_a").error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(KeyServiceTest, RejectsMalformedIds) {
  const std::string_view bad_ids[] = {"", "a b", "ws/1", "ws\n", std::string_view("w\0s", 3)};
  for (std::string_view bad : bad_ids) {
    EXPECT_EQ(service_->CreateWorkspace(bad).error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(service_->CreateWorkspace(std::string(129, 'a')).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(service_->CreateWorkspace(std::string(128, 'a')));
  auto domain = service_->CreateWorkspace("ws_a");
  ASSERT_TRUE(domain);
  EXPECT_EQ(service_->CreateErasureDomain("ws_a", "a@b.example").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->NewDataKey(Binding("ws_a", "edk_short")).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->NewDataKey(Binding("ws_a", *domain, "../x")).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(KeyServiceTest, DataKeysRoundTripFromCacheAndFromStorage) {
  auto domain = service_->CreateWorkspace("ws_a");
  ASSERT_TRUE(domain);
  const DataKeyBinding binding = Binding("ws_a", *domain, "obj_1", 3);
  Result<DataKey> data_key = service_->NewDataKey(binding);
  ASSERT_TRUE(data_key) << data_key.error().ToString();
  EXPECT_EQ(data_key->key.size(), 32u);
  EXPECT_EQ(data_key->wrapped.size(), kWrappedKeySize);
  auto again = service_->UnwrapDataKey(binding, data_key->wrapped);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(SameKey(*again, data_key->key));

  service_->ClearCache();
  auto cold = service_->UnwrapDataKey(binding, data_key->wrapped);
  ASSERT_TRUE(cold) << cold.error().ToString();
  EXPECT_TRUE(SameKey(*cold, data_key->key));

  auto other_process = NewService();
  auto there = other_process->UnwrapDataKey(binding, data_key->wrapped);
  ASSERT_TRUE(there) << there.error().ToString();
  EXPECT_TRUE(SameKey(*there, data_key->key));
}

TEST_F(KeyServiceTest, EveryBindingComponentIsChecked) {
  auto domain_a = service_->CreateWorkspace("ws_a");
  auto domain_b = service_->CreateWorkspace("ws_b");
  ASSERT_TRUE(domain_a && domain_b);
  auto subject_domain = service_->CreateErasureDomain("ws_a", "acc_1");
  ASSERT_TRUE(subject_domain);
  const DataKeyBinding binding = Binding("ws_a", *domain_a, "obj_1", 3);
  auto data_key = service_->NewDataKey(binding);
  ASSERT_TRUE(data_key);
  const DataKeyBinding wrong[] = {
      Binding("ws_b", *domain_a, "obj_1", 3),        // another workspace, same domain
      Binding("ws_b", *domain_b, "obj_1", 3),        // another workspace with its domain
      Binding("ws_a", *domain_a, "obj_2", 3),        // another object
      Binding("ws_a", *domain_a, "obj_1", 2),        // an older version
      Binding("ws_a", *domain_a, "obj_1", 4),        // a newer version
      Binding("ws_a", *subject_domain, "obj_1", 3),  // another erasure domain
  };
  for (bool warm : {true, false}) {
    if (!warm) service_->ClearCache();
    for (const DataKeyBinding& b : wrong) {
      Result<SecretBytes> r = service_->UnwrapDataKey(b, data_key->wrapped);
      ASSERT_FALSE(r) << b.workspace_id << " " << b.object_id << " " << b.version;
      EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss) << r.error().ToString();
    }
  }
  // A wrapped domain key (KWK version 1 too) passed off as a data key: the
  // purpose label differs, so it does not open.
  Result<std::vector<std::uint8_t>> wrapped_domain =
      HexDecode(Query("SELECT hex(wrapped) FROM key_erasure_domains WHERE subject IS NULL AND "
                      "workspace_id = 'ws_a'"));
  ASSERT_TRUE(wrapped_domain);
  ASSERT_EQ(WrappedKeyVersion(*wrapped_domain), 1u);
  Result<SecretBytes> r = service_->UnwrapDataKey(binding, *wrapped_domain);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
}

TEST_F(KeyServiceTest, TamperedWrappedDataKeysFail) {
  auto domain = service_->CreateWorkspace("ws_a");
  const DataKeyBinding binding = Binding("ws_a", *domain);
  auto data_key = service_->NewDataKey(binding);
  ASSERT_TRUE(data_key);
  for (std::size_t i = 0; i < data_key->wrapped.size() * 8; ++i) {
    std::vector<std::uint8_t> bad = data_key->wrapped;
    bad[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    Result<SecretBytes> r = service_->UnwrapDataKey(binding, bad);
    ASSERT_FALSE(r) << "bit " << i;
    EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss) << i << " " << r.error().ToString();
  }
  for (std::size_t n : {0, 1, 5, 80}) {
    auto r =
        service_->UnwrapDataKey(binding, std::span<const std::uint8_t>(data_key->wrapped).first(n));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
  }
}

TEST_F(KeyServiceTest, NewDataKeyRefusesAnotherWorkspacesDomain) {
  auto domain_a = service_->CreateWorkspace("ws_a");
  ASSERT_TRUE(service_->CreateWorkspace("ws_b"));
  auto r = service_->NewDataKey(Binding("ws_b", *domain_a));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(KeyServiceTest, SubjectDomains) {
  ASSERT_TRUE(service_->CreateWorkspace("ws_a"));
  auto d1 = service_->CreateErasureDomain("ws_a", "acc_1");
  ASSERT_TRUE(d1) << d1.error().ToString();
  EXPECT_EQ(service_->CreateErasureDomain("ws_a", "acc_1").error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(service_->FindErasureDomain("ws_a", "acc_1"), *d1);
  EXPECT_EQ(service_->FindErasureDomain("ws_a", "acc_2").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->CreateErasureDomain("ws_nope", "acc_1").error().code(), ErrorCode::kNotFound);
  auto data_key = service_->NewDataKey(Binding("ws_a", *d1));
  ASSERT_TRUE(data_key);
  service_->ClearCache();
  EXPECT_TRUE(service_->UnwrapDataKey(Binding("ws_a", *d1), data_key->wrapped));
}

TEST_F(KeyServiceTest, UnknownDomainIsNotFoundButNotDestroyed) {
  ASSERT_TRUE(service_->CreateWorkspace("ws_a"));
  auto r = service_->NewDataKey(Binding("ws_a", "edk_0000000000000000000000"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(IsKeyDestroyed(r.error()));
}

TEST_F(KeyServiceTest, SwappedDatabaseRowsDoNotUnwrap) {
  auto domain_a = service_->CreateWorkspace("ws_a");
  auto domain_b = service_->CreateWorkspace("ws_b");
  auto subject = service_->CreateErasureDomain("ws_a", "acc_1");
  ASSERT_TRUE(domain_a && domain_b && subject);
  auto key_a = service_->NewDataKey(Binding("ws_a", *domain_a));
  ASSERT_TRUE(key_a);
  // The subject domain's wrapped key copied over the default domain's row.
  Query(
      "UPDATE key_erasure_domains SET wrapped = (SELECT wrapped FROM key_erasure_domains "
      "WHERE subject = 'acc_1') WHERE workspace_id = 'ws_a' AND subject IS NULL");
  service_->ClearCache();
  auto r = service_->UnwrapDataKey(Binding("ws_a", *domain_a), key_a->wrapped);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);

  // Workspace B's KEK copied into workspace A's row.
  auto key_b = service_->NewDataKey(Binding("ws_b", *domain_b));
  ASSERT_TRUE(key_b);
  Query(
      "UPDATE key_workspace_keks SET wrapped = (SELECT wrapped FROM key_workspace_keks "
      "WHERE workspace_id = 'ws_a') WHERE workspace_id = 'ws_b'");
  service_->ClearCache();
  auto rb = service_->UnwrapDataKey(Binding("ws_b", *domain_b), key_b->wrapped);
  ASSERT_FALSE(rb);
  EXPECT_EQ(rb.error().code(), ErrorCode::kDataLoss);
}

TEST_F(KeyServiceTest, ConcurrentUseIsSafe) {
  auto domain = service_->CreateWorkspace("ws_a");
  ASSERT_TRUE(domain);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const DataKeyBinding b = Binding("ws_a", *domain, "obj_" + std::to_string(t), i + 1);
        auto k = service_->NewDataKey(b);
        if (!k || !service_->UnwrapDataKey(b, k->wrapped)) ++failures;
        if (i % 10 == 0) service_->ClearCache();
        if (t == 0 && i % 25 == 0 && !service_->Rotate("ws_a")) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace sr::keys::internal
