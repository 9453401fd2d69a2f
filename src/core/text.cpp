#include "kit/core/text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/core.h>

namespace kit::core {

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte (RFC 3629, table 3-7)
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i <= n; ++i)
      if ((p[i] & 0xC0) != 0x80) return false;
    p += n + 1;
  }
  return true;
}

namespace {

// utf8_sequence_length(s, i): the length of the well-formed UTF-8 sequence at i, or 0; with
// `valid` the length of its longest valid prefix (the "maximal subpart" U+FFFD replaces).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i, std::size_t& valid) {
  const auto c = static_cast<unsigned char>(s[i]);
  valid = 1;
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (std::size_t k = 1; k <= n; ++k) {
    if (i + k >= s.size()) return 0;
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return 0;
    valid = k + 1;
  }
  return n + 1;
}

// python_space_at(s, i): the length of the Python whitespace character at i, or 0.
std::size_t python_space_at(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) {
    return i + k < s.size() ? static_cast<unsigned>(static_cast<unsigned char>(s[i + k])) : 0u;
  };
  const unsigned c = b(0);
  if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20)) return 1;
  if (c == 0xC2 && (b(1) == 0x85 || b(1) == 0xA0)) return 2;
  if (c == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && b(1) == 0x80 && (b(2) <= 0x8A || b(2) == 0xA8 || b(2) == 0xA9 || b(2) == 0xAF) &&
      b(2) >= 0x80)
    return 3;                                               // U+2000-U+200A, U+2028, U+2029, U+202F
  if (c == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
  return 0;
}

}  // namespace

std::string utf8_replace_invalid(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t valid = 0;
    if (const std::size_t n = utf8_sequence_length(s, i, valid); n != 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      i += valid;
    }
  }
  return out;
}

std::string_view python_strip(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    const std::size_t n = python_space_at(s, begin);
    if (n == 0) break;
    begin += n;
  }
  std::size_t end = s.size();
  while (end > begin) {
    // Step back to the start of the last character (at most 3 continuation bytes).
    std::size_t start = end - 1;
    while (start > begin && end - start < 4 &&
           (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
      --start;
    if (python_space_at(s, start) != end - start) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

Result<unsigned long long> parse_byte_size(std::string_view s) {
  const auto bad = [&] {
    return fail(ErrorKind::invalid_argument, "core.bad_size",
                "'" + std::string(s) + "' is not a size (like 512, 64k, 1MiB, 2G)");
  };
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0) return bad();
  unsigned long long n = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    if (n > (~0ULL - 9) / 10) return bad();
    n = n * 10 + static_cast<unsigned long long>(s[i] - '0');
  }
  static constexpr std::pair<std::string_view, unsigned long long> units[] = {
      {"", 1ULL},        {"b", 1ULL},         {"k", 1ULL << 10},    {"kib", 1ULL << 10},
      {"kb", 1000ULL},   {"m", 1ULL << 20},   {"mib", 1ULL << 20},  {"mb", 1000000ULL},
      {"g", 1ULL << 30}, {"gib", 1ULL << 30}, {"gb", 1000000000ULL}};
  const std::string unit = ascii_lower(s.substr(digits));
  for (const auto& [name, factor] : units) {
    if (unit != name) continue;
    if (n > ~0ULL / factor) return bad();
    return n * factor;
  }
  return bad();
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = byte(i) << 16;
    if (rest == 2) v |= byte(i + 1) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string to_hex(std::string_view bytes, std::string_view separator) {
  static constexpr char digits[] = "0123456789abcdef";
  if (bytes.empty()) return {};
  // Sized once and written in place: a hexdigest per file is on `kit sum`'s path.
  std::string out((bytes.size() - 1) * separator.size() + 2 * bytes.size(), '\0');
  char* o = out.data();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) o = std::copy(separator.begin(), separator.end(), o);
    const auto c = static_cast<unsigned char>(bytes[i]);
    *o++ = digits[c >> 4];
    *o++ = digits[c & 15];
  }
  return out;
}

