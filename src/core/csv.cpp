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

Result<bool> CsvReader::next(CsvRow& row) {
  const std::string_view text = text_;
  const std::size_t n = text.size();
  std::size_t i = at_;
  auto line_end = [&](std::size_t k) {
    return text[k] == '\n' || (text[k] == '\r' && k + 1 < n && text[k + 1] == '\n');
  };
  // A blank line (LF or CRLF) is no record.
  while (i < n && line_end(i)) {
    i += text[i] == '\r' ? 2u : 1u;
    ++line_;
  }
  if (i >= n) {
    at_ = i;
    return false;
  }
  row.line = line_;
  std::size_t count = 0;
  auto field = [&]() -> std::string& {  // the next field, reusing the row's strings
    if (count == row.fields.size()) row.fields.emplace_back();
    std::string& f = row.fields[count++];
    f.clear();
    return f;
  };
  while (true) {
    std::string& f = field();
    if (i < n && text[i] == '"') {
      const std::size_t open = i++;
      while (true) {
        if (i >= n)
          return fail_at(ErrorKind::malformed_input, "core.bad_csv", "unterminated quoted field",
                         position_of(text, open));
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            f += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line_;
        f += text[i++];
      }
      if (i < n && text[i] != ',' && !line_end(i))
        return fail_at(ErrorKind::malformed_input, "core.bad_csv",
                       "unexpected character after a closing quote", position_of(text, i));
    } else {
      const std::size_t start = i;
      while (i < n && text[i] != ',' && !line_end(i)) {
        if (text[i] == '"')
          return fail_at(ErrorKind::malformed_input, "core.bad_csv",
                         "quote inside an unquoted field", position_of(text, i));
        ++i;
      }
      f.assign(text.substr(start, i - start));
    }
    if (i < n && text[i] == ',') {
      ++i;
      continue;
    }
    break;
  }
  row.fields.resize(count);
  if (i < n && text[i] == '\r') ++i;
  if (i < n && text[i] == '\n') {
    ++i;
    ++line_;
  }
  at_ = i;
  return true;
}

Result<std::vector<CsvRow>> parse_csv(std::string_view text) {
  std::vector<CsvRow> rows;
  CsvReader reader(text);
  while (true) {
    CsvRow row;
    auto more = reader.next(row);
    if (!more) return tl::unexpected(more.error());
    if (!*more) return rows;
    rows.push_back(std::move(row));
  }
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
