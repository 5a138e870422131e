#include "keys/sqlite_key_repository.h"

#include <fmt/format.h>

#include <limits>
#include <utility>

#include "store/sqlite.h"

namespace sr::keys {
namespace {

using store::CachedStatement;
using store::Database;
using store::Statement;
using store::StepResult;
using store::Transaction;

constexpr std::string_view kKekColumns = "workspace_id, version, wrapped, root_version, created_at";
constexpr std::string_view kDomainColumns =
    "d.id, d.workspace_id, d.subject, d.kek_version, d.wrapped, d.created_at";

std::string_view KindName(ShredKind kind) {
  return kind == ShredKind::kWorkspace ? "workspace" : "erasure_domain";
}

Result<std::uint32_t> ColumnVersion(const Statement& row, int column) {
  const std::int64_t v = row.ColumnInt64(column);
  if (v < 1 || v > std::numeric_limits<std::uint32_t>::max()) {
    return Fail(ErrorCode::kDataLoss, "stored key version out of range");
  }
  return static_cast<std::uint32_t>(v);
}

// ReadKek reads kKekColumns starting at column 0.
Result<KekRecord> ReadKek(const Statement& row) {
  KekRecord kek;
  kek.workspace_id = row.ColumnText(0);
  SR_ASSIGN_OR_RETURN(kek.version, ColumnVersion(row, 1));
  kek.wrapped = row.ColumnBlob(2);
  SR_ASSIGN_OR_RETURN(kek.root_version, ColumnVersion(row, 3));
  kek.created_at = row.ColumnInt64(4);
  return kek;
}

// ReadDomain reads kDomainColumns starting at column 0.
Result<DomainRecord> ReadDomain(const Statement& row) {
  DomainRecord d;
  d.id = row.ColumnText(0);
  d.workspace_id = row.ColumnText(1);
  if (!row.ColumnIsNull(2)) d.subject = row.ColumnText(2);
  SR_ASSIGN_OR_RETURN(d.kek_version, ColumnVersion(row, 3));
  d.wrapped = row.ColumnBlob(4);
  d.created_at = row.ColumnInt64(5);
  return d;
}

Status RunToCompletion(Statement& statement) {
  SR_ASSIGN_OR_RETURN(StepResult step, statement.Step());
  if (step != StepResult::kDone) return Fail(ErrorCode::kInternal, "statement returned a row");
  return Ok();
}

// All reads every row of `statement` with `read`.
template <typename T, typename Read>
Result<std::vector<T>> All(Statement& statement, Read read) {
  std::vector<T> out;
  for (;;) {
    SR_ASSIGN_OR_RETURN(StepResult step, statement.Step());
    if (step == StepResult::kDone) return out;
    SR_ASSIGN_OR_RETURN(T item, read(statement));
    out.push_back(std::move(item));
  }
}

Status BindKek(Statement& s, const KekRecord& kek) {
  SR_TRY(s.BindText(1, kek.workspace_id));
  SR_TRY(s.BindInt64(2, kek.version));
  SR_TRY(s.BindBlob(3, kek.wrapped));
  SR_TRY(s.BindInt64(4, kek.root_version));
  SR_TRY(s.BindInt64(5, kek.created_at));
  return Ok();
}

Status InsertKekOn(Database& db, const KekRecord& kek) {
  SR_ASSIGN_OR_RETURN(Statement s,
                      db.Prepare("INSERT INTO key_workspace_keks(workspace_id, version, wrapped, "
                                 "root_version, created_at) VALUES(?1, ?2, ?3, ?4, ?5)"));
  SR_TRY(BindKek(s, kek));
  return RunToCompletion(s);
}

Status InsertDomainOn(Database& db, const DomainRecord& d) {
  SR_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("INSERT INTO key_erasure_domains(id, workspace_id, subject, "
                              "kek_version, wrapped, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
  SR_TRY(s.BindText(1, d.id));
  SR_TRY(s.BindText(2, d.workspace_id));
  SR_TRY(d.subject ? s.BindText(3, *d.subject) : s.BindNull(3));
  SR_TRY(s.BindInt64(4, d.kek_version));
  SR_TRY(s.BindBlob(5, d.wrapped));
  SR_TRY(s.BindInt64(6, d.created_at));
  return RunToCompletion(s);
}

Result<bool> IsShreddedOn(Database& db, ShredKind kind, std::string_view id) {
  SR_ASSIGN_OR_RETURN(CachedStatement s,
                      db.PrepareCached("SELECT 1 FROM key_shredded WHERE kind = ?1 AND id = ?2"));
  SR_TRY(s->BindText(1, KindName(kind)));
  SR_TRY(s->BindText(2, id));
  SR_ASSIGN_OR_RETURN(StepResult step, s->Step());
  return step == StepResult::kRow;
}

Status InsertTombstone(Database& db, ShredKind kind, std::string_view id,
                       std::string_view workspace_id, std::int64_t at) {
  SR_ASSIGN_OR_RETURN(Statement s,
                      db.Prepare("INSERT OR IGNORE INTO key_shredded(kind, id, workspace_id, "
                                 "shredded_at) VALUES(?1, ?2, ?3, ?4)"));
  SR_TRY(s.BindText(1, KindName(kind)));
  SR_TRY(s.BindText(2, id));
  SR_TRY(s.BindText(3, workspace_id));
  SR_TRY(s.BindInt64(4, at));
  return RunToCompletion(s);
}

Status ExecBound(Database& db, std::string_view sql, std::string_view text) {
  SR_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
  SR_TRY(s.BindText(1, text));
  return RunToCompletion(s);
}

}  // namespace

Result<store::ConnectionPool::Lease> SqliteKeyRepository::Acquire() {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, pool_.Acquire());
  SR_TRY(db->Exec("PRAGMA secure_delete=ON"));
  return db;
}

Status SqliteKeyRepository::CreateWorkspace(const KekRecord& kek,
                                            const DomainRecord& default_domain) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  SR_ASSIGN_OR_RETURN(bool shredded, IsShreddedOn(*db, ShredKind::kWorkspace, kek.workspace_id));
  if (shredded) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the keys of this workspace were destroyed; its id cannot be reused");
  }
  if (Status inserted = InsertKekOn(*db, kek); !inserted) {
    if (inserted.error().code() == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists, "workspace keys already exist");
    }
    return inserted;
  }
  SR_TRY(InsertDomainOn(*db, default_domain));
  return tx.Commit();
}

