// blob_crash_writer ROOT WORKSPACE BLOB FIRST_VERSION: replaces the blob with
// versions FIRST_VERSION, FIRST_VERSION+1, ... (1 to 8 MiB of self-checking
// content each, streamed in 256 KiB appends, see crash_record.h) until it is
// killed. crash_test.cc kills it with SIGKILL at random moments. Exits 1 on
// any store error.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "blob/blob_store_fs.h"
#include "blob/testing/crash_record.h"
#include "crypto/hash.h"

namespace {

int Fail(const sr::Error& e) {
  std::fprintf(stderr, "crash_writer: %s\n", e.ToString().c_str());
  return 1;
}

int Run(const char* root, const char* ws, const char* blob, std::uint64_t version) {
  auto store = sr::blob::OpenFsBlobStore(root);
  if (!store) return Fail(store.error());
  constexpr std::size_t kChunk = 256 * 1024;
  std::vector<std::uint8_t> chunk(kChunk);
  for (;; ++version) {
    std::mt19937_64 rng(version);
    const std::size_t size = (1u << 20) + static_cast<std::size_t>(rng() % (7u << 20));
    auto writer = (*store)->Create(ws, blob);
    if (!writer) return Fail(writer.error());
    sr::crypto::Sha256Hasher hasher;
    for (std::size_t off = 0; off < size; off += kChunk) {
      const std::size_t n = std::min(kChunk, size - off);
      for (std::size_t i = 0; i < n; i += 8) {
        const std::uint64_t word = rng();
        std::memcpy(chunk.data() + i, &word, std::min<std::size_t>(8, n - i));
      }
      const std::span<const std::uint8_t> piece(chunk.data(), n);
      hasher.Update(piece);
      if (auto s = (*writer)->Append(piece); !s) return Fail(s.error());
    }
    const auto trailer = sr::blob::testing::RecordTrailer(version, size, hasher.Finish());
    if (auto s = (*writer)->Append(trailer); !s) return Fail(s.error());
    if (auto s = (*writer)->Commit(); !s) return Fail(s.error());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: blob_crash_writer ROOT WORKSPACE BLOB FIRST_VERSION\n");
    return 2;
  }
  return Run(argv[1], argv[2], argv[3], std::strtoull(argv[4], nullptr, 10));
}
