#include "keys/internal/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace sr::keys::internal {
namespace {

TEST(IdsTest, DomainIdsAreWellFormedAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewDomainId();
    EXPECT_TRUE(ValidateDomainId(id)) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(IdsTest, Validation) {
  EXPECT_TRUE(ValidateWorkspaceId("ws_A-9"));
  EXPECT_FALSE(ValidateWorkspaceId(""));
  EXPECT_FALSE(ValidateWorkspaceId("ws.a"));
  EXPECT_FALSE(ValidateWorkspaceId(std::string(129, 'x')));
  EXPECT_TRUE(ValidateObjectId(std::string(128, 'x')));
  EXPECT_FALSE(ValidateObjectId("a/b"));
  EXPECT_TRUE(ValidateSubject("acc:1.2_3-4"));
  EXPECT_FALSE(ValidateSubject("alice@example.org"));
  EXPECT_FALSE(ValidateSubject("a b"));
  EXPECT_FALSE(ValidateDomainId("edk_"));
  EXPECT_FALSE(ValidateDomainId("xdk_0000000000000000000000"));
  EXPECT_FALSE(ValidateDomainId("edk_000000000000000000000!"));
  EXPECT_FALSE(ValidateDomainId("edk_00000000000000000000000"));
  EXPECT_TRUE(ValidateDomainId("edk_0000000000000000000000"));
  Status bad = ValidateWorkspaceId("secret value");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message().find("secret"), std::string::npos);  // never echoes input
}

}  // namespace
}  // namespace sr::keys::internal
