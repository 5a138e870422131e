#pragma once
// Reading and creating root key files (docs/formats/keys.md, "Root key
// files"). Private to src/keys.

#include <filesystem>

#include "common/clock.h"
#include "common/error.h"
#include "common/secret.h"

namespace sr::keys::internal {

// KeyFile is the content and creation time (modification time) of one file.
struct KeyFile {
  SecretBytes key;
  Clock::TimePoint created_at;
};

// ReadKeyFile reads a 32-byte key file with the checks of
// config::LoadRootKey: a regular file with no group or other permission bits
// (else kFailedPrecondition with a chmod hint) and exactly 32 bytes (else
// kInvalidArgument). A missing file is kNotFound. Messages never hold key
// bytes.
Result<KeyFile> ReadKeyFile(const std::filesystem::path& path);

// CreateKeyFile creates `path` with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600,
// writes `key`, sets its modification time to `created_at`, fsyncs it and
// then its directory. An existing path is kAlreadyExists and untouched; on
// any other failure the partial file is removed.
Status CreateKeyFile(const std::filesystem::path& path, const SecretBytes& key,
                     Clock::TimePoint created_at);

}  // namespace sr::keys::internal
