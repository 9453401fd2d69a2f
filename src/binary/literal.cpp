// Values for `kit struct pack`, read as Python reads literals.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include <fast_float/fast_float.h>
#include <fmt/core.h>

#include "kit/binary.hpp"
#include "kit/core/text.hpp"

namespace kit::binary {

namespace {

__extension__ using uint128 = unsigned __int128;
__extension__ using int128 = __int128;

Error bad(std::string_view text, std::string_view what) {
  return make_error(ErrorKind::invalid_argument, "binary.bad_value",
                    fmt::format("'{}' is not {}", text, what));
}

// An integer literal: sign, 0x/0o/0b prefixes, underscores between digits.
Result<Value> parse_integer(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 10;
    if (base != 10) {
      s.remove_prefix(2);
      if (!s.empty() && s[0] == '_') s.remove_prefix(1);  // 0x_ff is valid
    }
  }
  if (s.empty()) return tl::unexpected(bad(text, "an integer"));
  // The common case, up to 18 plain decimal digits (< 2^63), without 128-bit arithmetic.
  if (base == 10 && s.size() <= 18 && (s[0] != '0' || s.size() == 1) &&
      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return Value{negative ? -v : v};
  }
  // Python has no leading zeros in decimal literals ("007"), except in zero itself ("00").
  if (base == 10 && s.size() > 1 && s[0] == '0' &&
      s.find_first_not_of("0_") != std::string_view::npos)
    return tl::unexpected(bad(text, "an integer (leading zeros are not allowed)"));
  uint128 magnitude = 0;
  bool previous_digit = false;
  for (char c : s) {
    if (c == '_') {
      if (!previous_digit) return tl::unexpected(bad(text, "an integer"));
      previous_digit = false;
      continue;
    }
    unsigned d = 0;
    if (c >= '0' && c <= '9')
      d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = static_cast<unsigned>(c - 'A' + 10);
    else
      return tl::unexpected(bad(text, "an integer"));
    if (d >= base) return tl::unexpected(bad(text, "an integer"));
    magnitude = magnitude * base + d;
    if (magnitude > (static_cast<uint128>(1) << 65))
      return tl::unexpected(make_error(ErrorKind::invalid_argument, "binary.bad_value",
                                       fmt::format("'{}' is out of range for every format", text)));
    previous_digit = true;
  }
  if (!previous_digit) return tl::unexpected(bad(text, "an integer"));
  if (negative) {
    if (magnitude > (static_cast<uint128>(1) << 63))
      return tl::unexpected(make_error(ErrorKind::invalid_argument, "binary.bad_value",
                                       fmt::format("'{}' is out of range for every format", text)));
    return Value{static_cast<std::int64_t>(-static_cast<int128>(magnitude))};
  }
  if (magnitude > std::numeric_limits<std::uint64_t>::max())
    return tl::unexpected(make_error(ErrorKind::invalid_argument, "binary.bad_value",
                                     fmt::format("'{}' is out of range for every format", text)));
  if (magnitude > static_cast<uint128>(std::numeric_limits<std::int64_t>::max()))
    return Value{static_cast<std::uint64_t>(magnitude)};
  return Value{static_cast<std::int64_t>(magnitude)};
}

Result<Value> parse_float_digits(std::string_view text, std::string_view s);

Result<Value> parse_float(std::string_view text) {
  if (text.find('_') == std::string_view::npos) return parse_float_digits(text, text);
  std::string digits;
  char previous = 0;
  for (char c : text) {
    if (c == '_') {
      if (!(previous >= '0' && previous <= '9')) return tl::unexpected(bad(text, "a number"));
    } else {
      if (previous == '_' && !(c >= '0' && c <= '9')) return tl::unexpected(bad(text, "a number"));
      digits += c;
    }
    previous = c;
  }
  if (previous == '_') return tl::unexpected(bad(text, "a number"));
  return parse_float_digits(text, digits);
}

// The number in s (text without its underscores), for messages about text.
Result<Value> parse_float_digits(std::string_view text, std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double x = 0;
  // fast_float rounds as from_chars does (to nearest, ties to even), several times faster than
  // libstdc++ 12's, and also reads inf, infinity and nan in any case, as Python's float() does.
  auto [end, ec] = fast_float::from_chars(s.data(), s.data() + s.size(), x);
  if (s.empty() || end != s.data() + s.size() || ec == std::errc::invalid_argument)
    return tl::unexpected(bad(text, "a number"));
  // Out of range: Python gives inf for 1e999 and 0.0 for 1e-999; so does kit.
  if (ec == std::errc::result_out_of_range) {
    const bool negative = s[0] == '-';
    const bool tiny =
        s.find_first_of("123456789") != std::string_view::npos &&
        (s.find("e-") != std::string_view::npos || s.find("E-") != std::string_view::npos);
    x = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    if (negative) x = -x;
  }
  return Value{x};
}

// b'...' or b"..." with Python's escapes.
Result<Value> parse_bytes_literal(std::string_view text) {
  const char quote = text[1];
  if (text.size() < 3 || text.back() != quote) return tl::unexpected(bad(text, "a bytes literal"));
  std::string_view body = text.substr(2, text.size() - 3);
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (static_cast<unsigned char>(c) >= 0x80)
      return tl::unexpected(bad(text, "a bytes literal (bytes can only contain ASCII characters)"));
    if (c == quote) return tl::unexpected(bad(text, "a bytes literal"));
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= body.size()) return tl::unexpected(bad(text, "a bytes literal"));
    const char e = body[i];
    switch (e) {
      case '\\':
        out += '\\';
        break;
      case '\'':
        out += '\'';
        break;
      case '"':
        out += '"';
        break;
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\n':
        break;
      case 'x': {
        auto hex = [](char h) -> int {
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        if (i + 2 >= body.size())
          return tl::unexpected(bad(text, "a bytes literal (truncated \\xXX escape)"));
        const int hi = hex(body[i + 1]), lo = hex(body[i + 2]);
        if (hi < 0 || lo < 0)
          return tl::unexpected(bad(text, "a bytes literal (truncated \\xXX escape)"));
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          unsigned v = static_cast<unsigned>(e - '0');
          for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7';
               ++k)
            v = v * 8 + static_cast<unsigned>(body[++i] - '0');
          out += static_cast<char>(v & 0xff);
        } else {
          out += '\\';  // unknown escapes stay as written, as in Python
          out += e;
        }
    }
  }
  return Value{std::move(out)};
}

