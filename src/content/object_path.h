#pragma once
// Object paths name files and folders inside a workspace. They arrive
// percent-encoded in request targets and are decoded exactly once; the
// result must be a clean relative path, so that no encoding can smuggle a
// traversal, an empty segment or a control character past the checks.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sr::content {

inline constexpr std::size_t kMaxPathBytes = 1024;    // decoded, whole path
inline constexpr std::size_t kMaxSegmentBytes = 255;  // one file or folder name
inline constexpr std::size_t kMaxPathDepth = 64;      // segments

// ObjectPath is a validated path: non-empty segments joined by '/'.
struct ObjectPath {
  std::vector<std::string> segments;

  // text returns the segments joined by '/'.
  std::string text() const;
  bool operator==(const ObjectPath&) const = default;
};

// PercentDecode decodes %XX escapes once ('+' stays '+'). A '%' not followed
// by two hex digits is kInvalidArgument.
Result<std::string> PercentDecode(std::string_view encoded);

// IsValidName returns whether `name` may be one path segment: 1 to
// kMaxSegmentBytes bytes of well-formed UTF-8 (no overlong forms, no
// surrogates), not "." or "..", no '/', and no C0, DEL or C1 control
// character (NUL included).
bool IsValidName(std::string_view name);

// ParseObjectPath percent-decodes `encoded` once and splits it on '/'. Every
// segment must pass IsValidName; the path must be non-empty, at most
// kMaxPathBytes decoded and kMaxPathDepth deep, with no leading, trailing or
// doubled '/'. Every failure is kInvalidArgument with a message that names
// the rule, never echoing the input.
Result<ObjectPath> ParseObjectPath(std::string_view encoded);

// ParsePlainObjectPath applies ParseObjectPath's rules to a path that is
// already decoded (e.g. from a JSON body): '%' is an ordinary character.
Result<ObjectPath> ParsePlainObjectPath(std::string_view path);

// ParsePrefix is ParseObjectPath for listing prefixes: empty is the root,
// and a trailing '/' is allowed (it names a folder). `folder` receives the
// complete segments and `partial` the unfinished last one ("" after '/').
Status ParsePrefix(std::string_view encoded, std::vector<std::string>& folder,
                   std::string& partial);

}  // namespace sr::content
