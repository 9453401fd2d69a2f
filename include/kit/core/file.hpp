// kit/core/file.hpp — the one way to open input: descriptors, whole files, pieces, lines.
//
// Which to use:
//   read_file(path)               a small input as one string (a key file, an .ics, JSON)
//   InputFile::load(path)         a whole input as bytes, mapped or copied: parsers of one file
//   LinePieces::of_file(path, n)  a large text cut after line ends, each piece parsed on a core
//   LineReader::of_file(path)     lines as they come, from a file, a pipe or a FIFO, in a
//                                 buffer of bounded size: manifests, streams that never end
//   open_for_reading(path)        an owned descriptor, for code that reads at offsets itself
// "-" is standard input everywhere. Errors are ErrorKind::io values with messages like
// "cannot open 'x.json': No such file or directory".
//
// A regular file is mapped read-only by default (no copy: pages come in as they are touched).
// Access::copied reads it instead into transparent huge pages, on every core: scanning those is
// faster than scanning a mapping on a VM, where every 4 KiB page of a mapping costs a fault and
// TLB misses, so a command that parses a whole file gains more than the copy costs.
//
// Example:
//   auto file = kit::core::InputFile::load("records.csv");   // Result<InputFile>
//   if (!file) return kit::core::report_error("struct pack", file.error());
//   std::string_view bytes = file->bytes();                   // valid while `file` lives
//
//   auto lines = kit::core::LineReader::of_file("SHA256SUMS");
//   while (auto line = lines->next()) {                       // Result<std::optional<...>>
//     if (!*line) break;                                      // the end
//     use(**line);                                            // without its '\n'
//   }
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kit/core/buffer.hpp"
#include "kit/core/error.hpp"

namespace kit::core {

// FileDescriptor: an open descriptor, closed when the owner goes (unless borrowed).
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  // borrow(fd): a descriptor that stays open when this goes (standard input, a caller's fd).
  [[nodiscard]] static FileDescriptor borrow(int fd);
  FileDescriptor(FileDescriptor&& other) noexcept;
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();

  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  // regular_size(): the size of a regular file, nullopt for a pipe, FIFO, device or terminal.
  [[nodiscard]] std::optional<std::size_t> regular_size() const;
  // release(): the descriptor, no longer closed by this.
  [[nodiscard]] int release();
  void reset();

 private:
  int fd_ = -1;
  bool owned_ = true;
};

// open_for_reading(path): "-" is standard input (borrowed). Opens FIFOs too (which may block
// until a writer comes, as any reader of a FIFO does).
[[nodiscard]] Result<FileDescriptor> open_for_reading(const std::string& path);

// open_for_appending(path): "-" is standard output (borrowed); else the file opened to append
// (created 0644 when missing), so that whole-line writes from several threads never interleave
// (O_APPEND). Error core.open.
[[nodiscard]] Result<FileDescriptor> open_for_appending(const std::string& path);

// read_file(path): the whole file ("-" is standard input).
[[nodiscard]] Result<std::string> read_file(const std::string& path);

// read_all(fd, name): everything left to read from an open descriptor (a pipe, a FIFO, a
// device), `name` for the error message. The descriptor stays open.
[[nodiscard]] Result<std::string> read_all(int fd, const std::string& name);

// OpenInput: a path opened for reading. A regular file stays open (fd, and its size then);
// anything else — standard input ("-"), a FIFO, a device — has been read whole into `text`
// (opening a FIFO a second time could wait for ever).
struct OpenInput {
  FileDescriptor fd;  // valid for a regular file
  std::size_t size = 0;
  std::string text;
};
[[nodiscard]] Result<OpenInput> open_input(const std::string& path);
// open_input(fd, path): the same for a descriptor already open (a FIFO is opened once: a
// second open would wait for a second writer, and closing the first drops what it holds).
[[nodiscard]] Result<OpenInput> open_input(FileDescriptor fd, const std::string& path);

