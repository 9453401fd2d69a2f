// TempFile and TempDir: tempfile's NamedTemporaryFile(delete=True) and TemporaryDirectory.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fmt/core.h>

#include "kit/fs.hpp"

namespace kit::fs {

std::string temp_directory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/tmp");
}

Result<TempFile> TempFile::create(const std::string& dir, std::string_view prefix) {
  std::string path = fmt::format("{}/{}XXXXXX", dir.empty() ? temp_directory() : dir, prefix);
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0)
    return fail(ErrorKind::io, "fs.temp",
                fmt::format("{}: cannot create a temporary file: {}", path, std::strerror(errno)));
  ::close(fd);
  TempFile file;
  file.path_ = std::move(path);
  return file;
}

TempFile::TempFile(TempFile&& other) noexcept {
  *this = std::move(other);
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    if (!path_.empty() && !keep_) ::unlink(path_.c_str());
    path_ = std::exchange(other.path_, {});
    keep_ = other.keep_;
  }
  return *this;
}

TempFile::~TempFile() {
  if (!path_.empty() && !keep_) ::unlink(path_.c_str());
}

Result<TempDir> TempDir::create(std::string_view prefix, const std::string& parent) {
  std::string path = fmt::format("{}/{}XXXXXX", parent.empty() ? temp_directory() : parent, prefix);
  if (::mkdtemp(path.data()) == nullptr)
    return fail(
        ErrorKind::io, "fs.temp",
        fmt::format("{}: cannot create a temporary folder: {}", path, std::strerror(errno)));
  TempDir dir;
  dir.path_ = std::move(path);
  return dir;
}

TempDir::TempDir(TempDir&& other) noexcept {
  *this = std::move(other);
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    std::error_code ignored;
    if (!path_.empty() && !keep_) std::filesystem::remove_all(path_, ignored);
    path_ = std::exchange(other.path_, {});
    keep_ = other.keep_;
  }
  return *this;
}

TempDir::~TempDir() {
  std::error_code ignored;  // a destructor cannot report; what is left is in the temp folder
  if (!path_.empty() && !keep_) std::filesystem::remove_all(path_, ignored);
}

}  // namespace kit::fs
