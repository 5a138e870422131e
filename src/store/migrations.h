#pragma once
// Schema migrations of the SQLite metadata store. Each migration runs once,
// in version order, inside its own transaction together with the row that
// records it in schema_migrations, so a crash or an error leaves the database
// at the previous version, never half-way. See docs/formats/metadata-store.md.

#include <span>
#include <string_view>

#include "common/error.h"
#include "store/sqlite.h"

namespace sr::store {

// Migration is one schema step. `sql` may hold several statements; it must
// not open or close transactions itself. Released migrations never change:
// fix mistakes with a new migration.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// BuiltinMigrations returns the migrations this binary knows, ascending.
std::span<const Migration> BuiltinMigrations();

// SchemaVersion returns the highest applied migration version, or 0 for a
// database without a schema_migrations table.
Result<int> SchemaVersion(Database& db);

// RunMigrations brings `db` up to the last version in `migrations`. It
// creates schema_migrations if absent, then applies each pending migration in
// ascending order, each in its own BEGIN IMMEDIATE ... COMMIT. On failure it
// rolls that migration back and returns an error naming its version and name.
// A list that is not strictly ascending from 1 up is kInternal; a database
// whose schema is newer than the list is kFailedPrecondition. Safe to run
// concurrently from several processes: each step re-checks the version under
// the write lock.
Status RunMigrations(Database& db, std::span<const Migration> migrations);

}  // namespace sr::store
