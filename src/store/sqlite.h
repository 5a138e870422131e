#pragma once
// Thin RAII wrappers over the SQLite C API that report failures as
// Result/Status instead of return codes. Error messages carry SQLite's
// description and never a bound value, which may be personal data.
//
// Thread safety: a Database and its Statements may be used by one thread at
// a time (connections are opened in SQLite's multi-thread mode); share them
// across threads through a pool, not concurrently.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sr::store {

enum class StepResult { kRow, kDone };

// Statement is a prepared statement. It must not outlive its Database.
// Bind indexes start at 1, column indexes at 0 (as in SQLite).
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Status BindInt64(int index, std::int64_t value);
  Status BindText(int index, std::string_view value);
  Status BindBlob(int index, std::span<const std::uint8_t> value);
  Status BindNull(int index);

  // Step runs the statement to its next row (kRow) or to completion (kDone).
  Result<StepResult> Step();
  // Reset rewinds the statement for another Step and clears every binding.
  Status Reset();

  // The column getters read the current row; call them only after Step
  // returned kRow. NULL reads as 0 or empty.
  int ColumnCount() const;
  bool ColumnIsNull(int column) const;
  std::int64_t ColumnInt64(int column) const;
  std::string ColumnText(int column) const;
  std::vector<std::uint8_t> ColumnBlob(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Status Check(int rc, std::string_view what) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// CachedStatement is the use of a statement kept in its Database's cache
// (Database::PrepareCached). Destroying it resets the statement and clears its
// bindings, which also ends the read it may hold: a statement left mid-result
// would pin the connection to an old snapshot. It must not outlive the
// Database.
class CachedStatement {
 public:
  CachedStatement(CachedStatement&& other) noexcept;
  CachedStatement& operator=(CachedStatement&& other) noexcept;
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement();

  Statement& operator*() const { return *statement_; }
  Statement* operator->() const { return statement_; }

 private:
  friend class Database;
  explicit CachedStatement(Statement* statement) : statement_(statement) {}

  Statement* statement_ = nullptr;
};

// Database is one open SQLite connection.
class Database {
 public:
  // Open opens `path` with SQLite `flags` (SQLITE_OPEN_*); SQLITE_OPEN_NOMUTEX
  // and extended result codes are always added.
  static Result<Database> Open(const std::filesystem::path& path, int flags);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Exec runs one or more SQL statements that take no parameters.
  Status Exec(std::string_view sql);
  // Prepare compiles exactly one SQL statement.
  Result<Statement> Prepare(std::string_view sql);
  // PrepareCached returns the statement for `sql`, compiled on first use and
  // kept with this connection for reuse. Only one CachedStatement per `sql`
  // may be alive at a time. Use it for the fixed SQL of hot paths.
  Result<CachedStatement> PrepareCached(std::string_view sql);
  // Changes returns the number of rows the last INSERT, UPDATE or DELETE on
  // this connection changed (triggers and foreign-key actions excluded).
  std::int64_t Changes() const;
  // SetBusyTimeout makes a locked database retry for up to `timeout`.
  Status SetBusyTimeout(std::chrono::milliseconds timeout);
  // InTransaction reports whether an explicit transaction is open.
  bool InTransaction() const;
  // QueryText returns the first column of the first row of `sql` as text.
  Result<std::string> QueryText(std::string_view sql);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  void Close();

  // Lets the cache be searched with a string_view, without allocating.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };

  sqlite3* db_ = nullptr;
  // Statements are finalized before the connection closes (see Close).
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// Transaction is an explicit write transaction: Begin issues BEGIN IMMEDIATE,
// which takes the write lock at once (waiting up to the busy timeout), so
// the transaction never fails half-way on a lock upgrade. Destroying it
// without a successful Commit rolls back. It must not outlive the Database.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commit makes the transaction's changes durable; on failure it rolls back.
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;  // null once committed or rolled back
};

// SqliteError builds an Error for SQLite result code `rc`, mapping it to a
// canonical code (busy → kUnavailable, corrupt → kDataLoss, ...). `what`
// names the operation; `detail` is SQLite's message for the connection.
Error SqliteError(int rc, std::string_view what, std::string_view detail);

}  // namespace sr::store
