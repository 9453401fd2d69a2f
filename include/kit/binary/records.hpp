// kit/binary/records.hpp — files of fixed-size records: CSV rows packed into records (on every
// core), records read from a file or a stream a run at a time, and records written as text.
//
// Example:
//   auto s = kit::binary::Struct::compile("<IHff");
//   auto packed = kit::binary::pack_csv(*s, "1,2,0.5,1.5\n3,4,2.5,3.5\n");  // Result<core::Buffer>
//   packed->size();                                                     // 28: two records
//
//   auto reader = kit::binary::RecordReader::of_file("sensors.bin", s->size());
//   while (true) {
//     auto run = reader->next();               // Result<std::string_view>: whole records
//     if (!run) return report(run.error());    // a read error, bytes after the last record
//     if (run->empty()) break;                 // the end
//     auto text = kit::binary::format_records(*s, *run, kit::binary::RecordText::csv);
//   }
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kit/binary.hpp"
#include "kit/core/buffer.hpp"
#include "kit/core/error.hpp"
#include "kit/core/file.hpp"

namespace kit::binary {

// pack_csv(s, csv, into): every row of CSV text packed as one record of s, appended to `into`
// (a buffer to reuse, or a new one). Each field is a Python literal (parse_literal), quoted
// as CSV quotes it when it holds a comma; a UTF-8 byte order mark before the first row is
// skipped. Rows of plain numbers go through Struct::pack_plain, the rest through the CSV
// reader. Error: the first row that is not CSV, has the wrong number of fields or a value
// that does not fit (binary.bad_count, binary.bad_value, …), with its line (column 1).
[[nodiscard]] Result<core::Buffer> pack_csv(const Struct& s, std::string_view csv,
                                            core::Buffer into = {});

// pack_csv_file(s, path, write): the rows of a CSV file ("-" is standard input) packed on
// every core, and handed to write(records) in file order, a run of whole records at a time.
// On an error, the records of the rows before it have been written; its line counts from
// the start of the file.
[[nodiscard]] Result<void> pack_csv_file(const Struct& s, const std::string& path,
                                         const std::function<void(std::string_view)>& write);

// RecordReader: the records of a file or a stream, in runs of whole records.
//
// A regular file is read whole (into huge pages, on every core) and its records are handed
// out where they lie; standard input, a pipe or a FIFO is read a window at a time.
class RecordReader {
 public:
  // of_file(path, record_size, offset): "-" is standard input; the first `offset` bytes are
  // skipped. Errors: the path cannot be opened (core.open), record_size is 0.
  [[nodiscard]] static Result<RecordReader> of_file(const std::string& path,
                                                    std::size_t record_size,
                                                    std::size_t offset = 0);

  // next(): the next run of whole records (a multiple of record_size bytes, valid until the
  // next call), empty at the end. After the last run, an error when the input ends before
  // the offset (binary.bad_size), cannot be read (core.read), or ends with a partial record
  // (binary.bad_size: "'f.bin' ends with 11 bytes, not a whole record of 14").
  [[nodiscard]] Result<std::string_view> next();

  [[nodiscard]] std::size_t record_size() const { return record_size_; }

 private:
  RecordReader() = default;
  Result<std::string_view> next_whole();
  Result<std::string_view> next_streamed();
  Result<std::string_view> finish();

  std::string path_;
  std::size_t record_size_ = 0;
  std::size_t offset_ = 0;
  std::size_t window_ = 0;  // bytes of whole records handed out at most at a time
  // A regular file, read whole, and where the records not yet handed out start.
  std::optional<core::InputFile> whole_;
  std::size_t at_ = 0;
  // A stream: its descriptor and the window it is read into.
  core::FileDescriptor fd_;
  std::vector<char> block_;
  std::size_t handed_ = 0;   // bytes at the front of block_ handed out by the last call
  std::size_t carry_ = 0;    // bytes after them: the start of a record
  std::size_t skipped_ = 0;  // of the offset, while skipping it
  bool started_ = false;
  bool at_end_ = false;  // the stream said end (or failed): never read it again
  bool read_failed_ = false;
  bool past_end_ = false;  // the input ended before the offset
  bool done_ = false;
};

// How format_records writes a record: Python's repr of its tuple, or one CSV line (floats as
// repr writes them, bytes as hex so every field stays printable).
enum class RecordText { repr, csv };

// format_records(s, bytes, text, into): a line for each whole record of s in bytes, appended
// to `into`. append_csv_record(out, record): one record as a CSV line.
[[nodiscard]] core::Buffer format_records(const Struct& s, std::string_view bytes, RecordText text,
                                          core::Buffer into = {});
void append_csv_record(std::string& out, std::span<const Value> record);

}  // namespace kit::binary
