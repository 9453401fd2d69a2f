#include "kit/core/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/core.h>

namespace kit::core {

namespace {

// A line that runs past its piece is read on in steps of this much at first, doubling.
constexpr std::size_t first_read_ahead = std::size_t{4} << 10;

// read_at(fd, into, offset, n): appends up to n bytes from offset (fewer at the end of file).
Result<std::size_t> read_at(int fd, const std::string& path, Buffer& into, std::size_t offset,
                            std::size_t n) {
  char* at = into.extend(n);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, at + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      into.resize(into.size() - n);
      return fail(ErrorKind::io, "core.read",
                  fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
    }
    if (r == 0) break;  // the file shrank since it was opened
    got += static_cast<std::size_t>(r);
  }
  into.resize(into.size() - (n - got));
  return got;
}

}  // namespace

Result<LinePieces> LinePieces::of_file(const std::string& path, std::size_t size) {
  auto in = open_input(path);
  if (!in) return tl::unexpected(in.error());
  LinePieces pieces;
  pieces.path_ = path;
  pieces.piece_ = std::max<std::size_t>(1, size);
  pieces.size_ = in->fd.valid() ? in->size : in->text.size();
  pieces.fd_ = in->fd.release();
  pieces.text_ = std::move(in->text);
  pieces.count_ = (pieces.size_ + pieces.piece_ - 1) / pieces.piece_;
  return pieces;
}

LinePieces LinePieces::of_range(int fd, std::size_t begin, std::size_t end, std::size_t size,
                                const std::string& name) {
  LinePieces pieces;
  pieces.fd_ = fd;
  pieces.owns_fd_ = false;
  pieces.begin_ = begin;
  pieces.path_ = name;
  pieces.piece_ = std::max<std::size_t>(1, size);
  pieces.size_ = end > begin ? end - begin : 0;
  pieces.count_ = (pieces.size_ + pieces.piece_ - 1) / pieces.piece_;
  return pieces;
}

LinePieces::LinePieces(LinePieces&& other) noexcept {
  *this = std::move(other);
}

LinePieces& LinePieces::operator=(LinePieces&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0 && owns_fd_) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    owns_fd_ = other.owns_fd_;
    begin_ = other.begin_;
    text_ = std::move(other.text_);
    path_ = std::move(other.path_);
    size_ = other.size_;
    piece_ = other.piece_;
    count_ = other.count_;
  }
  return *this;
}

LinePieces::~LinePieces() {
  if (fd_ >= 0 && owns_fd_) ::close(fd_);
}

Result<std::string_view> LinePieces::read(std::size_t first, std::size_t last,
                                          Buffer& buffer) const {
  last = std::min(last, count_);
  if (first >= last) return std::string_view();
  // The text starts after the first line end at or after byte first·size − 1 (the start of the
  // file for piece 0) and ends after the first line end at or after byte last·size − 1.
  const std::size_t from = first == 0 ? 0 : first * piece_ - 1;
  const std::size_t nominal_end = std::min(size_, last * piece_);
  std::string_view text;
  if (fd_ < 0) {
    text = std::string_view(text_).substr(from);
  } else {
    buffer.clear();
    auto got = read_at(fd_, path_, buffer, begin_ + from, nominal_end - from);
    if (!got) return tl::unexpected(got.error());
    text = buffer.view();
  }
  std::size_t begin = 0;
  if (first != 0) {
    const std::size_t line_end = text.substr(0, nominal_end - from).find('\n');
    if (line_end == std::string_view::npos) return std::string_view();  // no line starts here
    begin = line_end + 1;
  }
  // The last line runs on to its end, which may lie beyond what was read.
  std::size_t search = nominal_end - 1 - from;
  std::size_t end = std::string_view::npos;
  for (std::size_t ahead = first_read_ahead;
       (end = text.find('\n', search)) == std::string_view::npos && from + text.size() < size_ &&
       fd_ >= 0;
       ahead *= 2) {
    search = text.size();
    // No further than the text's end (a range may stop inside a file).
    auto got = read_at(fd_, path_, buffer, begin_ + from + text.size(),
                       std::min(ahead, size_ - from - text.size()));
    if (!got) return tl::unexpected(got.error());
    if (*got == 0) break;
    text = buffer.view();
  }
  end = end == std::string_view::npos ? text.size() : end + 1;
  return text.substr(begin, end - begin);
}

}  // namespace kit::core
