#include "store/migrations.h"

#include <fmt/format.h>

namespace sr::store {
namespace {

constexpr Migration kMigrations[] = {
    {1, "server_meta",
     "CREATE TABLE server_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
     "INSERT INTO server_meta(key, value) "
     "VALUES('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));"},
    // Accounts, sessions, single-use tokens and the append-only security
    // event log. Every *_ct column is a FieldCipher blob; hashes are SHA-256.
    {2, "accounts",
     "CREATE TABLE accounts("
     "  id TEXT PRIMARY KEY,"
     "  email_ct BLOB NOT NULL,"
     "  email_bidx BLOB NOT NULL UNIQUE CHECK(length(email_bidx) = 32),"
     "  display_name_ct BLOB NOT NULL,"
     "  password_hash TEXT NOT NULL,"
     "  email_verified_at INTEGER,"
     "  reset_required INTEGER NOT NULL DEFAULT 0 CHECK(reset_required IN (0, 1)),"
     "  deletion_requested_at INTEGER,"
     "  created_at INTEGER NOT NULL,"
     "  password_changed_at INTEGER NOT NULL);"
     "CREATE TABLE sessions("
     "  id TEXT PRIMARY KEY,"
     "  token_hash BLOB NOT NULL UNIQUE CHECK(length(token_hash) = 32),"
     "  account_id TEXT NOT NULL REFERENCES accounts(id),"
     "  created_at INTEGER NOT NULL,"
     "  last_seen_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  auth_at INTEGER NOT NULL,"
     "  aal INTEGER NOT NULL,"
     "  ip_ct BLOB,"
     "  user_agent_ct BLOB,"
     "  revoked_at INTEGER);"
     "CREATE INDEX sessions_account ON sessions(account_id);"
     "CREATE TABLE one_time_tokens("
     "  token_hash BLOB PRIMARY KEY CHECK(length(token_hash) = 32),"
     "  purpose TEXT NOT NULL,"
     "  account_id TEXT NOT NULL REFERENCES accounts(id),"
     "  email_ct BLOB,"
     "  created_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  used_at INTEGER);"
     "CREATE INDEX one_time_tokens_account ON one_time_tokens(account_id, purpose);"
     "CREATE TABLE security_events("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  uid TEXT NOT NULL UNIQUE,"
     "  at INTEGER NOT NULL,"
     "  type TEXT NOT NULL,"
     "  account_id TEXT,"
     "  actor_id TEXT,"
     "  ip_ct BLOB,"
     "  user_agent_ct BLOB,"
     "  outcome TEXT NOT NULL,"
     "  detail TEXT NOT NULL);"
     "CREATE INDEX security_events_account ON security_events(account_id, id);"
     "CREATE TRIGGER security_events_no_update BEFORE UPDATE ON security_events "
     "BEGIN SELECT RAISE(ABORT, 'security_events is append-only'); END;"
     "CREATE TRIGGER security_events_no_delete BEFORE DELETE ON security_events "
     "BEGIN SELECT RAISE(ABORT, 'security_events is append-only'); END;"
     // INSERT OR REPLACE deletes the old row without firing delete triggers
     // (unless recursive_triggers is on), so refuse the insert instead.
     "CREATE TRIGGER security_events_no_replace BEFORE INSERT ON security_events "
     "WHEN EXISTS(SELECT 1 FROM security_events WHERE id = NEW.id OR uid = NEW.uid) "
     "BEGIN SELECT RAISE(ABORT, 'security_events is append-only'); END;"},
    // The key hierarchy below the root (src/keys, docs/formats/keys.md):
    // workspace KEKs and erasure-domain keys, only ever wrapped, and the
    // tombstones of shredded ones. No foreign key leaves these tables.
    {3, "keys",
     "CREATE TABLE key_workspace_keks("
     "  workspace_id TEXT NOT NULL,"
     "  version INTEGER NOT NULL CHECK(version >= 1),"
     "  wrapped BLOB NOT NULL CHECK(length(wrapped) = 81),"
     "  root_version INTEGER NOT NULL CHECK(root_version >= 1),"
     "  created_at INTEGER NOT NULL,"
     "  PRIMARY KEY(workspace_id, version)) WITHOUT ROWID;"
     "CREATE TABLE key_erasure_domains("
     "  id TEXT PRIMARY KEY,"
     "  workspace_id TEXT NOT NULL,"
     "  subject TEXT CHECK(subject IS NULL OR length(subject) > 0),"
     "  kek_version INTEGER NOT NULL,"
     "  wrapped BLOB NOT NULL CHECK(length(wrapped) = 81),"
     "  created_at INTEGER NOT NULL,"
     "  FOREIGN KEY(workspace_id, kek_version)"
     "    REFERENCES key_workspace_keks(workspace_id, version));"
     "CREATE UNIQUE INDEX key_erasure_domains_subject"
     "  ON key_erasure_domains(workspace_id, ifnull(subject, ''));"
     "CREATE INDEX key_erasure_domains_kek ON key_erasure_domains(workspace_id, kek_version);"
     "CREATE TABLE key_shredded("
     "  kind TEXT NOT NULL CHECK(kind IN ('workspace', 'erasure_domain')),"
     "  id TEXT NOT NULL,"
     "  workspace_id TEXT NOT NULL,"
     "  shredded_at INTEGER NOT NULL,"
     "  PRIMARY KEY(kind, id)) WITHOUT ROWID;"},
    // Workspaces and their file trees ("codex"). Names are sealed with the
    // workspace's names key and found through a keyed blind index, so no
    // plaintext name or path is ever stored; content lives in the blob store.
    {4, "codex",
     "CREATE TABLE workspaces("
     "  id TEXT PRIMARY KEY,"
     "  owner_account_id TEXT,"
     "  personal INTEGER NOT NULL CHECK(personal IN (0, 1)),"
     "  name_ct BLOB NOT NULL,"
     "  default_domain_id TEXT NOT NULL,"
     "  names_key_wrapped BLOB NOT NULL,"
     "  used_bytes INTEGER NOT NULL DEFAULT 0 CHECK(used_bytes >= 0),"
     "  created_at INTEGER NOT NULL);"
     "CREATE UNIQUE INDEX workspaces_personal ON workspaces(owner_account_id) WHERE personal = 1;"
     "CREATE TABLE nodes("
     "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  id TEXT NOT NULL UNIQUE,"
     "  workspace_id TEXT NOT NULL REFERENCES workspaces(id),"
     "  parent_id TEXT NOT NULL,"
     "  kind TEXT NOT NULL CHECK(kind IN ('folder', 'file')),"
     "  name_ct BLOB NOT NULL,"
     "  name_bidx BLOB NOT NULL CHECK(length(name_bidx) = 32),"
     "  created_at INTEGER NOT NULL,"
     "  deleted_at INTEGER,"
     "  current_version INTEGER,"
     "  next_version INTEGER NOT NULL DEFAULT 1);"
     "CREATE UNIQUE INDEX nodes_live_name ON nodes(workspace_id, parent_id, name_bidx) "
     "  WHERE deleted_at IS NULL;"
     "CREATE INDEX nodes_children ON nodes(workspace_id, parent_id, seq);"
     "CREATE TABLE object_versions("
     "  node_id TEXT NOT NULL,"
     "  version INTEGER NOT NULL CHECK(version >= 1),"
     "  workspace_id TEXT NOT NULL REFERENCES workspaces(id),"
     "  blob_name TEXT NOT NULL,"
     "  size INTEGER NOT NULL CHECK(size >= 0),"
     "  stored_size INTEGER NOT NULL CHECK(stored_size >= 0),"
     "  sha256 BLOB NOT NULL CHECK(length(sha256) = 32),"
     "  content_type TEXT NOT NULL,"
     "  erasure_domain_id TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  PRIMARY KEY(node_id, version)) WITHOUT ROWID;"},
};

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

Status CheckList(std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return Fail(ErrorCode::kInternal,
                  fmt::format("migration list is not strictly ascending: version {} ({}) after {}",
                              m.version, m.name, previous));
    }
    previous = m.version;
  }
  return Ok();
}

