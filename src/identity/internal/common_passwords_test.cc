#include "identity/internal/common_passwords.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

namespace sr::identity::internal {
namespace {

TEST(CommonPasswordsTest, ListIsSortedUniqueLowerCase) {
  std::span<const std::string_view> list = CommonPasswords();
  EXPECT_GT(list.size(), 3000u);
  EXPECT_TRUE(std::ranges::is_sorted(list));
  EXPECT_EQ(std::ranges::adjacent_find(list), list.end());
  for (std::string_view w : list) {
    EXPECT_FALSE(w.empty());
    EXPECT_FALSE(w.starts_with("#!comment:")) << w;
    for (char c : w) EXPECT_FALSE(c >= 'A' && c <= 'Z') << w;
  }
}

TEST(CommonPasswordsTest, KnownWords) {
  for (std::string_view w : {"123456", "password", "letmein", "iloveyou", "iloveyou!", "trustno1",
                             "asdfjkl;", "asdf;lkj", "!@#$%^&*", "x-files"}) {
    EXPECT_TRUE(IsCommonPassword(w)) << w;
  }
  EXPECT_FALSE(IsCommonPassword(""));
  EXPECT_FALSE(IsCommonPassword("Password"));  // callers lower-case first
  EXPECT_FALSE(IsCommonPassword("password123456"));
  EXPECT_FALSE(IsCommonPassword("correct horse battery staple"));
}

#ifdef SR_COMMON_PASSWORDS_FILE
TEST(CommonPasswordsTest, MatchesTheDebianFileItWasBuiltFrom) {
  std::ifstream in(SR_COMMON_PASSWORDS_FILE);
  ASSERT_TRUE(in) << SR_COMMON_PASSWORDS_FILE;
  std::set<std::string> want;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("#!comment:") || line.empty()) continue;
    std::ranges::transform(line, line.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    want.insert(line);
  }
  std::set<std::string> got(CommonPasswords().begin(), CommonPasswords().end());
  EXPECT_EQ(got, want);
}
#endif

}  // namespace
}  // namespace sr::identity::internal
