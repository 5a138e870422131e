#include "store/sqlite_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "store/connection_pool.h"
#include "store/migrations.h"
#include "store/sqlite.h"

namespace sr::store {
namespace {

namespace fs = std::filesystem;

std::unexpected<Error> FileError(std::string_view what, const fs::path& path, int err) {
  return Fail(ErrorCode::kUnavailable,
              fmt::format("cannot {} metadata store {}: {}", what, path.string(),
                          std::generic_category().message(err)));
}

// Tighten sets an existing file to mode 0600 if group or others have any access.
Status Tighten(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? Ok() : FileError("stat", path, errno);
  }
  if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), 0600) != 0) {
    return FileError("chmod", path, errno);
  }
  return Ok();
}

// PrepareFiles creates the database file with mode 0600 before SQLite sees
// it. SQLite gives the -wal and -shm files the database file's mode, so they
// are private too; files left by an earlier, laxer setup are tightened.
Status PrepareFiles(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) return FileError("create", path, errno);
  struct stat st {};
  const bool is_regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  if (!is_regular) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("metadata store {} is not a regular file", path.string()));
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    SR_TRY(Tighten(path.string() + suffix));
  }
  return Ok();
}

// OpenConnection opens one connection and applies the per-connection pragmas.
Result<Database> OpenConnection(const SqliteOptions& options) {
  // No SQLITE_OPEN_CREATE: PrepareFiles made the file with the right mode.
  SR_ASSIGN_OR_RETURN(Database db, Database::Open(options.path, SQLITE_OPEN_READWRITE));
  SR_TRY(db.SetBusyTimeout(options.busy_timeout));
  SR_ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("metadata store {} cannot use WAL journal mode (SQLite chose '{}')",
                            options.path.string(), mode));
  }
  // secure_delete: deleted rows (shredded keys, erased names) are
  // overwritten, not left in free pages.
  SR_TRY(db.Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"));
  return db;
}

}  // namespace

SqliteStore::SqliteStore(const SqliteOptions& options,
                         std::shared_ptr<const crypto::FieldCipher> cipher)
    : cipher_(std::move(cipher)),
      clock_(options.clock != nullptr ? options.clock : std::make_shared<SystemClock>()),
      pool_([options] { return OpenConnection(options); }, options.pool_size,
            options.busy_timeout),
      session_cache_(options.cache_sessions ? std::make_unique<SessionCache>() : nullptr) {}

Status SqliteStore::Migrate() {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  return RunMigrations(*db, BuiltinMigrations());
}

Status SqliteStore::Ping() {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  SR_ASSIGN_OR_RETURN(std::string one, db->QueryText("SELECT 1"));
  if (one != "1") return Fail(ErrorCode::kInternal, "metadata store ping returned garbage");
  return Ok();
}

Result<int> SqliteStore::SchemaVersion() {
  SR_ASSIGN_OR_RETURN(ConnectionPool::Lease db, pool_.Acquire());
  return store::SchemaVersion(*db);
}

std::int64_t SqliteStore::NowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_->Now().time_since_epoch()).count();
}

Result<std::unique_ptr<SqliteStore>> OpenSqliteStore(
    const SqliteOptions& options, std::shared_ptr<const crypto::FieldCipher> cipher) {
  if (options.pool_size < 1) {
    return Fail(ErrorCode::kInvalidArgument, "metadata store pool_size must be at least 1");
  }
  if (cipher == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, "metadata store needs a field cipher");
  }
  SR_TRY(PrepareFiles(options.path));
  std::unique_ptr<SqliteStore> store(new SqliteStore(options, std::move(cipher)));
  if (Status migrated = store->Migrate(); !migrated) {
    return Fail(migrated.error().code(), fmt::format("metadata store {}: {}", options.path.string(),
                                                     migrated.error().message()));
  }
  return store;
}

}  // namespace sr::store
