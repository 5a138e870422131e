#pragma once
// KeyDeriver turns the server's root key into independent purpose-bound
// subkeys, so that no key is ever used for two purposes and a subkey reveals
// nothing about the root or its siblings:
//   subkey = HKDF-SHA256(ikm = root, salt = kSubkeySalt, info = label, L = length)

#include <cstddef>
#include <string_view>

#include "common/error.h"
#include "common/secret.h"

namespace sr::crypto {

inline constexpr std::size_t kRootKeySize = 32;
inline constexpr std::string_view kSubkeySalt = "strongroom/subkey/v1";

// Purpose labels. Each names one use of one subkey; a new use gets a new
// label, and a label never changes meaning (bump the /vN suffix instead).
inline constexpr std::string_view kFieldEncryptionLabel = "strongroom/field-encryption/v1";
inline constexpr std::string_view kBlindIndexLabel = "strongroom/blind-index/v1";

// KeyDeriver holds a copy of the root key. Immutable after Create, so Derive
// may be called from any number of threads at once.
class KeyDeriver {
 public:
  // Create takes ownership of `root`, which must be exactly kRootKeySize bytes
  // (kInvalidArgument otherwise).
  static Result<KeyDeriver> Create(SecretBytes root);

  KeyDeriver(KeyDeriver&&) noexcept = default;
  KeyDeriver& operator=(KeyDeriver&&) noexcept = default;

  // Derive returns the `length`-byte subkey for `purpose_label`: the same for
  // the same root and label, unrelated for different ones. `purpose_label`
  // must be non-empty and `length` in [1, 8160]; these are compile-time
  // constants at every call site, so a violation is a programming error and
  // aborts the process.
  SecretBytes Derive(std::string_view purpose_label, std::size_t length = 32) const;

 private:
  explicit KeyDeriver(SecretBytes root) : root_(std::move(root)) {}
  SecretBytes root_;
};

}  // namespace sr::crypto
