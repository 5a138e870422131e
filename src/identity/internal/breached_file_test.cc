#include "identity/internal/breached_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/hex.h"
#include "common/testing/temp_dir.h"
#include "crypto/random.h"

namespace sr::identity::internal {
namespace {

using sr::testing::TempDir;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string HexOf(const Sha1Digest& d) { return Upper(HexEncode(d)); }

Sha1Digest RandomDigest() {
  Sha1Digest d;
  crypto::FillRandom(d);
  return d;
}

// Renders sorted digests as HIBP lines "HEX:count" with `eol` after each
// line (or every line but the last when `final_eol` is false).
std::string Render(const std::vector<Sha1Digest>& digests, std::string_view eol,
                   bool final_eol = true) {
  std::string out;
  for (std::size_t i = 0; i < digests.size(); ++i) {
    out += HexOf(digests[i]) + ":" + std::to_string(i * 37 % 100000 + 1);
    if (final_eol || i + 1 < digests.size()) out += eol;
  }
  return out;
}

std::vector<Sha1Digest> RandomSortedDigests(std::size_t n) {
  std::set<Sha1Digest> set;
  while (set.size() < n) set.insert(RandomDigest());
  return {set.begin(), set.end()};
}

// Digest just above `d` (as a 160-bit number), or `d` itself at the top.
Sha1Digest Successor(Sha1Digest d) {
  for (std::size_t i = d.size(); i > 0; --i) {
    if (++d[i - 1] != 0) break;
  }
  return d;
}

std::unique_ptr<BreachedFile> OpenOk(const std::filesystem::path& path) {
  auto file = BreachedFile::Open(path);
  EXPECT_TRUE(file) << file.error().ToString();
  return file ? std::move(*file) : nullptr;
}

bool Found(const BreachedFile& file, const Sha1Digest& d) {
  Result<bool> r = file.Contains(d);
  EXPECT_TRUE(r) << r.error().ToString();
  return r && *r;
}

// Looks every digest up, and neighbours that are not in the file.
void ExpectExactly(const BreachedFile& file, const std::vector<Sha1Digest>& digests) {
  std::set<Sha1Digest> present(digests.begin(), digests.end());
  for (const Sha1Digest& d : digests) {
    ASSERT_TRUE(Found(file, d)) << HexOf(d);
    Sha1Digest next = Successor(d);
    if (!present.contains(next)) {
      ASSERT_FALSE(Found(file, next)) << HexOf(next);
    }
  }
  Sha1Digest zero{};
  Sha1Digest ones;
  ones.fill(0xFF);
  EXPECT_EQ(Found(file, zero), present.contains(zero));
  EXPECT_EQ(Found(file, ones), present.contains(ones));
  for (int i = 0; i < 200; ++i) {
    Sha1Digest d = RandomDigest();
    EXPECT_EQ(Found(file, d), present.contains(d));
  }
}

TEST(BreachedFileTest, TenThousandLinesEveryLineFoundAndNeighboursNot) {
  TempDir dir;
  std::vector<Sha1Digest> digests = RandomSortedDigests(10000);
  auto file = OpenOk(dir.Write("pwned.txt", Render(digests, "\n")));
  ASSERT_TRUE(file);
  ExpectExactly(*file, digests);
  // First and last lines explicitly.
  EXPECT_TRUE(Found(*file, digests.front()));
  EXPECT_TRUE(Found(*file, digests.back()));
}

TEST(BreachedFileTest, CrlfLineEnds) {
  TempDir dir;
  std::vector<Sha1Digest> digests = RandomSortedDigests(5000);
  auto file = OpenOk(dir.Write("pwned.txt", Render(digests, "\r\n")));
  ASSERT_TRUE(file);
  ExpectExactly(*file, digests);
}

TEST(BreachedFileTest, NoLineEndAfterTheLastLine) {
  TempDir dir;
  for (std::string_view eol : {"\n", "\r\n"}) {
    std::vector<Sha1Digest> digests = RandomSortedDigests(1000);
    auto file = OpenOk(dir.Write("pwned.txt", Render(digests, eol, false)));
    ASSERT_TRUE(file);
    ExpectExactly(*file, digests);
  }
}

TEST(BreachedFileTest, LowerCaseHexAndLinesWithoutCount) {
  TempDir dir;
  std::vector<Sha1Digest> digests = RandomSortedDigests(500);
  std::string text;
  for (std::size_t i = 0; i < digests.size(); ++i) {
    text += HexEncode(digests[i]) + (i % 2 ? ":12\n" : "\n");
  }
  auto file = OpenOk(dir.Write("pwned.txt", text));
  ASSERT_TRUE(file);
  ExpectExactly(*file, digests);
}

TEST(BreachedFileTest, TinyFiles) {
  TempDir dir;
  for (std::size_t n = 1; n <= 40; ++n) {
    for (std::string_view eol : {"\n", "\r\n"}) {
      SCOPED_TRACE(::testing::Message() << n << " lines, eol size " << eol.size());
      std::vector<Sha1Digest> digests = RandomSortedDigests(n);
      auto file = OpenOk(dir.Write("pwned.txt", Render(digests, eol, n % 2 == 0)));
      ASSERT_TRUE(file);
      ExpectExactly(*file, digests);
    }
  }
  // Extremes of the hash space as first and last line.
  std::vector<Sha1Digest> edges(2);
  edges[1].fill(0xFF);
  auto file = OpenOk(dir.Write("edges.txt", Render(edges, "\r\n")));
  ASSERT_TRUE(file);
  ExpectExactly(*file, edges);
}

TEST(BreachedFileTest, LogarithmicReads) {
  TempDir dir;
  std::vector<Sha1Digest> digests = RandomSortedDigests(10000);
  const std::string text = Render(digests, "\r\n");
  auto file = OpenOk(dir.Write("pwned.txt", text));
  ASSERT_TRUE(file);
  // One read per halving of the byte range, plus a few while the range
  // narrows within a single line (about 50 bytes).
  const std::uint64_t bound = std::bit_width(text.size()) + 8;
  std::uint64_t worst = 0;
  for (std::size_t i = 0; i < digests.size(); i += 97) {
    for (const Sha1Digest& d : {digests[i], Successor(digests[i])}) {
      const std::uint64_t before = file->ReadCount();
      ASSERT_TRUE(file->Contains(d));
      worst = std::max(worst, file->ReadCount() - before);
    }
  }
  EXPECT_LE(worst, bound) << "file of " << text.size() << " bytes";
}

TEST(BreachedFileTest, ConcurrentLookups) {
  TempDir dir;
  std::vector<Sha1Digest> digests = RandomSortedDigests(2000);
  auto file = OpenOk(dir.Write("pwned.txt", Render(digests, "\n")));
  ASSERT_TRUE(file);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); i < digests.size(); i += 2) {
        Result<bool> hit = file->Contains(digests[i]);
        Result<bool> miss = file->Contains(Successor(digests[i]));
        if (!hit || !*hit || !miss) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(BreachedFileTest, OpenRejectsMissingEmptyAndForeignFiles) {
  TempDir dir;
  auto missing = BreachedFile::Open(dir.path() / "nope.txt");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kUnavailable);

  auto directory = BreachedFile::Open(dir.path());
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().code(), ErrorCode::kUnavailable);

