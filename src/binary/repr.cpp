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
  // Shortest digits that round-trip (as CPython's repr), as d.ddde±X; no allocation.
  char buf[64];
  char* end = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific).ptr;
  const char* p = buf;
  if (*p == '-') {
    out += '-';
    ++p;
  }
  char digits[24];
  int ndigits = 0;
  for (; p < end && *p != 'e'; ++p)
    if (*p != '.') digits[ndigits++] = *p;
  ++p;  // 'e'
  const bool negative_exponent = *p == '-';
  int exponent = 0;
  for (++p; p < end; ++p) exponent = exponent * 10 + (*p - '0');
  if (negative_exponent) exponent = -exponent;
  const int decpt = exponent + 1;  // digits d1 d2 … mean 0.d1d2… × 10^decpt
  const auto count = [](int n) { return static_cast<std::size_t>(n); };
  if (decpt > -4 && decpt <= 16) {  // CPython's 'r' format: fixed notation in this range
    if (decpt <= 0) {
      out += "0.";
      out.append(count(-decpt), '0');
      out.append(digits, count(ndigits));
    } else if (decpt >= ndigits) {
      out.append(digits, count(ndigits));
      out.append(count(decpt - ndigits), '0');
      out += ".0";
    } else {
      out.append(digits, count(decpt));
      out += '.';
      out.append(digits + decpt, count(ndigits - decpt));
    }
    return;
  }
  out += digits[0];
  if (ndigits > 1) {
    out += '.';
    out.append(digits + 1, count(ndigits - 1));
  }
  const int e = decpt - 1;
  out += e < 0 ? "e-" : "e+";
  const int a = e < 0 ? -e : e;
  if (a < 10) out += '0';
  char exp_buf[8];
  out.append(exp_buf, static_cast<std::size_t>(
                          std::to_chars(exp_buf, exp_buf + sizeof exp_buf, a).ptr - exp_buf));
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

}  // namespace

void append_repr(std::string& out, const Value& v) {
  char buf[24];
  if (const auto* i = std::get_if<std::int64_t>(&v))
    out.append(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, *i).ptr - buf));
  else if (const auto* u = std::get_if<std::uint64_t>(&v))
    out.append(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, *u).ptr - buf));
  else if (const auto* d = std::get_if<double>(&v))
    append_float_repr(out, *d);
  else if (const auto* b = std::get_if<bool>(&v))
    out += *b ? "True" : "False";
  else
    append_bytes_repr(out, std::get<std::string>(v));
}

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
