// object_path_fuzz: arbitrary text as a percent-encoded request path, a
// decoded (JSON) path and a listing prefix. Every accepted path must consist
// of valid names, print back to what was parsed, and agree between the
// encoded and the plain parsers; every refusal is kInvalidArgument.

#include <string>
#include <vector>

#include "content/object_path.h"
#include "fuzz_util.h"

namespace sr::content {
namespace {

std::string Join(const std::vector<std::string>& segments) { return ObjectPath{segments}.text(); }

void CheckPath(const ObjectPath& path) {
  SR_FUZZ_CHECK(!path.segments.empty() && path.segments.size() <= kMaxPathDepth);
  for (const std::string& segment : path.segments) SR_FUZZ_CHECK(IsValidName(segment));
  SR_FUZZ_CHECK(path.text().size() <= kMaxPathBytes);
  auto again = ParsePlainObjectPath(path.text());
  SR_FUZZ_CHECK(again && *again == path);
}

// PercentEncodeAll encodes every byte, which PercentDecode must undo.
std::string PercentEncodeAll(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[u >> 4];
    out += kHex[u & 15];
  }
  return out;
}

void FuzzText(std::string_view text) {
  Result<std::string> decoded = PercentDecode(text);
  if (decoded) {
    SR_FUZZ_CHECK(decoded->size() <= text.size());
    SR_FUZZ_CHECK(PercentDecode(PercentEncodeAll(*decoded)) == *decoded);
  } else {
    SR_FUZZ_CHECK(decoded.error().code() == ErrorCode::kInvalidArgument);
    SR_FUZZ_CHECK(text.find('%') != std::string_view::npos);
  }

  Result<ObjectPath> encoded = ParseObjectPath(text);
  if (encoded) {
    CheckPath(*encoded);
    SR_FUZZ_CHECK(decoded && encoded->text() == *decoded);
  } else {
    SR_FUZZ_CHECK(encoded.error().code() == ErrorCode::kInvalidArgument);
  }
  // ParseObjectPath is PercentDecode, then ParsePlainObjectPath's rules.
  if (decoded && text.size() <= 3 * kMaxPathBytes) {
    Result<ObjectPath> plain_of_decoded = ParsePlainObjectPath(*decoded);
    SR_FUZZ_CHECK(plain_of_decoded.has_value() == encoded.has_value());
    SR_FUZZ_CHECK(!encoded || *plain_of_decoded == *encoded);
  }

  Result<ObjectPath> plain = ParsePlainObjectPath(text);
  if (plain) {
    CheckPath(*plain);
    SR_FUZZ_CHECK(plain->text() == text);
  } else {
    SR_FUZZ_CHECK(plain.error().code() == ErrorCode::kInvalidArgument);
  }

  std::vector<std::string> folder = {"stale"};
  std::string partial = "stale";
  if (Status prefix = ParsePrefix(text, folder, partial); prefix) {
    for (const std::string& segment : folder) SR_FUZZ_CHECK(IsValidName(segment));
    SR_FUZZ_CHECK(partial.empty() || partial == "." || IsValidName(partial));
    SR_FUZZ_CHECK(decoded);
    SR_FUZZ_CHECK((folder.empty() ? partial : Join(folder) + "/" + partial) == *decoded);
  } else {
    SR_FUZZ_CHECK(prefix.error().code() == ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace sr::content

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sr::content::FuzzText(sr::fuzz::AsText(data, size));
  return 0;
}