  auto empty = BreachedFile::Open(dir.Write("empty.txt", ""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);

  // The NTLM list has 32 hex digits per hash.
  auto ntlm = BreachedFile::Open(dir.Write("ntlm.txt", std::string(32, 'A') + ":3\n"));
  ASSERT_FALSE(ntlm);
  EXPECT_EQ(ntlm.error().code(), ErrorCode::kInvalidArgument);

  auto text = BreachedFile::Open(dir.Write("words.txt", "password\n123456\n"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code(), ErrorCode::kInvalidArgument);
}

TEST(BreachedFileTest, MalformedLinesAreDataLoss) {
  TempDir dir;
  std::vector<Sha1Digest> digests = RandomSortedDigests(2);
  Sha1Digest top;
  top.fill(0xFF);
  // A valid first line (Open checks only that one), then lines the search
  // must step on: its first probe lands in the middle of the file.
  std::string garbage;
  for (int i = 0; i < 20; ++i) garbage += "not a hash line at all\n";
  auto file = OpenOk(
      dir.Write("bad.txt", Render({digests[0]}, "\n") + garbage + Render({digests[1]}, "\n")));
  ASSERT_TRUE(file);
  Result<bool> r = file->Contains(top);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);

  // A line too long to be a HIBP line.
  file = OpenOk(dir.Write("long.txt", Render({digests[0]}, "\n") + std::string(600, 'B') + "\n" +
                                          Render({digests[1]}, "\n")));
  ASSERT_TRUE(file);
  r = file->Contains(top);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace sr::identity::internal
