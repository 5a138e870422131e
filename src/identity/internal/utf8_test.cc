#include "identity/internal/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace sr::identity::internal {
namespace {

using namespace std::string_literals;

TEST(Utf8Test, CountsCodePoints) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("\0"s), 1u);
  EXPECT_EQ(CountCodePoints("\u00e9t\u00e9"), 3u);         // 2-byte
  EXPECT_EQ(CountCodePoints("\u20ac\u65e5\u672c"), 3u);    // 3-byte
  EXPECT_EQ(CountCodePoints("\U0001F600\U0001F510"), 2u);  // 4-byte
  EXPECT_EQ(CountCodePoints("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"), 5u);
  EXPECT_EQ(CountCodePoints("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"), 2u);  // U+10000, U+10FFFF
  EXPECT_EQ(CountCodePoints("\xed\x9f\xbf\xee\x80\x80"), 2u);          // U+D7FF, U+E000
}

TEST(Utf8Test, RejectsIllFormedSequences) {
  for (const std::string& bad : {
           "\x80"s,              // lone continuation
           "\xbf"s,              // lone continuation
           "\xc0\x80"s,          // overlong NUL
           "\xc1\xbf"s,          // overlong
           "\xe0\x80\x80"s,      // overlong
           "\xe0\x9f\xbf"s,      // overlong
           "\xf0\x80\x80\x80"s,  // overlong
           "\xf0\x8f\xbf\xbf"s,  // overlong
           "\xed\xa0\x80"s,      // surrogate U+D800
           "\xed\xbf\xbf"s,      // surrogate U+DFFF
           "\xf4\x90\x80\x80"s,  // U+110000
           "\xf5\x80\x80\x80"s,  // lead byte beyond Unicode
           "\xff"s,
           "\xfe"s,          // never valid
           "\xc3"s,          // truncated 2-byte
           "\xe2\x82"s,      // truncated 3-byte
           "\xf0\x9f\x98"s,  // truncated 4-byte
           "a\xc3(b"s,       // bad continuation
           "\xe2\x28\xa1"s,  // bad continuation
       }) {
    EXPECT_EQ(CountCodePoints(bad), std::nullopt) << testing::PrintToString(bad);
    EXPECT_EQ(CountCodePoints("ok" + bad), std::nullopt);
    EXPECT_EQ(CountCodePoints(bad + "ok"), std::nullopt);
  }
}

}  // namespace
}  // namespace sr::identity::internal
