#pragma once
// OpenKeyService assembles the production key service: the file root
// keyring beside `keys.root_key_file` and the SQLite repository on the
// metadata store's pool. Used by the server and by `strongroom keys`.

#include <filesystem>
#include <memory>

#include "common/clock.h"
#include "common/error.h"
#include "keys/key_service.h"
#include "store/connection_pool.h"

namespace sr::keys {

// OpenKeyService opens the root key files (see FileRootKeyring::Open) and
// returns a KeyService over `pool`, whose database must already be migrated
// (store::OpenSqliteStore does that). `pool` and `clock` must outlive the
// service.
Result<std::unique_ptr<KeyService>> OpenKeyService(const std::filesystem::path& root_key_file,
                                                   store::ConnectionPool& pool, const Clock& clock,
                                                   const KeyServiceOptions& options);

}  // namespace sr::keys
