// kit/core/pieces.hpp — a file cut into pieces after line ends, each piece read on its own.
//
// For parsing a large file on every core: piece i holds the lines that start in bytes
// [i·size, (i+1)·size), so the cuts depend on the text alone, and a worker reads its pieces
// with pread into a buffer of its own that it reuses. Nothing maps the file or copies it whole:
// on a VM, touching each 4 KiB page of a mapping or of fresh memory costs a fault (~30 µs
// here), while a buffer that is reused is faulted in once. Standard input and other files that
// cannot be read at an offset are read whole first and cut the same way. A piece is read with
// one byte before it and, for the end of its last line, 4 KiB after it at first: a size 8 KiB
// under a multiple of 2 MiB keeps a piece's buffer in whole huge pages.
//
// Example:
//   auto pieces = kit::core::LinePieces::open("records.csv", 4 << 20);   // Result<LinePieces>
//   kit::core::for_each_ordered(pieces->count(), kit::core::hardware_jobs(),
//       [&](std::size_t i) {
//         thread_local kit::core::Buffer buffer;
//         auto text = pieces->read(i, i + 1, buffer);   // Result<std::string_view>
//         return parse(*text);
//       },
//       [&](std::size_t, Parsed p) { print(p); });
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kit/core/buffer.hpp"
#include "kit/core/error.hpp"

namespace kit::core {

class LinePieces {
 public:
  // open(path, size): "-" is standard input. Errors are ErrorKind::io, as read_file's.
  [[nodiscard]] static Result<LinePieces> open(const std::string& path, std::size_t size);
  // of_range(fd, begin, end, size, name): bytes [begin, end) of a regular file open as fd
  // (which stays the caller's, and must outlive the pieces), `name` for messages.
  [[nodiscard]] static LinePieces of_range(int fd, std::size_t begin, std::size_t end,
                                           std::size_t size, const std::string& name);

  LinePieces(LinePieces&& other) noexcept;
  LinePieces& operator=(LinePieces&& other) noexcept;
  LinePieces(const LinePieces&) = delete;
  LinePieces& operator=(const LinePieces&) = delete;
  ~LinePieces();

  [[nodiscard]] std::size_t count() const { return count_; }
  [[nodiscard]] std::size_t file_size() const { return size_; }

  // read(first, last, buffer): the text of pieces [first, last), read into `buffer` (or a view
  // of the text read at open); empty when no line starts in them. Safe from many threads, each
  // with its own buffer.
  [[nodiscard]] Result<std::string_view> read(std::size_t first, std::size_t last,
                                              Buffer& buffer) const;

 private:
  LinePieces() = default;
  int fd_ = -1;            // a file read at offsets, or -1 when `text_` holds it all
  bool owns_fd_ = true;
  std::size_t begin_ = 0;  // where in the file the text starts
  std::string text_;
  std::string path_;
  std::size_t size_ = 0;   // bytes of text (in the file when it was opened)
  std::size_t piece_ = 0;  // nominal piece size
  std::size_t count_ = 0;
};

}  // namespace kit::core
