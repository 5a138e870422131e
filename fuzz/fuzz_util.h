#pragma once
// Helpers shared by the fuzz targets (fuzz/README.md). Header-only, so a
// target builds the same way under fuzz/driver.cc and under libFuzzer.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

// SR_FUZZ_CHECK(cond) aborts with the file, line and condition when `cond`
// is false, in every build type (assert would vanish under NDEBUG). Both the
// driver and libFuzzer then report the input that triggered it.
#define SR_FUZZ_CHECK(cond)                                                              \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace sr::fuzz {

// AsText views the fuzz input as text; `data` may be null when `size` is 0.
inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string_view()
                   : std::string_view(reinterpret_cast<const char*>(data), size);
}

// AsBytes views the fuzz input as a byte span; `data` may be null when `size` is 0.
inline std::span<const std::uint8_t> AsBytes(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::span<const std::uint8_t>() : std::span<const std::uint8_t>(data, size);
}

}  // namespace sr::fuzz
