#include "content/object_path.h"

#include <gtest/gtest.h>

namespace sr::content {
namespace {

std::vector<std::string> Segments(std::string_view encoded) {
  Result<ObjectPath> p = ParseObjectPath(encoded);
  EXPECT_TRUE(p) << encoded;
  return p ? p->segments : std::vector<std::string>{};
}

TEST(ObjectPathTest, SplitsAndDecodesOnce) {
  EXPECT_EQ(Segments("a/b/c.txt"), (std::vector<std::string>{"a", "b", "c.txt"}));
  EXPECT_EQ(Segments("renders/frame%20001.exr"),
            (std::vector<std::string>{"renders", "frame 001.exr"}));
  // Decoded once: "%252e%252e" is the literal name "%2e%2e", not "..".
  EXPECT_EQ(Segments("%252e%252e"), (std::vector<std::string>{"%2e%2e"}));
  EXPECT_EQ(Segments("caf%C3%A9/%E6%96%87"), (std::vector<std::string>{"café", "文"}));
  EXPECT_EQ(Segments(".profile/..x/x.."), (std::vector<std::string>{".profile", "..x", "x.."}));
  EXPECT_EQ(ParseObjectPath("a/b")->text(), "a/b");
}

TEST(ObjectPathTest, RefusesTraversalInEveryEncoding) {
  for (std::string_view bad :
       {"..", ".", "a/../b", "a/./b", "../etc/passwd", "%2e%2e", "%2E%2E/x", "a/%2e%2e",
        "..%2f..%2fetc", "a%2f..%2fb", "%2e", "a/%2E", "%c0%ae%c0%ae", "%e0%80%ae%e0%80%ae",
        "%c0%af"}) {
    EXPECT_FALSE(ParseObjectPath(bad)) << bad;
  }
  // A backslash is an ordinary character here: paths never reach a file system.
  EXPECT_EQ(Segments("..%5c..%5cwindows"), (std::vector<std::string>{"..\\..\\windows"}));
}

TEST(ObjectPathTest, RefusesEmptySegmentsAndControls) {
  for (std::string_view bad : {"", "/", "/a", "a/", "a//b", "%2f", "a%2f", "a%00b", "a\tb",
                               "%0a", "%7f", "%c2%85", "%1b[31m", "a%2"}) {
    EXPECT_FALSE(ParseObjectPath(bad)) << bad;
  }
  Result<ObjectPath> bad = ParseObjectPath("a%zzb");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ObjectPathTest, RefusesMalformedUtf8) {
  for (std::string_view bad : {"%ff", "%c3", "%c3%28", "%ed%a0%80" /* surrogate */,
                               "%f4%90%80%80" /* > U+10FFFF */, "%f0%80%80%80" /* overlong */,
                               "%80", "%e2%82"}) {
    EXPECT_FALSE(ParseObjectPath(bad)) << bad;
  }
  EXPECT_TRUE(ParseObjectPath("%f0%9f%98%80"));  // U+1F600
}

TEST(ObjectPathTest, EnforcesLengthAndDepth) {
  EXPECT_TRUE(ParseObjectPath(std::string(kMaxSegmentBytes, 'a')));
  EXPECT_FALSE(ParseObjectPath(std::string(kMaxSegmentBytes + 1, 'a')));
  std::string deep;
  for (std::size_t i = 0; i < kMaxPathDepth; ++i) deep += (i ? "/d" : "d");
  EXPECT_TRUE(ParseObjectPath(deep));
  EXPECT_FALSE(ParseObjectPath(deep + "/d"));
  std::string long_path;
  while (long_path.size() <= kMaxPathBytes) long_path += "abcdefghi/";
  long_path += "x";
  EXPECT_FALSE(ParseObjectPath(long_path));
}

TEST(ObjectPathTest, ParsesListingPrefixes) {
  std::vector<std::string> folder;
  std::string partial;
  ASSERT_TRUE(ParsePrefix("", folder, partial));
  EXPECT_TRUE(folder.empty());
  EXPECT_EQ(partial, "");
  ASSERT_TRUE(ParsePrefix("a/b/", folder, partial));
  EXPECT_EQ(folder, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(partial, "");
  ASSERT_TRUE(ParsePrefix("a/fr", folder, partial));
  EXPECT_EQ(folder, (std::vector<std::string>{"a"}));
  EXPECT_EQ(partial, "fr");
  ASSERT_TRUE(ParsePrefix(".", folder, partial));
  EXPECT_EQ(partial, ".");
  EXPECT_FALSE(ParsePrefix("../", folder, partial));
  EXPECT_FALSE(ParsePrefix("..", folder, partial));
  EXPECT_FALSE(ParsePrefix("/a", folder, partial));
  EXPECT_FALSE(ParsePrefix("a//", folder, partial));
  EXPECT_FALSE(ParsePrefix("a%00", folder, partial));
}

}  // namespace
}  // namespace sr::content
