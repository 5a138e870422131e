#include "keys/open_key_service.h"

#include "keys/file_root_keyring.h"
#include "keys/sqlite_key_repository.h"

namespace sr::keys {

Result<std::unique_ptr<KeyService>> OpenKeyService(const std::filesystem::path& root_key_file,
                                                   store::ConnectionPool& pool, const Clock& clock,
                                                   const KeyServiceOptions& options) {
  SR_ASSIGN_OR_RETURN(std::unique_ptr<FileRootKeyring> root,
                      FileRootKeyring::Open(root_key_file, clock));
  return KeyService::Create(std::move(root), std::make_unique<SqliteKeyRepository>(pool), clock,
                            options);
}

}  // namespace sr::keys
