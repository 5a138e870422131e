#pragma once
// File helpers for writing key material and configuration safely: files are
// created with their final mode (never widened later), flushed with fsync, and
// replaced atomically. Private to the config module.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <span>

#include "common/error.h"

namespace sr::config::internal {

// WriteNewFile creates `path` with O_CREAT|O_EXCL and `mode` (minus umask),
// writes `data` and fsyncs it. An existing file is kAlreadyExists and is left
// untouched; on any other failure the partial file is removed.
Status WriteNewFile(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                    mode_t mode);

// ReplaceFile atomically replaces `path` with `data`: a temporary file with
// `mode` in the same directory is written, fsync'd, renamed over `path`, and
// the directory fsync'd. Readers see the old or the new file, never a mix.
Status ReplaceFile(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                   mode_t mode);

// SyncDirectory fsyncs a directory so that entries created in it are durable.
Status SyncDirectory(const std::filesystem::path& dir);

// MakePrivateDirectory creates `dir` (and missing parents) and leaves `dir`
// itself with mode 0700, tightening it if it already existed.
Status MakePrivateDirectory(const std::filesystem::path& dir);

}  // namespace sr::config::internal
