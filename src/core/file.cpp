#include "kit/core/file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/core.h>

#include "kit/core/parallel.hpp"
#include "kit/core/text.hpp"

namespace kit::core {

namespace {
constexpr std::size_t small_file_size = 64 * 1024;

// copy_file(fd, size, into): the file's `size` bytes read into a Buffer, pieces read on every
// core; false when it cannot be (an error, or the file shrank under us).
bool copy_file(int fd, std::size_t size, Buffer& into) {
  into.resize(size);
  char* bytes = into.data();
  constexpr std::size_t piece = std::size_t{8} << 20;
  bool complete = true;
  for_each_ordered(
      (size + piece - 1) / piece, hardware_jobs(),
      [&](std::size_t i) {
        const std::size_t begin = i * piece, end = std::min(size, begin + piece);
        for (std::size_t at = begin; at < end;) {
          const ssize_t got = ::pread(fd, bytes + at, end - at, static_cast<off_t>(at));
          if (got < 0 && errno == EINTR) continue;
          if (got <= 0) return false;
          at += static_cast<std::size_t>(got);
        }
        return true;
      },
      [&](std::size_t, bool read) { complete = complete && read; });
  return complete;
}
}  // namespace

Result<InputFile> InputFile::open(const std::string& path, Access access) {
  auto in = open_input(path);
  if (!in) return tl::unexpected(in.error());
  InputFile file;
  if (in->fd < 0) {  // standard input, a FIFO, a device: already read
    file.text_ = std::move(in->text);
    file.view_ = file.text_;
    return file;
  }
  const int fd = in->fd;
  const std::size_t size = in->size;
  // A small file is cheaper to read than to map: one read against mmap, madvise and munmap.
  if (size > 0 && (size <= small_file_size || (access == Access::copied && size <= copy_limit))) {
    if (copy_file(fd, size, file.copy_)) {
      ::close(fd);
      file.view_ = file.copy_.view();
      return file;
    }
    file.copy_ = Buffer();  // changed under us: read it the general way below
  }
  if (size > 0) {
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      ::madvise(map, size, MADV_SEQUENTIAL);
      ::close(fd);
      file.map_ = map;
      file.map_size_ = size;
      file.view_ = std::string_view(static_cast<const char*>(map), size);
      return file;
    }
  }
  // Empty by its size (a /proc file may still have bytes), or not mappable: read it.
  auto data = read_all(fd, path);
  ::close(fd);
  if (!data) return tl::unexpected(data.error());
  file.text_ = std::move(*data);
  file.view_ = file.text_;
  return file;
}

InputFile::InputFile(InputFile&& other) noexcept { *this = std::move(other); }

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (map_ != nullptr) ::munmap(map_, map_size_);
    map_ = std::exchange(other.map_, nullptr);
    map_size_ = std::exchange(other.map_size_, 0);
    copy_ = std::move(other.copy_);
    // A string's bytes may move with it (short strings live inside it): view the new one.
    const bool in_text = other.view_.data() == other.text_.data() && !other.view_.empty();
    text_ = std::move(other.text_);
    view_ = in_text ? std::string_view(text_) : other.view_;
    other.view_ = {};
  }
  return *this;
}

InputFile::~InputFile() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

}  // namespace kit::core