Status RecordMigration(Database& db, const Migration& m) {
  SR_ASSIGN_OR_RETURN(Statement record,
                      db.Prepare("INSERT INTO schema_migrations(version, name, applied_at) "
                                 "VALUES(?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"));
  SR_TRY(record.BindInt64(1, m.version));
  SR_TRY(record.BindText(2, m.name));
  SR_TRY(record.Step());
  return Ok();
}

// ApplyInTransaction runs `m` and records it. It does nothing if another
// connection applied `m` between our version check and taking the lock.
Status ApplyInTransaction(Database& db, const Migration& m) {
  SR_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current >= m.version) return Ok();
  SR_TRY(db.Exec(m.sql));
  return RecordMigration(db, m);
}

// ApplyOne applies `m` atomically: all of it and its record, or nothing.
Status ApplyOne(Database& db, const Migration& m) {
  Status status = db.Exec("BEGIN IMMEDIATE");
  if (status) status = ApplyInTransaction(db, m);
  if (status) status = db.Exec("COMMIT");
  if (!status) {
    // SQLite may already have rolled back (e.g. on SQLITE_FULL).
    if (db.InTransaction()) (void)db.Exec("ROLLBACK");
    return Fail(status.error().code(), fmt::format("migration {} ({}) failed: {}", m.version,
                                                   m.name, status.error().message()));
  }
  return Ok();
}

}  // namespace

std::span<const Migration> BuiltinMigrations() { return kMigrations; }

Result<int> SchemaVersion(Database& db) {
  SR_ASSIGN_OR_RETURN(std::string exists,
                      db.QueryText("SELECT count(*) FROM sqlite_schema "
                                   "WHERE type = 'table' AND name = 'schema_migrations'"));
  if (exists == "0") return 0;
  SR_ASSIGN_OR_RETURN(Statement statement,
                      db.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  SR_ASSIGN_OR_RETURN(StepResult step, statement.Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kInternal, "no schema version row");
  return static_cast<int>(statement.ColumnInt64(0));
}

Status RunMigrations(Database& db, std::span<const Migration> migrations) {
  SR_TRY(CheckList(migrations));
  SR_TRY(db.Exec(kCreateMigrationsTable));
  SR_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (current > known) {
    return Fail(
        ErrorCode::kFailedPrecondition,
        fmt::format("database schema version {} is newer than this strongroom supports ({})",
                    current, known));
  }
  for (const Migration& m : migrations) {
    if (m.version > current) SR_TRY(ApplyOne(db, m));
  }
  return Ok();
}

}  // namespace sr::store
