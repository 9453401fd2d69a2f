#include "kit/core/file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/core.h>

#include "kit/core/text.hpp"

namespace kit::core {

namespace {
constexpr off_t small_file_size = 64 * 1024;
}  // namespace

Result<InputFile> InputFile::open(const std::string& path) {
  InputFile file;
  if (path != "-") {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return fail(ErrorKind::io, "core.open",
                  fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    // A small file is cheaper to read than to map: one read against mmap, madvise and munmap.
    if (regular && st.st_size > 0 && st.st_size <= small_file_size) {
      file.copy_.resize(static_cast<std::size_t>(st.st_size));
      const ssize_t got = ::pread(fd, file.copy_.data(), file.copy_.size(), 0);
      if (got == static_cast<ssize_t>(file.copy_.size())) {
        ::close(fd);
        file.view_ = file.copy_;
        return file;
      }
      file.copy_.clear();  // changed under us: read it the general way below
    }
    if (regular && st.st_size > 0) {
      void* map =
          ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (map != MAP_FAILED) {
        ::madvise(map, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
        ::close(fd);
        file.map_ = map;
        file.map_size_ = static_cast<std::size_t>(st.st_size);
        file.view_ = std::string_view(static_cast<const char*>(map), file.map_size_);
        return file;
      }
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return fail(ErrorKind::io, "core.read",
                  fmt::format("cannot read '{}': Is a directory", path));
    }
    ::close(fd);
  }
  auto data = read_file(path);
  if (!data) return tl::unexpected(data.error());
  file.copy_ = std::move(*data);
  file.view_ = file.copy_;
  return file;
}

InputFile::InputFile(InputFile&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)),
      map_size_(std::exchange(other.map_size_, 0)),
      copy_(std::move(other.copy_)),
      view_(map_ != nullptr ? other.view_ : std::string_view(copy_)) {
  other.view_ = {};
}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (map_ != nullptr) ::munmap(map_, map_size_);
    map_ = std::exchange(other.map_, nullptr);
    map_size_ = std::exchange(other.map_size_, 0);
    copy_ = std::move(other.copy_);
    view_ = map_ != nullptr ? other.view_ : std::string_view(copy_);
    other.view_ = {};
  }
  return *this;
}

InputFile::~InputFile() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

}  // namespace kit::core
