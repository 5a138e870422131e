#pragma once
// SecretBytes owns key material or another secret. It wipes its memory when
// destroyed, cannot be copied implicitly, formats as "[redacted]" and exposes
// its bytes only through Reveal(), so every use of raw secret bytes can be
// found with grep. Not thread-safe for concurrent mutation; const use is fine.

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace sr {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : bytes_(size, 0) {}
  explicit SecretBytes(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  ~SecretBytes() { Wipe(); }

  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // Clone makes an explicit copy; copies of secrets should be rare and visible.
  SecretBytes Clone() const { return SecretBytes(std::span<const std::uint8_t>(bytes_)); }

  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // Reveal gives read access to the raw secret bytes.
  std::span<const std::uint8_t> Reveal() const { return bytes_; }
  // RevealMutable gives write access, for filling a fresh secret.
  std::span<std::uint8_t> RevealMutable() { return bytes_; }

 private:
  void Wipe();
  std::vector<std::uint8_t> bytes_;
};

inline std::ostream& operator<<(std::ostream& os, const SecretBytes&) { return os << "[redacted]"; }

}  // namespace sr

template <>
struct fmt::formatter<sr::SecretBytes> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const sr::SecretBytes&, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format("[redacted]", ctx);
  }
};