// A 0x/0o/0b integer beyond 64 bits, as Python's float(int): the nearest double (ties to
// even), or an error past the largest double.
Result<Value> prefixed_to_float(std::string_view text) {
  std::string_view s = text;
  const bool negative = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') s.remove_prefix(1);
  const unsigned shift = (s[1] | 0x20) == 'x' ? 4 : (s[1] | 0x20) == 'o' ? 3 : 1;
  std::string bits;  // most significant first
  for (char c : s.substr(2)) {
    if (c == '_') continue;
    const int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    if (d < 0 || d >= (1 << shift)) return tl::unexpected(bad(text, "an integer"));
    for (int b = static_cast<int>(shift) - 1; b >= 0; --b) bits += ((d >> b) & 1) ? '1' : '0';
  }
  bits.erase(0, std::min(bits.find('1'), bits.size()));
  if (bits.size() > 1024)
    return tl::unexpected(make_error(ErrorKind::invalid_argument, "binary.bad_value",
                                     fmt::format("'{}' is too large to convert to float", text)));
  std::uint64_t mantissa = 0;
  const std::size_t kept = std::min<std::size_t>(bits.size(), 53);
  for (std::size_t i = 0; i < kept; ++i) mantissa = mantissa * 2 + (bits[i] == '1');
  const bool half = bits.size() > 53 && bits[53] == '1';
  const bool sticky = bits.size() > 54 && bits.find('1', 54) != std::string::npos;
  if (half && (sticky || (mantissa & 1))) ++mantissa;  // round half to even
  double x = std::ldexp(static_cast<double>(mantissa), static_cast<int>(bits.size() - kept));
  if (std::isinf(x))
    return tl::unexpected(make_error(ErrorKind::invalid_argument, "binary.bad_value",
                                     fmt::format("'{}' is too large to convert to float", text)));
  return Value{negative ? -x : x};
}

}  // namespace

Result<Value> parse_literal(std::string_view text, char code) {
  text = core::trim(text);
  if (code == 'c' || code == 's' || code == 'p') {
    if (text.size() >= 2 && (text[0] == 'b' || text[0] == 'B') &&
        (text[1] == '\'' || text[1] == '"'))
      return parse_bytes_literal(text);
    auto bytes = from_hex(text);
    if (!bytes) return tl::unexpected(bad(text, "bytes (b'...' or hex digits)"));
    return Value{std::move(*bytes)};
  }
  if (text == "True") return Value{true};
  if (text == "False") return Value{false};
  if (code == 'e' || code == 'f' || code == 'd' || code == '?') {
    // An integer literal is an int, as in Python (so -0 is +0.0); anything else a float.
    std::string_view digits = text;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    const bool prefixed = digits.size() > 1 && digits[0] == '0' &&
                          std::string_view("xXoObB").find(digits[1]) != std::string_view::npos;
    const bool floating = std::any_of(digits.begin(), digits.end(), [](char c) {
      return c == '.' || c == 'e' || c == 'E' || c == 'i' || c == 'I' || c == 'n' || c == 'N';
    });
    if (!prefixed && floating) return parse_float(text);
    auto integer = parse_integer(text);
    if (integer) return integer;
    if (prefixed) return prefixed_to_float(text);
    // A decimal integer beyond 64 bits: Python converts it to the nearest float.
    auto x = parse_float(text);
    if (x && std::isinf(std::get<double>(*x)))
      return tl::unexpected(make_error(ErrorKind::invalid_argument, "binary.bad_value",
                                       fmt::format("'{}' is too large to convert to float", text)));
    return x;
  }
  return parse_integer(text);
}

}  // namespace kit::binary
