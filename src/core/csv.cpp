#include "kit/core/csv.hpp"

#include <array>

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

// The bytes that end or break an unquoted field; every other byte is skipped in one test.
constexpr auto is_special = [] {
  std::array<bool, 256> t{};
  for (char c : {',', '\n', '\r', '"'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

Result<bool> CsvReader::next(CsvRecordView& row) {
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
  row.fields.clear();
  row.unescaped.clear();
  while (true) {
    if (i < n && text[i] == '"') {
      const std::size_t open = i++;
      std::size_t run = i;          // the start of the text not yet copied
      std::string* copy = nullptr;  // only a field with "" needs its own string
      while (true) {
        if (i >= n)
          return fail_at(ErrorKind::malformed_input, "core.bad_csv", "unterminated quoted field",
                         position_of(text, open));
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            if (copy == nullptr) copy = &row.unescaped.emplace_back();
            copy->append(text.substr(run, i + 1 - run));
            i += 2;
            run = i;
            continue;
          }
          break;
        }
        if (text[i] == '\n') ++line_;
        ++i;
      }
      if (copy == nullptr) {
        row.fields.push_back(text.substr(run, i - run));
      } else {
        copy->append(text.substr(run, i - run));
        row.fields.emplace_back(*copy);
      }
      ++i;  // the closing quote
      if (i < n && text[i] != ',' && !line_end(i))
        return fail_at(ErrorKind::malformed_input, "core.bad_csv",
                       "unexpected character after a closing quote", position_of(text, i));
    } else {
      const std::size_t start = i;
      while (true) {
        while (i < n && !is_special[static_cast<unsigned char>(text[i])]) ++i;
        if (i >= n || text[i] == ',' || line_end(i)) break;
        if (text[i] == '"')
          return fail_at(ErrorKind::malformed_input, "core.bad_csv",
                         "quote inside an unquoted field", position_of(text, i));
        ++i;  // a lone CR is data
      }
      row.fields.push_back(text.substr(start, i - start));
    }
    if (i < n && text[i] == ',') {
      ++i;
      continue;
    }
    break;
  }
  if (i < n && text[i] == '\r') ++i;
  if (i < n && text[i] == '\n') {
    ++i;
    ++line_;
  }
  at_ = i;
  return true;
}

std::string_view CsvReader::rest() {
  const std::string_view text = text_;
  while (at_ < text.size() && (text[at_] == '\n' || (text[at_] == '\r' && at_ + 1 < text.size() &&
                                                     text[at_ + 1] == '\n'))) {
    at_ += text[at_] == '\r' ? 2u : 1u;
    ++line_;
  }
  return text.substr(at_);
}

Result<bool> CsvReader::next(CsvRow& row) {
  auto more = next(view_);
  if (!more || !*more) return more;
  row.line = view_.line;
  row.fields.resize(view_.fields.size());
  for (std::size_t k = 0; k < view_.fields.size(); ++k) row.fields[k].assign(view_.fields[k]);
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