// InputFile: a whole input file as bytes, mapped or copied.
class InputFile {
 public:
  enum class Access {
    mapped,  // a regular file mapped
    copied,  // a regular file up to copy_limit read into huge pages; larger ones mapped
  };
  static constexpr std::size_t copy_limit = std::size_t{1} << 30;

  // load(path, access): "-" is standard input.
  [[nodiscard]] static Result<InputFile> load(const std::string& path,
                                              Access access = Access::mapped);
  // load(fd, path, access): from a descriptor already open (path names it in errors).
  [[nodiscard]] static Result<InputFile> load(FileDescriptor fd, const std::string& path,
                                              Access access = Access::mapped);

  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  [[nodiscard]] std::string_view bytes() const { return view_; }

 private:
  InputFile() = default;
  void* map_ = nullptr;  // the mapping, when the file is mapped
  std::size_t map_size_ = 0;
  Buffer copy_;       // the bytes, when a regular file was copied
  std::string text_;  // the bytes, when standard input or another file was read
  std::string_view view_;
};

// LinePieces: a file cut into pieces after line ends, each piece read on its own.
//
// For parsing a large file on every core: piece i holds the lines that start in bytes
// [i·size, (i+1)·size), so the cuts depend on the text alone, and a worker reads its pieces
// with pread into a buffer of its own that it reuses. Nothing maps the file or copies it whole:
// on a VM, touching each 4 KiB page of a mapping or of fresh memory costs a fault, while a
// buffer that is reused is faulted in once. Standard input and other files that cannot be read
// at an offset are read whole first and cut the same way. A piece is read with one byte before
// it and, for the end of its last line, 4 KiB after it at first: a size 8 KiB under a multiple
// of 2 MiB keeps a piece's buffer in whole huge pages.
//
// Example:
//   auto pieces = kit::core::LinePieces::of_file("records.csv", 4 << 20);   // Result<...>
//   kit::core::for_each_ordered(pieces->count(), kit::core::hardware_jobs(),
//       [&](std::size_t i) {
//         thread_local kit::core::Buffer buffer;
//         auto text = pieces->read(i, i + 1, buffer);   // Result<std::string_view>
//         return parse(*text);
//       },
//       [&](std::size_t, Parsed p) { print(p); });
class LinePieces {
 public:
  // of_file(path, size): "-" is standard input.
  [[nodiscard]] static Result<LinePieces> of_file(const std::string& path, std::size_t size);
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
  int fd_ = -1;  // a file read at offsets, or -1 when `text_` holds it all
  bool owns_fd_ = true;
  std::size_t begin_ = 0;  // where in the file the text starts
  std::string text_;
  std::string path_;
  std::size_t size_ = 0;   // bytes of text (in the file when it was opened)
  std::size_t piece_ = 0;  // nominal piece size
  std::size_t count_ = 0;
};

// LineReader: lines read as they come from a descriptor — a file, a pipe, a FIFO, a terminal —
// holding only the current block (and a line longer than it). A last line without '\n' is a
// line; "\r\n" is left as it is (the caller decides).
class LineReader {
 public:
  // of_file(path): "-" is standard input.
  [[nodiscard]] static Result<LineReader> of_file(const std::string& path);
  // LineReader(fd, name): reads `fd` (owned or borrowed as the FileDescriptor says).
  LineReader(FileDescriptor fd, std::string name);

  // next(): the next line without its '\n', valid until the following call; nullopt at the end.
  [[nodiscard]] Result<std::optional<std::string_view>> next();
  // Whether the line next() returned last ended with '\n'.
  [[nodiscard]] bool had_newline() const { return had_newline_; }
  // Bytes of the input returned so far (lines and their '\n').
  [[nodiscard]] std::size_t offset() const { return offset_; }

 private:
  FileDescriptor fd_;
  std::string name_;
  std::string buffer_;
  std::size_t begin_ = 0;  // the unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  std::size_t offset_ = 0;
  bool eof_ = false;
  bool had_newline_ = false;
};

}  // namespace kit::core
