#pragma once
// sr::testing holds helpers shared by the unit tests of every module. Tests
// only: no production target may include anything under common/testing/.

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace sr::testing {

// TempDir is a uniquely named directory under
// std::filesystem::temp_directory_path(), private to the user (mkdtemp makes
// it mode 0700), that is removed with everything in it on destruction.
// Construction throws std::system_error if the directory cannot be made, so a
// test never runs with an empty path() (which would mean the working
// directory). Not copyable or movable: the directory lives as long as the
// object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "strongroom-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + tmpl);
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;  // best effort: a destructor must not throw
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Write creates or truncates the file `name` (relative to path(); its parent
  // directory must exist) with `contents` and returns the file's full path.
  // Throws std::runtime_error if the file cannot be written.
  std::filesystem::path Write(std::string_view name, std::string_view contents) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << contents;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace sr::testing
