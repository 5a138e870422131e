#pragma once
// Test-only reader for the known-answer files in tests/vectors/. The format is
// that of NIST CAVP .rsp files: "Name = value" lines form a record, a blank
// line ends it, "[Name = value]" lines set parameters for the records after
// them, "#" starts a comment and a bare word (such as FAIL) is a flag.
// Linked into crypto_test only, never into sr_crypto.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr::crypto::internal {

struct VectorRecord {
  int line = 0;  // line of the record's first entry, for failure messages
  std::map<std::string, std::string, std::less<>> params;
  std::map<std::string, std::string, std::less<>> fields;
  std::set<std::string, std::less<>> flags;

  bool Has(std::string_view name) const { return fields.contains(name); }
  bool HasFlag(std::string_view flag) const { return flags.contains(flag); }
  // Str returns field `name`; it throws std::out_of_range if there is none,
  // which GoogleTest reports as a test failure.
  const std::string& Str(std::string_view name) const;
  // Bytes returns field `name` hex-decoded; throws if absent or not hex.
  std::vector<std::uint8_t> Bytes(std::string_view name) const;
  // Param returns bracketed parameter `name` as a number; throws if absent.
  std::size_t Param(std::string_view name) const;
};

// ParseVectors splits `text` into records; it fails on a field repeated
// within one record or an unterminated "[" line.
Result<std::vector<VectorRecord>> ParseVectors(std::string_view text);

// VectorPath returns the path of tests/vectors/`file_name` under the source
// root named by $SR_SOURCE_DIR, or under the current directory without it.
std::string VectorPath(std::string_view file_name);

// LoadVectors reads and parses tests/vectors/`file_name`.
Result<std::vector<VectorRecord>> LoadVectors(std::string_view file_name);

}  // namespace sr::crypto::internal
