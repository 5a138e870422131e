// The key cache seen through KeyService: no root-key operation and no
// database read on a warm request path, TTL expiry, synchronous invalidation.

#include <gtest/gtest.h>

#include "keys/internal/test_fixture.h"
#include "keys/key_service.h"

namespace sr::keys::internal {
namespace {

using std::chrono::seconds;

class KeyCacheServiceTest : public KeysTest {
 protected:
  void SetUp() override {
    KeysTest::SetUp();
    auto domain = service_->CreateWorkspace("ws_a");
    ASSERT_TRUE(domain);
    domain_ = *domain;
    auto key = service_->NewDataKey(Binding("ws_a", domain_));
    ASSERT_TRUE(key);
    wrapped_ = key->wrapped;
  }

  bool Request(KeyService& service) {
    auto fresh = service.NewDataKey(Binding("ws_a", domain_, "obj_2"));
    return fresh && service.UnwrapDataKey(Binding("ws_a", domain_), wrapped_);
  }

  std::string domain_;
  std::vector<std::uint8_t> wrapped_;
};

TEST_F(KeyCacheServiceTest, WarmRequestsMakeNoRootOperationAndNoDatabaseRead) {
  const std::uint64_t unwraps = service_->root_unwraps();
  const int finds = repo_->finds.load();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Request(*service_));
  EXPECT_EQ(service_->root_unwraps(), unwraps);
  EXPECT_EQ(unwraps, 0u);  // CreateWorkspace left both keys cached
  EXPECT_EQ(repo_->finds.load(), finds);
}

TEST_F(KeyCacheServiceTest, AColdCacheUnwrapsOnceThenStaysWarm) {
  service_->ClearCache();
  ASSERT_TRUE(Request(*service_));
  EXPECT_EQ(service_->root_unwraps(), 1u);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Request(*service_));
  EXPECT_EQ(service_->root_unwraps(), 1u);
}

TEST_F(KeyCacheServiceTest, EntriesExpireAfterTheTtl) {
  service_->ClearCache();
  ASSERT_TRUE(Request(*service_));
  EXPECT_EQ(service_->root_unwraps(), 1u);
  clock_.Advance(seconds(299));
  ASSERT_TRUE(Request(*service_));
  EXPECT_EQ(service_->root_unwraps(), 1u);
  clock_.Advance(seconds(1));  // 300 s after the fill: expired
  const int finds = repo_->finds.load();
  ASSERT_TRUE(Request(*service_));
  EXPECT_EQ(service_->root_unwraps(), 2u);
  EXPECT_GT(repo_->finds.load(), finds);
}

TEST_F(KeyCacheServiceTest, ZeroTtlDisablesCaching) {
  auto uncached = NewService(seconds(0));
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(Request(*uncached));
    EXPECT_EQ(uncached->root_unwraps(), 2u * i);  // one per call, two calls per request
  }
}

TEST_F(KeyCacheServiceTest, ShreddingInvalidatesAtOnce) {
  auto subject = service_->CreateErasureDomain("ws_a", "acc_1");
  ASSERT_TRUE(subject);
  auto key = service_->NewDataKey(Binding("ws_a", *subject));
  ASSERT_TRUE(key);
  ASSERT_TRUE(service_->UnwrapDataKey(Binding("ws_a", *subject), key->wrapped));  // warm
  ASSERT_TRUE(service_->ShredErasureDomain(*subject));
  auto r = service_->UnwrapDataKey(Binding("ws_a", *subject), key->wrapped);
  ASSERT_FALSE(r);
  EXPECT_TRUE(IsKeyDestroyed(r.error())) << r.error().ToString();
  ASSERT_TRUE(Request(*service_));  // the default domain is untouched

  ASSERT_TRUE(service_->ShredWorkspace("ws_a"));
  auto gone = service_->UnwrapDataKey(Binding("ws_a", domain_), wrapped_);
  ASSERT_FALSE(gone);
  EXPECT_TRUE(IsKeyDestroyed(gone.error()));
  EXPECT_EQ(gone.error().problem_type(), "key-destroyed");
  EXPECT_FALSE(service_->NewDataKey(Binding("ws_a", domain_)));
}

}  // namespace
}  // namespace sr::keys::internal