Status SqliteKeyRepository::InsertKek(const KekRecord& kek) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  // One statement, so a concurrent shred cannot slip in between the check
  // and the insert and leave a key for a destroyed workspace.
  SR_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare("INSERT INTO key_workspace_keks(workspace_id, version, wrapped, root_version, "
                  "created_at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM "
                  "key_shredded WHERE kind = 'workspace' AND id = ?1)"));
  SR_TRY(BindKek(s, kek));
  SR_TRY(RunToCompletion(s));
  if (db->Changes() == 0) {
    return Fail(ErrorCode::kFailedPrecondition, "the keys of this workspace were destroyed");
  }
  return Ok();
}

Result<KekRecord> SqliteKeyRepository::FindKek(std::string_view workspace_id,
                                               std::uint32_t version) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement s,
                      db->PrepareCached(fmt::format("SELECT {} FROM key_workspace_keks "
                                                    "WHERE workspace_id = ?1 AND version = ?2",
                                                    kKekColumns)));
  SR_TRY(s->BindText(1, workspace_id));
  SR_TRY(s->BindInt64(2, version));
  SR_ASSIGN_OR_RETURN(StepResult step, s->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "workspace key not found");
  return ReadKek(*s);
}

Result<KekRecord> SqliteKeyRepository::CurrentKek(std::string_view workspace_id) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Statement s,
                      db->Prepare(fmt::format("SELECT {} FROM key_workspace_keks WHERE "
                                              "workspace_id = ?1 ORDER BY version DESC LIMIT 1",
                                              kKekColumns)));
  SR_TRY(s.BindText(1, workspace_id));
  SR_ASSIGN_OR_RETURN(StepResult step, s.Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "workspace keys not found");
  return ReadKek(s);
}

Result<std::vector<KekRecord>> SqliteKeyRepository::ListCurrentKeks() {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare(fmt::format("SELECT {} FROM key_workspace_keks k WHERE version = (SELECT "
                              "max(version) FROM key_workspace_keks m WHERE m.workspace_id = "
                              "k.workspace_id) ORDER BY workspace_id",
                              kKekColumns)));
  return All<KekRecord>(s, ReadKek);
}

Result<std::vector<KekRecord>> SqliteKeyRepository::ListKeksNotUnderRoot(
    std::uint32_t root_version) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Statement s,
                      db->Prepare(fmt::format("SELECT {} FROM key_workspace_keks WHERE "
                                              "root_version <> ?1 ORDER BY workspace_id, version",
                                              kKekColumns)));
  SR_TRY(s.BindInt64(1, root_version));
  return All<KekRecord>(s, ReadKek);
}

