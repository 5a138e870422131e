#pragma once
// The SQLite implementation of MetadataStore: one database file in WAL mode,
// shared by the server's threads through a small connection pool.
// The file format is described in docs/formats/metadata-store.md.

#include <chrono>
#include <filesystem>
#include <memory>

#include "common/error.h"
#include "store/metadata_store.h"

namespace sr::store {

struct SqliteOptions {
  std::filesystem::path path;
  int pool_size = 4;  // connections open at most; callers beyond it wait
  // How long a connection waits for a lock held by another, and a caller
  // for a free connection, before failing with kUnavailable.
  std::chrono::milliseconds busy_timeout{5000};
};

// OpenSqliteStore opens (creating if needed) the database at options.path and
// brings its schema up to date with the built-in migrations. The database
// file and its -wal/-shm companions are mode 0600 (existing ones are
// tightened). Every connection runs with journal_mode=WAL, synchronous=FULL,
// foreign_keys=ON and the busy timeout. A file that is not a SQLite database
// is kDataLoss; a schema newer than this binary is kFailedPrecondition.
Result<std::unique_ptr<MetadataStore>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace sr::store
