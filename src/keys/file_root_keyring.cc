#include "keys/file_root_keyring.h"

#include <fmt/format.h>

#include <charconv>
#include <mutex>
#include <string>
#include <system_error>

#include "crypto/random.h"
#include "crypto/subkeys.h"
#include "keys/internal/key_file.h"
#include "keys/wrapped_key.h"

namespace sr::keys {
namespace {

namespace fs = std::filesystem;

// kMaxRootVersion keeps version numbers far from overflow and file names short.
constexpr std::uint32_t kMaxRootVersion = 999'999;

// ParseSuffix returns n for a file name "<base>.<n>" with n in [2, kMaxRootVersion]
// written without leading zeros, or 0 for any other name.
std::uint32_t ParseSuffix(std::string_view name, std::string_view base) {
  if (name.size() <= base.size() + 1 || !name.starts_with(base) || name[base.size()] != '.') {
    return 0;
  }
  const std::string_view digits = name.substr(base.size() + 1);
  if (digits.front() == '0') return 0;
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return 0;
  return n >= 2 && n <= kMaxRootVersion ? n : 0;
}

}  // namespace

Result<std::unique_ptr<FileRootKeyring>> FileRootKeyring::Open(fs::path root_key_file,
                                                               const Clock& clock) {
  std::unique_ptr<FileRootKeyring> ring(new FileRootKeyring(std::move(root_key_file), clock));
  std::unique_lock lock(ring->mu_);
  SR_TRY(ring->LoadLocked(1));
  SR_TRY(ring->RefreshLocked());
  lock.unlock();
  return ring;
}

fs::path FileRootKeyring::PathOf(std::uint32_t version) const {
  if (version == 1) return root_key_file_;
  return fs::path(root_key_file_.string() + "." + std::to_string(version));
}

Status FileRootKeyring::LoadLocked(std::uint32_t version) {
  if (versions_.contains(version)) return Ok();
  SR_ASSIGN_OR_RETURN(internal::KeyFile file, internal::ReadKeyFile(PathOf(version)));
  SR_ASSIGN_OR_RETURN(crypto::KeyDeriver deriver, crypto::KeyDeriver::Create(std::move(file.key)));
  versions_.emplace(version, Version{deriver.Derive(kKekWrapLabel), file.created_at});
  return Ok();
}

Status FileRootKeyring::RefreshLocked() {
  const fs::path dir = root_key_file_.has_parent_path() ? root_key_file_.parent_path() : ".";
  const std::string base = root_key_file_.filename().string();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::uint32_t n = ParseSuffix(it->path().filename().string(), base);
    if (n != 0) SR_TRY(LoadLocked(n));
  }
  if (ec) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("cannot list root key directory {}: {}", dir.string(), ec.message()));
  }
  return Ok();
}

Status FileRootKeyring::Refresh() {
  std::unique_lock lock(mu_);
  return RefreshLocked();
}

std::uint32_t FileRootKeyring::current_version() const {
  std::shared_lock lock(mu_);
  return versions_.rbegin()->first;
}

std::vector<RootKeyVersion> FileRootKeyring::Versions() const {
  std::shared_lock lock(mu_);
  std::vector<RootKeyVersion> out;
  for (const auto& [version, v] : versions_) out.push_back({version, v.created_at});
  return out;
}

Result<std::vector<std::uint8_t>> FileRootKeyring::Wrap(std::span<const std::uint8_t> context,
                                                        const SecretBytes& key) {
  std::shared_lock lock(mu_);
  const auto& [version, current] = *versions_.rbegin();
  return WrapKey(current.wrapping_key, version, context, key);
}

Result<SecretBytes> FileRootKeyring::Unwrap(std::span<const std::uint8_t> context,
                                            std::span<const std::uint8_t> wrapped) {
  SR_ASSIGN_OR_RETURN(std::uint32_t version, VersionOf(wrapped));
  {
    std::shared_lock lock(mu_);
    if (auto it = versions_.find(version); it != versions_.end()) {
      return UnwrapKey(it->second.wrapping_key, context, wrapped);
    }
  }
  if (version < 1 || version > kMaxRootVersion) {
    return Fail(ErrorCode::kDataLoss, fmt::format("wrapped key names root version {}", version));
  }
  std::unique_lock lock(mu_);
  if (Status loaded = LoadLocked(version); !loaded) {
    if (loaded.error().code() != ErrorCode::kNotFound) return std::unexpected(loaded.error());
    return Fail(ErrorCode::kNotFound,
                fmt::format("root key version {} is not available ({} is missing)", version,
                            PathOf(version).string()));
  }
  return UnwrapKey(versions_.at(version).wrapping_key, context, wrapped);
}

Result<std::uint32_t> FileRootKeyring::VersionOf(std::span<const std::uint8_t> wrapped) const {
  return WrappedKeyVersion(wrapped);
}

Result<std::uint32_t> FileRootKeyring::AddVersion() {
  std::unique_lock lock(mu_);
  SR_TRY(RefreshLocked());
  const std::uint32_t next = versions_.rbegin()->first + 1;
  if (next > kMaxRootVersion) {
    return Fail(ErrorCode::kResourceExhausted, "no root key version numbers left");
  }
  const SecretBytes root = crypto::RandomKey(kKeySize);
  Status created = internal::CreateKeyFile(PathOf(next), root, clock_.Now());
  // Another process made this version at the same moment: adopt it.
  if (!created && created.error().code() != ErrorCode::kAlreadyExists) {
    return std::unexpected(created.error());
  }
  SR_TRY(LoadLocked(next));
  return next;
}

}  // namespace sr::keys
