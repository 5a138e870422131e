#pragma once
// Test-only helpers for mfa_test: source-tree paths, known-answer files and
// running the independent tools (oathtool, python3, zbarimg) the tests
// cross-check against. Linked into mfa_test only.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::mfa::test_util {

// SourcePath returns `relative` under $SR_SOURCE_DIR (set by sr_test), or
// under the current directory without it.
std::string SourcePath(std::string_view relative);

// IsExecutable reports whether `path` names a file this process may execute.
bool IsExecutable(const std::string& path);

// Record is one "Name = value" block of a vector file ("#" comments, blank
// lines between records).
using Record = std::map<std::string, std::string, std::less<>>;

// LoadRecords reads tests/vectors/`relative` (via SourcePath), or returns
// nullopt if it cannot be opened.
std::optional<std::vector<Record>> LoadRecords(std::string_view relative);

// ShellQuote wraps `arg` in single quotes for /bin/sh.
std::string ShellQuote(std::string_view arg);

struct CommandResult {
  int exit_code = -1;  // -1 if the command could not run or was killed
  std::string out;     // its standard output
};

// RunCommand runs `command` through /bin/sh (popen) and captures its
// standard output; standard error goes to the test's.
CommandResult RunCommand(const std::string& command);

}  // namespace sr::mfa::test_util