Result<long long> parse_int(std::string_view s) {
  std::string_view digits = s;
  if (!digits.empty() && digits.front() == '+') {
    digits.remove_prefix(1);
    if (!digits.empty() && digits.front() == '-') digits = {};  // "+-1"
  }
  long long value = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec == std::errc::invalid_argument || ptr != end ||
      (digits.front() == '-' && digits.size() == 1))
    return fail(ErrorKind::invalid_argument, "core.bad_integer",
                fmt::format("'{}' is not an integer", s));
  if (ec == std::errc::result_out_of_range)
    return fail(ErrorKind::invalid_argument, "core.bad_integer",
                fmt::format("'{}' is out of range", s));
  return value;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view space = " \t\r\n\f\v";
  std::size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(space);
  return s.substr(b, e - b + 1);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view strip_bom(std::string_view s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  return s;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace kit::core

namespace kit::core {

namespace {

// The length of the printable UTF-8 character at s[i] (0 when it is not one): a valid sequence
// that is not a C1 control, a surrogate or beyond U+10FFFF.
std::size_t printable_utf8_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
  if (n == 0 || b0 > 0xF4 || i + n > s.size()) return 0;
  if (!is_valid_utf8(s.substr(i, n))) return 0;
  if (n == 2 && b0 == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return 0;  // C1
  return n;
}

}  // namespace

std::string quote_shell(std::string_view name, bool utf8) {
  // gnulib quotearg.c, shell_escape_quoting_style with ':' in quote_these_too (quotef): a first
  // pass decides whether quoting is needed at all and whether double quotes will do.
  bool needs_quotes = name.empty();
  bool has_single_quote = false;
  bool double_quotes_will_do = true;  // every character is "c and shell quote compatible"
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || std::string_view("%+,-./_]@").find(c) != std::string_view::npos)
      continue;
    if (c == ':') {
      needs_quotes = true;
      continue;
    }
    if ((c == '{' || c == '}') && name.size() != 1) {
      double_quotes_will_do = false;
      continue;
    }
    if ((c == '#' || c == '~') && i != 0) {
      double_quotes_will_do = false;
      continue;
    }
    if (u >= 0x80 && utf8) {
      if (std::size_t n = printable_utf8_length(name, i); n != 0) {
        i += n - 1;
        continue;
      }
    }
    needs_quotes = true;
    if (c == '\'')
      has_single_quote = true;
    else if (!(c == ' ' || c == '{' || c == '}' || c == '#' || c == '~'))
      double_quotes_will_do = false;
  }
  if (!needs_quotes) return std::string(name);
  if (has_single_quote && double_quotes_will_do) {
    // Appended piece by piece: `"\"" + std::string(name)` inlines an insert at the front that
    // g++ 12 misreads as an overlapping memcpy (a false -Wrestrict in the release build).
    std::string quoted;
    quoted.reserve(name.size() + 2);
    quoted += '"';
    quoted += name;
    quoted += '"';
    return quoted;
  }

  std::string out = "'";
  bool in_dollar = false;  // inside a $'...' piece
  auto escape = [&] {
    if (!in_dollar) out += "'$'";
    in_dollar = true;
    out += '\\';
  };
  auto plain = [&] {
    if (in_dollar) out += "''";
    in_dollar = false;
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const auto u = static_cast<unsigned char>(c);
    const char* letter = std::strchr("\a\b\f\n\r\t\v", c);
    if (c != '\0' && letter != nullptr) {
      escape();
      out += "abfnrtv"[letter - "\a\b\f\n\r\t\v"];
    } else if (c == '\'') {
      out += "'\\''";  // closes a $'...' piece too, as gnulib does
      in_dollar = false;
    } else if (u >= 0x80 && utf8 && printable_utf8_length(name, i) != 0) {
      plain();
      const std::size_t n = printable_utf8_length(name, i);
      out.append(name.substr(i, n));
      i += n - 1;
    } else if (u < 0x20 || u >= 0x7F) {
      escape();
      out += static_cast<char>('0' + (u >> 6));
      out += static_cast<char>('0' + ((u >> 3) & 7));
      out += static_cast<char>('0' + (u & 7));
    } else {
      plain();
      out += c;
    }
  }
  out += '\'';
  return out;
}

bool locale_is_utf8() {
  for (const char* var : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(var);
    if (v == nullptr || *v == '\0') continue;
    const std::string lower = ascii_lower(v);
    return lower.find("utf-8") != std::string::npos || lower.find("utf8") != std::string::npos;
  }
  return false;
}

Result<std::vector<std::string>> split_words(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has begun, even an empty one ('' or "")
  char quote = 0;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      // In double quotes a backslash escapes only $ ` " \ and a line end, as in sh.
      else if (c == '\\' && quote == '"' && i + 1 < command.size() &&
               std::string_view("$`\"\\\n").find(command[i + 1]) != std::string_view::npos)
        word += command[++i];
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0)
    return fail(ErrorKind::invalid_argument, "core.open_quote",
                fmt::format("unterminated quote in '{}'", command));
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace kit::core
