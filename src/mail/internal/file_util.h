#pragma once
// File helpers private to the mail module: a private directory, atomic
// private files, a permission-checked secret file, and a private SQLite file.
// Errors are kUnavailable (I/O) or kFailedPrecondition (bad file type or
// permissions) and name the path, never file contents.

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "common/error.h"
#include "common/secret.h"

namespace sr::mail::internal {

// MakePrivateDirectory creates `dir` (parents with the default mode) and
// leaves `dir` itself with mode 0700, tightening an existing one that grants
// group or other access.
Status MakePrivateDirectory(const std::filesystem::path& dir);

// WriteFileAtomically makes `dir`/`name` hold `data` with mode 0600: a
// temporary ".tmp-*" file in `dir` is written, fsync'd and renamed into
// place, then `dir` is fsync'd. Readers never see a partial file under `name`.
Status WriteFileAtomically(const std::filesystem::path& dir, std::string_view name,
                           std::string_view data);

// ReadSecretFile returns the contents of `path` without one trailing "\n"
// or "\r\n". It refuses (kFailedPrecondition) anything that is not a regular
// file, a file readable or writable by group or others, an empty secret, one
// containing a NUL byte, and one over `max_size` bytes. The result ends with
// an added NUL byte (size() is the secret's length plus one), so that it can
// be handed to C APIs without a copy.
Result<SecretBytes> ReadSecretFile(const std::filesystem::path& path, std::size_t max_size);

// PrepareDatabaseFile creates `path` with mode 0600 if missing (SQLite then
// gives its -wal and -shm files the same mode) and tightens an existing
// database or companion file that grants group or other access.
Status PrepareDatabaseFile(const std::filesystem::path& path);

}  // namespace sr::mail::internal
