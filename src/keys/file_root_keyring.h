#pragma once
// FileRootKeyring keeps the root key versions in files beside the root key
// file: version 1 is `keys.root_key_file` itself (made by `strongroom init`),
// version n >= 2 is `<root_key_file>.<n>`. Each version wraps under its
// purpose-bound subkey "strongroom/kek-wrap/v1", never under the raw root
// bytes, which are not kept. Format in docs/formats/keys.md.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string_view>

#include "common/clock.h"
#include "keys/root_keyring.h"

namespace sr::keys {

// kKekWrapLabel is the KeyDeriver label of a root version's wrapping key.
inline constexpr std::string_view kKekWrapLabel = "strongroom/kek-wrap/v1";

// FileRootKeyring is thread-safe. `clock` must outlive it; it stamps the
// creation time (the file's modification time) of versions it adds.
class FileRootKeyring final : public RootKeyring {
 public:
  // Open loads version 1 from `root_key_file` and every `<root_key_file>.<n>`
  // beside it. Any of them failing the file checks (regular file, mode
  // without group/other bits, exactly 32 bytes) fails the open.
  static Result<std::unique_ptr<FileRootKeyring>> Open(std::filesystem::path root_key_file,
                                                       const Clock& clock);

  std::uint32_t current_version() const override;
  std::vector<RootKeyVersion> Versions() const override;
  Result<std::vector<std::uint8_t>> Wrap(std::span<const std::uint8_t> context,
                                         const SecretBytes& key) override;
  // Unwrap loads `<root_key_file>.<n>` if the wrapped key names a version n
  // not yet loaded (made by another process); a missing file is kNotFound.
  Result<SecretBytes> Unwrap(std::span<const std::uint8_t> context,
                             std::span<const std::uint8_t> wrapped) override;
  Result<std::uint32_t> VersionOf(std::span<const std::uint8_t> wrapped) const override;
  // AddVersion writes `<root_key_file>.<current + 1>` (O_EXCL, 0600, fsync of
  // the file and the directory).
  Result<std::uint32_t> AddVersion() override;
  Status Refresh() override;

  // PathOf returns the file of root version `version`.
  std::filesystem::path PathOf(std::uint32_t version) const;

 private:
  struct Version {
    SecretBytes wrapping_key;
    Clock::TimePoint created_at;
  };

  FileRootKeyring(std::filesystem::path root_key_file, const Clock& clock)
      : root_key_file_(std::move(root_key_file)), clock_(clock) {}

  // Load reads version `version` from its file into versions_. Caller holds mu_ exclusively.
  Status LoadLocked(std::uint32_t version);
  Status RefreshLocked();

  const std::filesystem::path root_key_file_;
  const Clock& clock_;
  mutable std::shared_mutex mu_;
  std::map<std::uint32_t, Version> versions_;  // guarded by mu_; never empty after Open
};

}  // namespace sr::keys
