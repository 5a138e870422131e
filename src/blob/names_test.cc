#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "blob/blob_store.h"
#include "blob/blob_store_fs.h"

namespace sr::blob {
namespace {

using namespace std::string_view_literals;

TEST(ValidateNameTest, AcceptsThePlainAlphabet) {
  for (std::string_view name :
       {"a"sv, "Z"sv, "0"sv, "_"sv, "-"sv, "ws_0123-abcXYZ"sv, "obj_3f9a-v12"sv}) {
    EXPECT_TRUE(ValidateName(name, "blob name")) << name;
  }
  EXPECT_TRUE(ValidateName(std::string(kMaxNameLength, 'x'), "blob name"));
}

TEST(ValidateNameTest, RefusesTraversalAndEverythingOutsideTheAlphabet) {
  const std::string_view bad[] = {
      ""sv,       "."sv,    ".."sv,          "../x"sv,
      "x/.."sv,   "a/b"sv,  "/abs"sv,        "a\\b"sv,
      "%2e%2e"sv, "%2F"sv,  "a\0b"sv,        "\0"sv,
      "a b"sv,    "a\nb"sv, "a\tb"sv,        ".tmp"sv,
      "a.b"sv,    "~"sv,    "caf\xc3\xa9"sv, "\xef\xbc\x8e\xef\xbc\x8e"sv /* fullwidth dots */,
      "a:b"sv,    "*"sv,
  };
  for (std::string_view name : bad) {
    Status s = ValidateName(name, "blob name");
    ASSERT_FALSE(s) << "accepted a name of " << name.size() << " bytes";
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(ValidateName(std::string(kMaxNameLength + 1, 'x'), "blob name"));
}

TEST(ValidateNameTest, MessageNamesTheArgumentButNotTheValue) {
  Status s = ValidateName("../../etc/passwd", "workspace id");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("workspace id"), std::string::npos);
  EXPECT_EQ(s.error().message().find("passwd"), std::string::npos);
}

TEST(FsBlobRelativePathTest, FollowsTheDocumentedLayout) {
  // SHA-256("blob") = fa2c..., so the fan-out directory is "fa".
  Result<std::string> rel = FsBlobRelativePath("ws1", "blob");
  ASSERT_TRUE(rel) << rel.error().ToString();
  EXPECT_EQ(*rel, "ws1/fa/blob");
  EXPECT_FALSE(FsBlobRelativePath("..", "blob"));
  EXPECT_FALSE(FsBlobRelativePath("ws1", "a/../../b"));
}

}  // namespace
}  // namespace sr::blob
