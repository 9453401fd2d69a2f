// Checksum lines as coreutils 9.1's digest.c writes and reads them (split_3, bsd_split_3,
// filename_unescape, print_filename).
#include "kit/hash/checksum.hpp"

#include <cctype>
#include <cinttypes>
#include <cstdlib>
#include <optional>

namespace kit::hash {

namespace {

bool is_white(char c) {
  return c == ' ' || c == '\t';
}
bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// append_escaped(out, name): \ -> \\, newline -> \n, CR -> \r.
void append_escaped(std::string& out, std::string_view name) {
  for (char c : name) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
}

// unescape(s): the inverse; nullopt for any other escape, a lone trailing backslash or a NUL.
std::optional<std::string> unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\0') return std::nullopt;
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return std::nullopt;
    if (s[i] == '\\')
      out += '\\';
    else if (s[i] == 'n')
      out += '\n';
    else if (s[i] == 'r')
      out += '\r';
    else
      return std::nullopt;
  }
  return out;
}

bool all_hex(std::string_view s) {
  for (char c : s)
    if (!is_hex(c)) return false;
  return true;
}

// A C string stops at its first NUL, and coreutils' names are C strings.
std::string_view c_string(std::string_view s) {
  return s.substr(0, s.find('\0'));
}

// fill(entry, hex, name, escaped): the entry, its name unescaped; false when that fails.
bool fill(ChecksumEntry& entry, std::string_view hex, std::string_view name, bool escaped) {
  if (escaped) {
    auto plain = unescape(name);
    if (!plain) return false;
    entry.name = std::move(*plain);
  } else {
    entry.name = std::string(name);
  }
  entry.hex = std::string(hex);
  entry.hex_length = hex.size();
  return true;
}

}  // namespace

std::string checksum_line(std::string_view hex, std::string_view name, const ChecksumStyle& style) {
  const bool escape =
      !style.zero && name.find_first_of(std::string_view("\\\n\r", 3)) != std::string_view::npos;
  std::string line;
  line.reserve(hex.size() + name.size() + style.tag.size() + 8);
  if (escape) line += '\\';
  if (style.tagged) {
    line += style.tag;
    line += " (";
    if (escape)
      append_escaped(line, name);
    else
      line += name;
    line += ") = ";
    line += hex;
  } else {
    line += hex;
    line += ' ';
    line += style.binary ? '*' : ' ';
    if (escape)
      append_escaped(line, name);
    else
      line += name;
  }
  line += style.zero ? '\0' : '\n';
  return line;
}

std::string check_name(std::string_view name) {
  if (name.find('\n') == std::string_view::npos) return std::string(name);
  std::string out = "\\";
  append_escaped(out, name);
  return out;
}

ManifestParser::Kind ManifestParser::parse(std::string_view line, ChecksumEntry& entry) {
  if (!line.empty() && line[0] == '#') return Kind::skipped;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return Kind::skipped;
  std::size_t i = 0;
  while (i < line.size() && is_white(line[i])) ++i;
  bool escaped = false;
  if (i < line.size() && line[i] == '\\') {
    ++i;
    escaped = true;
  }
  std::string_view rest = line.substr(i);
  bool ok = rest.starts_with(format_.tag) ? parse_tagged(rest, escaped, entry)
                                          : parse_untagged(rest, escaped, entry);
  if (!ok) return Kind::malformed;
  entry.name = std::string(c_string(entry.name));
  if (format_.from_stdin && entry.name == "-") return Kind::malformed;
  return Kind::entry;
}

bool ManifestParser::parse_tagged(std::string_view s, bool escaped, ChecksumEntry& entry) const {
  std::size_t i = format_.tag.size();
  std::size_t hex_length = format_.hex_length;
  auto at = [&](std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  if (format_.variable_length) {
    // "BLAKE2b", then '-' and a bit length, or a separator; the separator is consumed.
    const char next = at(i);
    if (next != '\0' && !is_white(next) && next != '-' && next != '(') return false;
    if (next != '(') ++i;
    if (next == '-') {
      const std::string digits(c_string(s.substr(i)));
      char* end = nullptr;
      const std::uintmax_t bits = std::strtoumax(digits.c_str(), &end, 0);
      if (end == digits.c_str() || bits == 0 || bits > format_.hex_length * 4 || bits % 8 != 0)
        return false;
      hex_length = static_cast<std::size_t>(bits / 4);
      i += static_cast<std::size_t>(end - digits.c_str());
    }
  }
  if (at(i) == ' ') ++i;
  if (at(i) != '(') return false;
  std::string_view body = s.substr(i + 1);
  // The name runs to the last ')' (names may hold parentheses).
  const std::size_t close = body.rfind(')');
  if (close == std::string_view::npos) return false;
  std::string_view name = body.substr(0, close);
  std::size_t k = close + 1;
  while (k < body.size() && is_white(body[k])) ++k;
  if (k >= body.size() || body[k] != '=') return false;
  ++k;
  while (k < body.size() && is_white(body[k])) ++k;
  std::string_view hex = body.substr(k);
  if (hex.size() != hex_length || !all_hex(hex)) return false;
  return fill(entry, hex, name, escaped);
}

bool ManifestParser::parse_untagged(std::string_view s, bool escaped, ChecksumEntry& entry) {
  const std::size_t min_length = format_.variable_length ? 3 : format_.hex_length + 2;
  if (s.size() < min_length + (!s.empty() && s[0] == '\\' ? 1 : 0)) return false;
  std::size_t hex_length = format_.hex_length;
  if (format_.variable_length) {
    hex_length = 0;
    while (hex_length < s.size() && is_hex(s[hex_length])) ++hex_length;
    if (hex_length < 2 || hex_length % 2 != 0 || hex_length > format_.hex_length) return false;
  }
  if (hex_length >= s.size() || !is_white(s[hex_length])) return false;
  std::string_view hex = s.substr(0, hex_length);
  if (!all_hex(hex)) return false;
  std::size_t i = hex_length + 1;
  // "HEX NAME" (BSD reversed) when one character is left or the next is not a mode mark;
  // a manifest may not mix the two styles. The separator may end the line ("ab " of a b2sum
  // manifest): coreutils then sees the line's NUL, so here too the name is empty.
  const char mark = i < s.size() ? s[i] : '\0';
  if (s.size() - i == 1 || (mark != ' ' && mark != '*')) {
    if (bsd_reversed_ == 0) return false;
    bsd_reversed_ = 1;
  } else if (bsd_reversed_ != 1) {
    bsd_reversed_ = 0;
    ++i;  // the mode mark
  }
  std::string_view name = s.substr(i);
  return fill(entry, hex, name, escaped);
}

}  // namespace kit::hash
