#include "kit/core/csv.hpp"

#include <fmt/core.h>

namespace kit::core {

namespace {

TextPosition position_of(std::string_view text, std::size_t offset) {
  TextPosition p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

}  // namespace

Result<std::vector<CsvRow>> parse_csv(std::string_view text) {
  std::vector<CsvRow> rows;
  std::size_t i = 0, line = 1;
  const std::size_t n = text.size();
  while (i < n) {
    // A blank line (LF or CRLF) is no record.
    if (text[i] == '\n') {
      ++i;
      ++line;
      continue;
    }
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') {
      i += 2;
      ++line;
      continue;
    }

    CsvRow row;
    row.line = line;
    while (true) {
      std::string field;
      if (i < n && text[i] == '"') {
        std::size_t open = i++;
        while (true) {
          if (i >= n)
            return fail_at(ErrorKind::malformed_input, "core.bad_csv", "unterminated quoted field",
                           position_of(text, open));
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        if (i < n && text[i] != ',' && text[i] != '\n' &&
            !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n'))
          return fail_at(ErrorKind::malformed_input, "core.bad_csv",
                         "unexpected character after a closing quote", position_of(text, i));
      } else {
        std::size_t start = i;
        while (i < n && text[i] != ',' && text[i] != '\n' &&
               !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
          if (text[i] == '"')
            return fail_at(ErrorKind::malformed_input, "core.bad_csv",
                           "quote inside an unquoted field", position_of(text, i));
          ++i;
        }
        field.assign(text.substr(start, i - start));
      }
      row.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    if (i < n && text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') {
      ++i;
      ++line;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
  if (fields.size() == 1 && fields[0].empty()) return "\"\"";
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) out += ',';
    out += csv_field(fields[i]);
  }
  return out;
}

}  // namespace kit::core
