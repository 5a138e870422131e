#include "crypto/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace sr::crypto {
namespace {

TEST(RandomTest, ReturnsTheRequestedSize) {
  EXPECT_TRUE(RandomBytes(0).empty());
  EXPECT_EQ(RandomBytes(1).size(), 1u);
  EXPECT_EQ(RandomBytes(1000).size(), 1000u);
  EXPECT_EQ(RandomKey().size(), 32u);
  EXPECT_EQ(RandomKey(16).size(), 16u);
}

TEST(RandomTest, FillRandomOverwritesTheWholeBuffer) {
  // A zero byte at a fixed position has probability 1/256 per draw; a byte that
  // stays zero over 16 draws points at a buffer that is not being filled.
  std::vector<std::uint8_t> seen_nonzero(64, 0);
  for (int i = 0; i < 16; ++i) {
    std::vector<std::uint8_t> buf(64, 0);
    FillRandom(buf);
    for (std::size_t j = 0; j < buf.size(); ++j) seen_nonzero[j] |= (buf[j] != 0);
  }
  EXPECT_TRUE(std::all_of(seen_nonzero.begin(), seen_nonzero.end(), [](auto b) { return b; }));
}

TEST(RandomTest, OutputsDoNotRepeat) {
  std::set<std::string> seen;  // strings: GCC 12 at -O3 warns falsely on vector<=>
  for (int i = 0; i < 1000; ++i) {
    auto bytes = RandomBytes(16);
    EXPECT_TRUE(seen.insert(std::string(bytes.begin(), bytes.end())).second);
  }
}

TEST(RandomTest, FillRandomAcceptsAnEmptySpan) {
  std::vector<std::uint8_t> empty;
  FillRandom(empty);
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace sr::crypto
