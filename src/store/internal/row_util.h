#pragma once
// Small helpers shared by the SQLite repository implementations. Private to
// src/store.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/session_repository.h"
#include "store/sqlite.h"

namespace sr::store::internal {

// RunToCompletion steps a statement that returns no rows.
inline Status RunToCompletion(Statement& statement) {
  SR_ASSIGN_OR_RETURN(StepResult step, statement.Step());
  if (step != StepResult::kDone) return Fail(ErrorCode::kInternal, "statement returned a row");
  return Ok();
}

// ExpectChanged fails with kNotFound ("`what` not found") unless the last
// statement on `db` changed a row.
inline Status ExpectChanged(const Database& db, std::string_view what) {
  if (db.Changes() == 0) return Fail(ErrorCode::kNotFound, std::string(what) + " not found");
  return Ok();
}

// ColumnTokenHash reads a 32-byte hash column; any other size is kDataLoss.
inline Result<TokenHash> ColumnTokenHash(const Statement& statement, int column) {
  const std::vector<std::uint8_t> bytes = statement.ColumnBlob(column);
  TokenHash hash{};
  if (bytes.size() != hash.size()) return Fail(ErrorCode::kDataLoss, "stored hash has wrong size");
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

// ColumnOptionalInt64 reads an integer column where NULL means "not set".
inline std::optional<std::int64_t> ColumnOptionalInt64(const Statement& statement, int column) {
  if (statement.ColumnIsNull(column)) return std::nullopt;
  return statement.ColumnInt64(column);
}

// BindOptionalInt64 binds `value` or NULL.
inline Status BindOptionalInt64(Statement& statement, int index,
                                std::optional<std::int64_t> value) {
  return value ? statement.BindInt64(index, *value) : statement.BindNull(index);
}

}  // namespace sr::store::internal
