#include "store/sealed_field.h"

#include <fmt/format.h>

#include <vector>

namespace sr::store {
namespace {

Error FieldError(const Error& error, const SealedField& field) {
  const ErrorCode code =
      error.code() == ErrorCode::kNotFound ? ErrorCode::kFailedPrecondition : error.code();
  return Error(code, fmt::format("{}.{}: {}", field.table, field.column, error.message()));
}

}  // namespace

Status BindSealed(Statement& statement, int index, const crypto::FieldCipher& cipher,
                  const SealedField& field, std::string_view value) {
  Result<std::vector<std::uint8_t>> blob =
      cipher.Encrypt(field.table, field.column, field.row_id, value);
  if (!blob) return std::unexpected(FieldError(blob.error(), field));
  return statement.BindBlob(index, *blob);
}

Status BindSealedOrNull(Statement& statement, int index, const crypto::FieldCipher& cipher,
                        const SealedField& field, std::string_view value) {
  if (value.empty()) return statement.BindNull(index);
  return BindSealed(statement, index, cipher, field, value);
}

Result<std::string> ColumnOpened(const Statement& statement, int column,
                                 const crypto::FieldCipher& cipher, const SealedField& field) {
  if (statement.ColumnIsNull(column)) return std::string();
  const std::vector<std::uint8_t> blob = statement.ColumnBlob(column);
  Result<std::string> plaintext = cipher.Decrypt(field.table, field.column, field.row_id, blob);
  if (!plaintext) return std::unexpected(FieldError(plaintext.error(), field));
  return plaintext;
}

}  // namespace sr::store
