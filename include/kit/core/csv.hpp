// kit/core/csv.hpp — RFC 4180 CSV: reading records, quoting fields for writing.
//
// Example:
//   auto rows = kit::core::parse_csv("date,event\n2026-04-01,\"Kickoff, Q2\"\n");
//   // (*rows)[1].fields == {"2026-04-01", "Kickoff, Q2"}, (*rows)[1].line == 2
//   kit::core::csv_field("a,b");   // "\"a,b\""
//   kit::core::csv_record({"2026-04-01", "Kickoff, Q2"});   // "2026-04-01,\"Kickoff, Q2\""
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::core {

struct CsvRow {
  std::vector<std::string> fields;
  std::size_t line = 0;  // 1-based line where the record starts
};

// A record as views: into the text, or (for a field with "" inside) into `unescaped`; valid
// until the next call to next() and while the text lives. No copy per field.
struct CsvRecordView {
  std::vector<std::string_view> fields;
  std::size_t line = 0;
  std::deque<std::string> unescaped;  // a deque: its strings stay where they are as it grows
};

// CsvReader: the records of text one at a time, reusing the row's storage (for large files).
//   kit::core::CsvReader reader(text);
//   kit::core::CsvRow row;
//   while (true) { auto more = reader.next(row); if (!more) …error…; if (!*more) break; … }
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}
  // next(row): the next record into row; false after the last one; an Error as parse_csv's.
  [[nodiscard]] Result<bool> next(CsvRow& row);
  [[nodiscard]] Result<bool> next(CsvRecordView& row);

  // For callers with a fast path of their own for simple lines: rest() is the text not yet
  // read (blank lines skipped), skip_line(n) moves past a line of n bytes, its line end
  // included, that the caller read itself. A caller that cannot take a line reads it with
  // next() instead, which sees the same record.
  [[nodiscard]] std::string_view rest();
  void skip_line(std::size_t bytes) {
    at_ += bytes;
    ++line_;
  }
  [[nodiscard]] std::size_t line() const { return line_; }  // where the next record starts

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  std::size_t line_ = 1;
  CsvRecordView view_;  // next(CsvRow&) reads through it
};

// parse_csv(text): every record; CRLF or LF line ends; quoted fields may hold commas, quotes
// ("") and line breaks. Blank lines are skipped. An unterminated quote or a character after a
// closing quote is an Error (core.bad_csv) at its line:column. Copies what it returns.
[[nodiscard]] Result<std::vector<CsvRow>> parse_csv(std::string_view text);

// csv_field(s): s quoted as RFC 4180 requires (only when it holds , " CR or LF).
[[nodiscard]] std::string csv_field(std::string_view s);

// csv_record(fields): one record without its line end; a lone empty field is written as ""
// so that the line does not read back as blank.
[[nodiscard]] std::string csv_record(const std::vector<std::string>& fields);

}  // namespace kit::core
