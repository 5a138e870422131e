#pragma once
// Helpers shared by the blob tests. Tests only.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "blob/blob_store.h"
#include "common/error.h"

namespace sr::blob::testing {

// Pattern returns `n` pseudo-random bytes determined by `seed` (test data,
// not cryptography).
inline std::vector<std::uint8_t> Pattern(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ULL + n);
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng() >> 56);
  return out;
}

// WriteBlob writes `data` in pieces of `chunk` bytes and commits it.
inline Status WriteBlob(BlobStore& store, std::string_view ws, std::string_view name,
                        std::span<const std::uint8_t> data, std::size_t chunk = 65536) {
  SR_ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, store.Create(ws, name));
  for (std::size_t off = 0; off < data.size(); off += chunk) {
    SR_TRY(writer->Append(data.subspan(off, std::min(chunk, data.size() - off))));
  }
  return writer->Commit();
}

// ReadAll returns the whole blob, or an empty vector if a read fails (the
// test then fails on the comparison).
inline std::vector<std::uint8_t> ReadAll(const BlobReader& reader) {
  std::vector<std::uint8_t> out(reader.size());
  if (!reader.ReadAt(0, out)) return {};
  return out;
}

}  // namespace sr::blob::testing
