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

namespace kit::core {

FileDescriptor FileDescriptor::borrow(int fd) {
  FileDescriptor borrowed(fd);
  borrowed.owned_ = false;
  return borrowed;
}

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), owned_(other.owned_) {}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
    owned_ = other.owned_;
  }
  return *this;
}

FileDescriptor::~FileDescriptor() {
  reset();
}

void FileDescriptor::reset() {
  if (fd_ >= 0 && owned_) ::close(fd_);
  fd_ = -1;
}

int FileDescriptor::release() {
  owned_ = false;
  return std::exchange(fd_, -1);
}

std::optional<std::size_t> FileDescriptor::regular_size() const {
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<std::size_t>(st.st_size);
}

Result<FileDescriptor> open_for_reading(const std::string& path) {
  if (path == "-") return FileDescriptor::borrow(STDIN_FILENO);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(ErrorKind::io, "core.open",
                fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  return FileDescriptor(fd);
}

Result<FileDescriptor> open_for_appending(const std::string& path) {
  if (path == "-") return FileDescriptor::borrow(STDOUT_FILENO);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(ErrorKind::io, "core.open",
                fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  return FileDescriptor(fd);
}

Result<std::string> read_all(int fd, const std::string& name) {
  std::string data;
  std::size_t used = 0;
  while (true) {
    if (data.size() - used < 65536)
      data.resize(std::max<std::size_t>(data.size() * 2, used + 65536));
    const ssize_t n = ::read(fd, data.data() + used, data.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return fail(ErrorKind::io, "core.read",
                  fmt::format("cannot read '{}': {}", name, std::strerror(errno)));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  data.resize(used);
  return data;
}

Result<std::string> read_file(const std::string& path) {
  auto fd = open_for_reading(path);
  if (!fd) return tl::unexpected(fd.error());
  // A regular file is read straight into a string of its size (no growing and copying), then
  // read on in case it has grown.
  std::string data;
  if (auto size = fd->regular_size(); size && *size > 0) {
    data.resize(*size);
    std::size_t used = 0;
    while (used < data.size()) {
      const ssize_t n = ::read(fd->get(), data.data() + used, data.size() - used);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      used += static_cast<std::size_t>(n);
    }
    data.resize(used);
  }
  auto rest = read_all(fd->get(), path == "-" ? std::string("standard input") : path);
  if (!rest) return tl::unexpected(rest.error());
  data += *rest;
  return data;
}

Result<OpenInput> open_input(const std::string& path) {
  auto fd = open_for_reading(path);
  if (!fd) return tl::unexpected(fd.error());
  return open_input(std::move(*fd), path);
}

Result<OpenInput> open_input(FileDescriptor fd, const std::string& path) {
  OpenInput in;
  if (auto size = fd.regular_size(); size && path != "-") {
    in.fd = std::move(fd);
    in.size = *size;
    return in;
  }
  auto text = read_all(fd.get(), path == "-" ? std::string("standard input") : path);
  if (!text) return tl::unexpected(text.error());
  in.text = std::move(*text);
  return in;
}

Result<LineReader> LineReader::of_file(const std::string& path) {
  auto fd = open_for_reading(path);
  if (!fd) return tl::unexpected(fd.error());
  return LineReader(std::move(*fd), path == "-" ? std::string("standard input") : path);
}

LineReader::LineReader(FileDescriptor fd, std::string name)
    : fd_(std::move(fd)), name_(std::move(name)) {}

Result<std::optional<std::string_view>> LineReader::next() {
  constexpr std::size_t block = 64 * 1024;
  std::size_t scanned = begin_;
  while (true) {
    const auto* data = buffer_.data();
    if (const void* nl = std::memchr(data + scanned, '\n', end_ - scanned)) {
      const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nl) - data);
      std::string_view line(data + begin_, at - begin_);
      offset_ += at + 1 - begin_;
      begin_ = at + 1;
      had_newline_ = true;
      return line;
    }
    if (eof_) {
      if (begin_ == end_) return std::optional<std::string_view>();
      std::string_view line(data + begin_, end_ - begin_);
      offset_ += end_ - begin_;
      begin_ = end_;
      had_newline_ = false;
      return line;
    }
    // Keep the partial line at the front, then read another block after it.
    if (begin_ > 0) {
      buffer_.erase(0, begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    scanned = end_;
    if (buffer_.size() - end_ < block) buffer_.resize(std::max(buffer_.size() * 2, end_ + block));
    ssize_t n;
    do n = ::read(fd_.get(), buffer_.data() + end_, buffer_.size() - end_);
    while (n < 0 && errno == EINTR);
    if (n < 0)
      return fail(ErrorKind::io, "core.read",
                  fmt::format("cannot read '{}': {}", name_, std::strerror(errno)));
    if (n == 0) eof_ = true;
    end_ += static_cast<std::size_t>(n);
  }
}

namespace {
constexpr std::size_t small_file_size = 64 * 1024;

// copy_file(fd, size, into): the file's `size` bytes read into a Buffer, pieces read on every
// core; false when it cannot be (an error, or the file shrank under us).
bool copy_file(int fd, std::size_t size, Buffer& into) {
  into.resize(size);
  char* bytes = into.data();
  constexpr std::size_t piece = std::size_t{8} << 20;
  bool complete = true;
  for_each_ordered((size + piece - 1) / piece, hardware_jobs(),
                   [&](std::size_t i) {
                     const std::size_t begin = i * piece, end = std::min(size, begin + piece);
                     for (std::size_t at = begin; at < end;) {
                       const ssize_t got =
                           ::pread(fd, bytes + at, end - at, static_cast<off_t>(at));
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

Result<InputFile> InputFile::load(const std::string& path, Access access) {
  auto fd = open_for_reading(path);
  if (!fd) return tl::unexpected(fd.error());
  return load(std::move(*fd), path, access);
}

Result<InputFile> InputFile::load(FileDescriptor opened, const std::string& path, Access access) {
  auto in = open_input(std::move(opened), path);
  if (!in) return tl::unexpected(in.error());
  InputFile file;
  if (!in->fd.valid()) {  // standard input, a FIFO, a device: already read
    file.text_ = std::move(in->text);
    file.view_ = file.text_;
    return file;
  }
  const int fd = in->fd.get();
  const std::size_t size = in->size;
  // A small file is cheaper to read than to map: one read against mmap, madvise and munmap.
  if (size > 0 && (size <= small_file_size || (access == Access::copied && size <= copy_limit))) {
    if (copy_file(fd, size, file.copy_)) {
      file.view_ = file.copy_.view();
      return file;
    }
    file.copy_ = Buffer();  // changed under us: read it the general way below
  }
  if (size > 0) {
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      ::madvise(map, size, MADV_SEQUENTIAL);
      file.map_ = map;
      file.map_size_ = size;
      file.view_ = std::string_view(static_cast<const char*>(map), size);
      return file;
    }
  }
  // Empty by its size (a /proc file may still have bytes), or not mappable: read it.
  auto data = read_all(fd, path);
  if (!data) return tl::unexpected(data.error());
  file.text_ = std::move(*data);
  file.view_ = file.text_;
  return file;
}

InputFile::InputFile(InputFile&& other) noexcept {
  *this = std::move(other);
}

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
