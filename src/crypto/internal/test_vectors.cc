#include "crypto/internal/test_vectors.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/hex.h"

namespace sr::crypto::internal {
namespace {

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  std::size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  std::size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

std::string Where(const VectorRecord& r, std::string_view name) {
  return "field " + std::string(name) + " of the record at line " + std::to_string(r.line);
}

}  // namespace

const std::string& VectorRecord::Str(std::string_view name) const {
  auto it = fields.find(name);
  if (it == fields.end()) throw std::out_of_range("missing " + Where(*this, name));
  return it->second;
}

std::vector<std::uint8_t> VectorRecord::Bytes(std::string_view name) const {
  auto bytes = HexDecode(Str(name));
  if (!bytes) throw std::invalid_argument("bad hex in " + Where(*this, name));
  return *std::move(bytes);
}

std::size_t VectorRecord::Param(std::string_view name) const {
  auto it = params.find(name);
  if (it == params.end()) throw std::out_of_range("missing parameter " + Where(*this, name));
  return std::stoul(it->second);
}

Result<std::vector<VectorRecord>> ParseVectors(std::string_view text) {
  std::vector<VectorRecord> records;
  std::map<std::string, std::string, std::less<>> params;
  VectorRecord current;
  auto flush = [&] {
    if (!current.fields.empty() || !current.flags.empty()) records.push_back(std::move(current));
    current = VectorRecord{};
  };
  int line_no = 0;
  std::istringstream in{std::string(text)};
  for (std::string raw; std::getline(in, raw);) {
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty()) {
      flush();
      continue;
    }
    if (line.front() == '#') continue;
    if (line.front() == '[') {
      flush();
      if (line.back() != ']')
        return Fail(ErrorCode::kInvalidArgument,
                    "unterminated [ at line " + std::to_string(line_no));
      std::string_view inner = line.substr(1, line.size() - 2);
      std::size_t eq = inner.find('=');
      std::string_view key = Trim(inner.substr(0, eq));
      params[std::string(key)] =
          eq == std::string_view::npos ? "" : std::string(Trim(inner.substr(eq + 1)));
      continue;
    }
    if (current.fields.empty() && current.flags.empty()) {
      current.line = line_no;
      current.params = params;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      current.flags.emplace(line);
      continue;
    }
    std::string key(Trim(line.substr(0, eq)));
    if (!current.fields.emplace(key, Trim(line.substr(eq + 1))).second) {
      return Fail(ErrorCode::kInvalidArgument,
                  "repeated field " + key + " at line " + std::to_string(line_no));
    }
  }
  flush();
  return records;
}

std::string VectorPath(std::string_view file_name) {
  const char* root = std::getenv("SR_SOURCE_DIR");
  std::string path = (root != nullptr && *root != '\0') ? root : ".";
  return path + "/tests/vectors/" + std::string(file_name);
}

Result<std::vector<VectorRecord>> LoadVectors(std::string_view file_name) {
  std::string path = VectorPath(file_name);
  std::ifstream file(path, std::ios::binary);
  if (!file) return Fail(ErrorCode::kNotFound, "cannot open " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return ParseVectors(text.str());
}

}  // namespace sr::crypto::internal
