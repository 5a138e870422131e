#pragma once
// Helpers for SQLite implementations that keep personal data in FieldCipher
// blobs (docs/formats/field-encryption.md): every blob is bound to its
// (table, column, row id), so a blob moved to another cell does not open.
// Errors name the table and column, never a value.

#include <string>
#include <string_view>

#include "common/error.h"
#include "crypto/field_cipher.h"
#include "store/sqlite.h"

namespace sr::store {

// SealedField names one encrypted cell: the AAD of its blob.
struct SealedField {
  std::string_view table;
  std::string_view column;
  std::string_view row_id;
};

// BindSealed encrypts `value` for `field` and binds the blob to parameter
// `index`. An empty `value` is encrypted too (for NOT NULL columns).
Status BindSealed(Statement& statement, int index, const crypto::FieldCipher& cipher,
                  const SealedField& field, std::string_view value);

// BindSealedOrNull is BindSealed, except that an empty `value` binds NULL.
Status BindSealedOrNull(Statement& statement, int index, const crypto::FieldCipher& cipher,
                        const SealedField& field, std::string_view value);

// ColumnOpened decrypts the blob in `column` of the current row; NULL reads as
// empty. A blob that does not open for `field` is kDataLoss; one under a
// field key that is not loaded is kFailedPrecondition (never kNotFound, which
// callers would take for a missing row).
Result<std::string> ColumnOpened(const Statement& statement, int column,
                                 const crypto::FieldCipher& cipher, const SealedField& field);

}  // namespace sr::store
