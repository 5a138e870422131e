#include "store/sqlite.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <limits>
#include <utility>

namespace sr::store {
namespace {

std::string_view ErrorMessage(sqlite3* db) {
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : nullptr;
  return msg != nullptr ? msg : "";
}

ErrorCode CanonicalCode(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return ErrorCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kDataLoss;
    case SQLITE_FULL:
    case SQLITE_TOOBIG:
    case SQLITE_NOMEM:
      return ErrorCode::kResourceExhausted;
    case SQLITE_CONSTRAINT:
      return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY
                 ? ErrorCode::kAlreadyExists
                 : ErrorCode::kFailedPrecondition;
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return ErrorCode::kInvalidArgument;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

Error SqliteError(int rc, std::string_view what, std::string_view detail) {
  std::string message = fmt::format("{}: {}", what, sqlite3_errstr(rc));
  if (!detail.empty() && detail != sqlite3_errstr(rc)) message += fmt::format(" ({})", detail);
  return Error(CanonicalCode(rc), std::move(message));
}

// --- Statement ---

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Status Statement::Check(int rc, std::string_view what) const {
  if (rc == SQLITE_OK) return Ok();
  return std::unexpected(SqliteError(rc, what, ErrorMessage(db_)));
}

Status Statement::BindInt64(int index, std::int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value), fmt::format("bind parameter {}", index));
}

Status Statement::BindText(int index, std::string_view value) {
  return Check(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      fmt::format("bind parameter {}", index));
}

Status Statement::BindBlob(int index, std::span<const std::uint8_t> value) {
  // A null pointer would bind NULL rather than an empty blob.
  static const std::uint8_t kEmpty = 0;
  const void* data = value.empty() ? &kEmpty : value.data();
  return Check(sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT),
               fmt::format("bind parameter {}", index));
}

Status Statement::BindNull(int index) {
  return Check(sqlite3_bind_null(stmt_, index), fmt::format("bind parameter {}", index));
}

Result<StepResult> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return StepResult::kRow;
  if (rc == SQLITE_DONE) return StepResult::kDone;
  return std::unexpected(SqliteError(rc, "SQLite statement failed", ErrorMessage(db_)));
}

Status Statement::Reset() {
  // sqlite3_reset repeats the last step's error; a reset itself cannot fail.
  sqlite3_reset(stmt_);
  return Check(sqlite3_clear_bindings(stmt_), "clear bindings");
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::ColumnText(int column) const {
  // Fetch the pointer before the size, as SQLite documents.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::vector<std::uint8_t> Statement::ColumnBlob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return std::vector<std::uint8_t>(data, data + size);
}

// --- CachedStatement ---

CachedStatement::CachedStatement(CachedStatement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)) {}

CachedStatement& CachedStatement::operator=(CachedStatement&& other) noexcept {
  if (this != &other) {
    if (statement_ != nullptr) (void)statement_->Reset();
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

CachedStatement::~CachedStatement() {
  if (statement_ != nullptr) (void)statement_->Reset();
}

// --- Database ---

namespace {

// ConfigureSqliteOnce turns off SQLite's memory statistics before the
// library initialises: with them on, every allocation of every connection
// takes one process-wide mutex, which the io threads then contend for on
// each request. Connections are already opened NOMUTEX (one thread at a
// time, through the pool). A failure (SQLite initialised elsewhere first)
// only costs speed.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)configured;
}

}  // namespace

Result<Database> Database::Open(const std::filesystem::path& path, int flags) {
  ConfigureSqliteOnce();
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(rc, fmt::format("cannot open SQLite database {}", path.string()),
                              ErrorMessage(db));
    sqlite3_close_v2(db);  // SQLite may allocate a handle even on failure
    return std::unexpected(std::move(error));
  }
  sqlite3_extended_result_codes(db, 1);
  return Database(db);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {
  other.cache_.clear();
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
    other.cache_.clear();
  }
  return *this;
}

Database::~Database() { Close(); }

void Database::Close() {
  cache_.clear();  // finalize first, so the close below is immediate
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status Database::Exec(std::string_view sql) {
  const std::string nul_terminated(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, nul_terminated.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Ok();
  Error error = SqliteError(rc, "SQLite exec failed", message != nullptr ? message : "");
  sqlite3_free(message);
  return std::unexpected(std::move(error));
}

Result<Statement> Database::Prepare(std::string_view sql) {
  if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return Fail(ErrorCode::kInvalidArgument, "SQL statement too long");
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, &tail);
  if (rc != SQLITE_OK) {
    return std::unexpected(SqliteError(rc, "cannot prepare SQL statement", ErrorMessage(db_)));
  }
  Statement statement(db_, stmt);
  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (stmt == nullptr || rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, "Prepare needs exactly one SQL statement");
  }
  return statement;
}

Result<CachedStatement> Database::PrepareCached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    SR_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(std::move(statement))).first;
  }
  return CachedStatement(it->second.get());
}

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }

Status Database::SetBusyTimeout(std::chrono::milliseconds timeout) {
  const auto ms =
      std::min<std::chrono::milliseconds::rep>(timeout.count(), std::numeric_limits<int>::max());
  const int rc = sqlite3_busy_timeout(db_, static_cast<int>(ms));
  if (rc != SQLITE_OK)
    return std::unexpected(SqliteError(rc, "set busy timeout", ErrorMessage(db_)));
  return Ok();
}

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Result<std::string> Database::QueryText(std::string_view sql) {
  SR_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  SR_ASSIGN_OR_RETURN(StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return Fail(ErrorCode::kInternal, "query returned no row");
  }
  return statement.ColumnText(0);
}

// --- Transaction ---

Result<Transaction> Transaction::Begin(Database& db) {
  SR_TRY(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  // SQLite may already have rolled back after some errors (e.g. SQLITE_FULL).
  if (db_ != nullptr && db_->InTransaction()) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Database* db = std::exchange(db_, nullptr);
  if (db == nullptr) return Fail(ErrorCode::kInternal, "transaction already finished");
  Status committed = db->Exec("COMMIT");
  if (!committed && db->InTransaction()) (void)db->Exec("ROLLBACK");
  return committed;
}

}  // namespace sr::store