Result<bool> SqliteKeyRepository::ReplaceKekWrap(const KekRecord& old_kek,
                                                 std::span<const std::uint8_t> new_wrapped,
                                                 std::uint32_t new_root_version) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Statement s,
                      db->Prepare("UPDATE key_workspace_keks SET wrapped = ?1, root_version = ?2 "
                                  "WHERE workspace_id = ?3 AND version = ?4 AND wrapped = ?5"));
  SR_TRY(s.BindBlob(1, new_wrapped));
  SR_TRY(s.BindInt64(2, new_root_version));
  SR_TRY(s.BindText(3, old_kek.workspace_id));
  SR_TRY(s.BindInt64(4, old_kek.version));
  SR_TRY(s.BindBlob(5, old_kek.wrapped));
  SR_TRY(RunToCompletion(s));
  return db->Changes() > 0;
}

Result<std::vector<KekRecord>> SqliteKeyRepository::DeleteRetiredKeks() {
  constexpr std::string_view kRetired =
      "FROM key_workspace_keks k WHERE k.version < (SELECT max(version) FROM key_workspace_keks "
      "m WHERE m.workspace_id = k.workspace_id) AND NOT EXISTS (SELECT 1 FROM "
      "key_erasure_domains d WHERE d.workspace_id = k.workspace_id AND d.kek_version = k.version)";
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  SR_ASSIGN_OR_RETURN(Statement select,
                      db->Prepare(fmt::format("SELECT {} {}", kKekColumns, kRetired)));
  SR_ASSIGN_OR_RETURN(std::vector<KekRecord> retired, All<KekRecord>(select, ReadKek));
  for (const KekRecord& kek : retired) {
    SR_ASSIGN_OR_RETURN(Statement del, db->Prepare("DELETE FROM key_workspace_keks "
                                                   "WHERE workspace_id = ?1 AND version = ?2"));
    SR_TRY(del.BindText(1, kek.workspace_id));
    SR_TRY(del.BindInt64(2, kek.version));
    SR_TRY(RunToCompletion(del));
  }
  SR_TRY(tx.Commit());
  return retired;
}

Status SqliteKeyRepository::InsertDomain(const DomainRecord& domain) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  return InsertDomainOn(*db, domain);
}

Result<DomainRecord> SqliteKeyRepository::FindDomain(std::string_view id) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(CachedStatement s,
                      db->PrepareCached(fmt::format(
                          "SELECT {} FROM key_erasure_domains d WHERE d.id = ?1", kDomainColumns)));
  SR_TRY(s->BindText(1, id));
  SR_ASSIGN_OR_RETURN(StepResult step, s->Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "erasure domain not found");
  return ReadDomain(*s);
}

Result<DomainRecord> SqliteKeyRepository::FindDomainBySubject(
    std::string_view workspace_id, std::optional<std::string_view> subject) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Statement s,
                      db->Prepare(fmt::format("SELECT {} FROM key_erasure_domains d WHERE "
                                              "d.workspace_id = ?1 AND ifnull(d.subject, '') = ?2",
                                              kDomainColumns)));
  SR_TRY(s.BindText(1, workspace_id));
  SR_TRY(s.BindText(2, subject.value_or("")));
  SR_ASSIGN_OR_RETURN(StepResult step, s.Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "erasure domain not found");
  return ReadDomain(s);
}

Result<std::vector<StaleDomain>> SqliteKeyRepository::ListStaleDomains(std::string_view after_id,
                                                                       int limit) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare(fmt::format(
          "SELECT {}, k.current FROM key_erasure_domains d JOIN (SELECT workspace_id, "
          "max(version) AS current FROM key_workspace_keks GROUP BY workspace_id) k "
          "ON k.workspace_id = d.workspace_id WHERE d.kek_version <> k.current AND d.id > ?1 "
          "ORDER BY d.id LIMIT ?2",
          kDomainColumns)));
  SR_TRY(s.BindText(1, after_id));
  SR_TRY(s.BindInt64(2, limit));
  return All<StaleDomain>(s, [](const Statement& row) -> Result<StaleDomain> {
    SR_ASSIGN_OR_RETURN(DomainRecord domain, ReadDomain(row));
    SR_ASSIGN_OR_RETURN(std::uint32_t current, ColumnVersion(row, 6));
    return StaleDomain{std::move(domain), current};
  });
}

Result<bool> SqliteKeyRepository::ReplaceDomainWrap(const DomainRecord& old_domain,
                                                    std::span<const std::uint8_t> new_wrapped,
                                                    std::uint32_t new_kek_version) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Statement s,
                      db->Prepare("UPDATE key_erasure_domains SET wrapped = ?1, kek_version = ?2 "
                                  "WHERE id = ?3 AND kek_version = ?4 AND wrapped = ?5"));
  SR_TRY(s.BindBlob(1, new_wrapped));
  SR_TRY(s.BindInt64(2, new_kek_version));
  SR_TRY(s.BindText(3, old_domain.id));
  SR_TRY(s.BindInt64(4, old_domain.kek_version));
  SR_TRY(s.BindBlob(5, old_domain.wrapped));
  SR_TRY(RunToCompletion(s));
  return db->Changes() > 0;
}

