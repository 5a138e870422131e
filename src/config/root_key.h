#pragma once
// The root key file holds the 32 raw bytes from which every other key of the
// server is derived or under which it is wrapped. It is created once by
// `strongroom init` and must stay private to the server's user.

#include <cstddef>
#include <filesystem>

#include "common/error.h"
#include "common/secret.h"
#include "crypto/subkeys.h"

namespace sr::config {

using crypto::kRootKeySize;

// LoadRootKey reads the root key from `path`. The file must be a regular file
// with no group or other permission bits (else kFailedPrecondition with a
// chmod hint) holding exactly kRootKeySize bytes (else kInvalidArgument). A
// missing file is kNotFound. Error messages never contain key bytes.
Result<SecretBytes> LoadRootKey(const std::filesystem::path& path);

// CreateRootKeyFile writes kRootKeySize fresh bytes from the OpenSSL CSPRNG to
// `path`, which is created with O_CREAT|O_EXCL and mode 0600 from the start
// and fsync'd. An existing file is kAlreadyExists and is never overwritten.
Status CreateRootKeyFile(const std::filesystem::path& path);

}  // namespace sr::config
