// Python's repr of struct values: shortest round-trip floats, bytes literals, tuples.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "kit/binary.hpp"

namespace kit::binary {

void append_float_repr(std::string& out, double x) {
  if (std::isnan(x)) {
    out += "nan";
    return;
  }
  if (std::isinf(x)) {
    out += x < 0 ? "-inf" : "inf";
    return;
  }
  // Shortest digits that round-trip (as CPython's repr), as d.ddde±X.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  bool negative = false;
  if (sci.front() == '-') {
    negative = true;
    sci.remove_prefix(1);
  }
  const std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digits += c;
  const int exponent = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  const int decpt = exponent + 1;  // digits d1 d2 … mean 0.d1d2… × 10^decpt
  if (negative) out += '-';
  const auto ndigits = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {  // CPython's 'r' format: fixed notation in this range
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= ndigits) {
      out += digits;
      out.append(static_cast<std::size_t>(decpt - ndigits), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<std::size_t>(decpt));
      out += '.';
      out.append(digits, static_cast<std::size_t>(decpt));
    }
    return;
  }
  out += digits[0];
  if (ndigits > 1) {
    out += '.';
    out.append(digits, 1);
  }
  const int e = decpt - 1;
  out += e < 0 ? "e-" : "e+";
  const int a = e < 0 ? -e : e;
  if (a < 10) out += '0';
  out += std::to_string(a);
}

std::string float_repr(double x) {
  std::string out;
  append_float_repr(out, x);
  return out;
}

namespace {

void append_bytes_repr(std::string& out, std::string_view b) {
  // Single quotes unless the bytes hold ' and no ", as CPython's bytes repr.
  const bool has_single = b.find('\'') != std::string_view::npos;
  const char quote = has_single && b.find('"') == std::string_view::npos ? '"' : '\'';
  static constexpr char hex[] = "0123456789abcdef";
  out += 'b';
  out += quote;
  for (char ch : b) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == quote || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  out += quote;
}

void append_repr(std::string& out, const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v))
    out += std::to_string(*i);
  else if (const auto* u = std::get_if<std::uint64_t>(&v))
    out += std::to_string(*u);
  else if (const auto* d = std::get_if<double>(&v))
    append_float_repr(out, *d);
  else if (const auto* b = std::get_if<bool>(&v))
    out += *b ? "True" : "False";
  else
    append_bytes_repr(out, std::get<std::string>(v));
}

}  // namespace

std::string repr(const Value& value) {
  std::string out;
  append_repr(out, value);
  return out;
}

std::string repr(std::span<const Value> values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ", ";
    append_repr(out, values[i]);
  }
  if (values.size() == 1) out += ',';
  out += ')';
  return out;
}

}  // namespace kit::binary
