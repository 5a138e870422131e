#include "common/secret.h"

#include <sstream>

#include <gtest/gtest.h>

namespace sr {
namespace {

TEST(SecretBytesTest, NeverFormatsItsBytes) {
  std::vector<std::uint8_t> raw = {'h', 'u', 'n', 't', 'e', 'r', '2'};
  SecretBytes secret(raw);
  std::ostringstream os;
  os << secret;
  EXPECT_EQ(os.str(), "[redacted]");
  EXPECT_EQ(fmt::format("{}", secret), "[redacted]");
}

TEST(SecretBytesTest, MoveEmptiesTheSource) {
  std::vector<std::uint8_t> raw = {1, 2, 3};
  SecretBytes a(raw);
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.size(), 3u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): documented state
  SecretBytes c = b.Clone();
  EXPECT_TRUE(std::equal(c.Reveal().begin(), c.Reveal().end(), raw.begin()));
}

}  // namespace
}  // namespace sr
