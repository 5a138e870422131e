#pragma once
// RootKeyring is the top of the key hierarchy: it wraps and unwraps
// workspace key-encryption keys under a versioned root key and never hands
// out the root itself. The interface is deliberately as narrow as a PKCS#11
// token's (wrap, unwrap, list, generate), so the file implementation
// (file_root_keyring.h) can be replaced by an HSM.

#include <cstdint>
#include <span>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/secret.h"

namespace sr::keys {

// RootKeyVersion describes one root version the keyring holds.
struct RootKeyVersion {
  std::uint32_t version = 0;
  Clock::TimePoint created_at;
};

// Implementations are thread-safe: every method may be called concurrently.
class RootKeyring {
 public:
  virtual ~RootKeyring() = default;

  // current_version is the version new wraps use: the highest one held.
  virtual std::uint32_t current_version() const = 0;

  // Versions lists every version held, ascending.
  virtual std::vector<RootKeyVersion> Versions() const = 0;

  // Wrap wraps the 32-byte `key` under the current version, bound to
  // `context` (the caller's purpose and ids). The result names the version.
  virtual Result<std::vector<std::uint8_t>> Wrap(std::span<const std::uint8_t> context,
                                                 const SecretBytes& key) = 0;

  // Unwrap returns the key in `wrapped` if it was wrapped by this keyring
  // with the same context. A version the keyring does not hold is
  // kNotFound (after trying to load it); any other mismatch is kDataLoss.
  virtual Result<SecretBytes> Unwrap(std::span<const std::uint8_t> context,
                                     std::span<const std::uint8_t> wrapped) = 0;

  // VersionOf returns the root version `wrapped` names, without unwrapping;
  // kDataLoss if it is not a wrapped key of this keyring's format.
  virtual Result<std::uint32_t> VersionOf(std::span<const std::uint8_t> wrapped) const = 0;

  // AddVersion creates a new root version, makes it current and returns it.
  // If another process created the same version number at the same moment,
  // that version is adopted instead: one rotation, not an error.
  virtual Result<std::uint32_t> AddVersion() = 0;

  // Refresh picks up versions another process added since this keyring
  // was opened.
  virtual Status Refresh() = 0;
};

}  // namespace sr::keys