Result<std::vector<std::string>> SqliteKeyRepository::ShredWorkspace(std::string_view workspace_id,
                                                                     std::int64_t at) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  SR_ASSIGN_OR_RETURN(bool shredded, IsShreddedOn(*db, ShredKind::kWorkspace, workspace_id));
  if (shredded) return std::vector<std::string>{};
  SR_ASSIGN_OR_RETURN(
      Statement count,
      db->Prepare("SELECT count(*) FROM key_workspace_keks WHERE workspace_id = ?1"));
  SR_TRY(count.BindText(1, workspace_id));
  SR_TRY(count.Step());
  if (count.ColumnInt64(0) == 0) return Fail(ErrorCode::kNotFound, "workspace keys not found");
  SR_ASSIGN_OR_RETURN(Statement ids,
                      db->Prepare("SELECT id FROM key_erasure_domains WHERE workspace_id = ?1 "
                                  "ORDER BY id"));
  SR_TRY(ids.BindText(1, workspace_id));
  SR_ASSIGN_OR_RETURN(std::vector<std::string> domains,
                      All<std::string>(ids, [](const Statement& row) -> Result<std::string> {
                        return row.ColumnText(0);
                      }));
  SR_TRY(InsertTombstone(*db, ShredKind::kWorkspace, workspace_id, workspace_id, at));
  for (const std::string& id : domains) {
    SR_TRY(InsertTombstone(*db, ShredKind::kErasureDomain, id, workspace_id, at));
  }
  SR_TRY(ExecBound(*db, "DELETE FROM key_erasure_domains WHERE workspace_id = ?1", workspace_id));
  SR_TRY(ExecBound(*db, "DELETE FROM key_workspace_keks WHERE workspace_id = ?1", workspace_id));
  SR_TRY(tx.Commit());
  return domains;
}

Result<std::string> SqliteKeyRepository::ShredDomain(std::string_view domain_id, std::int64_t at) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  SR_ASSIGN_OR_RETURN(Statement find,
                      db->Prepare("SELECT workspace_id FROM key_erasure_domains WHERE id = ?1 "
                                  "UNION ALL SELECT workspace_id FROM key_shredded "
                                  "WHERE kind = 'erasure_domain' AND id = ?1"));
  SR_TRY(find.BindText(1, domain_id));
  SR_ASSIGN_OR_RETURN(StepResult step, find.Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kNotFound, "erasure domain not found");
  const std::string workspace_id = find.ColumnText(0);
  SR_TRY(InsertTombstone(*db, ShredKind::kErasureDomain, domain_id, workspace_id, at));
  SR_TRY(ExecBound(*db, "DELETE FROM key_erasure_domains WHERE id = ?1", domain_id));
  SR_TRY(tx.Commit());
  return workspace_id;
}

Result<bool> SqliteKeyRepository::IsShredded(ShredKind kind, std::string_view id) {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  return IsShreddedOn(*db, kind, id);
}

Result<std::vector<KekSummary>> SqliteKeyRepository::ListKekSummaries() {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare("SELECT k.workspace_id, k.version, k.root_version, k.created_at, "
                  "k.version = (SELECT max(version) FROM key_workspace_keks m "
                  "WHERE m.workspace_id = k.workspace_id), "
                  "(SELECT count(*) FROM key_erasure_domains d "
                  "WHERE d.workspace_id = k.workspace_id AND d.kek_version = k.version) "
                  "FROM key_workspace_keks k ORDER BY k.workspace_id, k.version"));
  return All<KekSummary>(s, [](const Statement& row) -> Result<KekSummary> {
    KekSummary k;
    k.workspace_id = row.ColumnText(0);
    SR_ASSIGN_OR_RETURN(k.version, ColumnVersion(row, 1));
    SR_ASSIGN_OR_RETURN(k.root_version, ColumnVersion(row, 2));
    k.created_at = row.ColumnInt64(3);
    k.current = row.ColumnInt64(4) != 0;
    k.domains = row.ColumnInt64(5);
    return k;
  });
}

Result<bool> SqliteKeyRepository::Checkpoint() {
  SR_ASSIGN_OR_RETURN(store::ConnectionPool::Lease db, Acquire());
  SR_ASSIGN_OR_RETURN(Statement s, db->Prepare("PRAGMA wal_checkpoint(TRUNCATE)"));
  SR_ASSIGN_OR_RETURN(StepResult step, s.Step());
  if (step != StepResult::kRow) return Fail(ErrorCode::kInternal, "wal_checkpoint gave no row");
  return s.ColumnInt64(0) == 0;  // busy = 0: every frame copied and the log truncated
}

}  // namespace sr::keys
