// sort(1)'s line order in the C locale: keys, numbers, the last-resort comparison.
#include <cstring>

#include "kit/sched/lines.hpp"

namespace kit::sched {

using detail::compare_bytes;
using detail::NumericKey;

namespace {

bool blank(char c) {
  return c == ' ' || c == '\t';
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

using Number = NumericKey;

// A number as sort -n reads it: sign, integer digits without leading zeros, fraction digits
// without trailing zeros. Zero has no sign.
Number read_number(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && blank(s[i])) ++i;
  Number n;
  if (i < s.size() && s[i] == '-') {
    n.negative = true;
    ++i;
  }
  while (i < s.size() && s[i] == '0') ++i;
  const std::size_t whole = i;
  for (; i < s.size() && digit(s[i]); ++i)
    n.whole_value = n.whole_value * 10 +
                    static_cast<unsigned>(s[i] - '0');  // wraps past 19 digits: unused then
  n.whole = s.substr(whole, i - whole);
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && digit(s[i])) ++i;
    n.fraction = s.substr(start, i - start);
    while (!n.fraction.empty() && n.fraction.back() == '0') n.fraction.remove_suffix(1);
  }
  if (n.whole.empty() && n.fraction.empty()) n.negative = false;  // -0 is 0
  return n;
}

constexpr std::size_t small_digits = 18;  // up to 18 digits, whole_value is exact

int magnitude(const Number& a, const Number& b) {
  if (a.whole.size() <= small_digits && b.whole.size() <= small_digits) {
    if (a.whole_value != b.whole_value) return a.whole_value < b.whole_value ? -1 : 1;
  } else {
    if (a.whole.size() != b.whole.size()) return a.whole.size() < b.whole.size() ? -1 : 1;
    if (int c = compare_bytes(a.whole, b.whole); c != 0) return c;
  }
  return compare_bytes(a.fraction, b.fraction);  // digit strings: bytes order is numeric order
}

}  // namespace

NumericKey detail::numeric_key(std::string_view text) {
  return read_number(text);
}

int detail::compare(const NumericKey& x, const NumericKey& y) {
  if (x.negative != y.negative) return x.negative ? -1 : 1;
  const int c = magnitude(x, y);
  return x.negative ? -c : c;
}

int compare_numbers(std::string_view a, std::string_view b) {
  return detail::compare(read_number(a), read_number(b));
}

std::string_view LineOrder::key(std::string_view line) const {
  if (field == 0) return line;
  std::size_t at = 0;
  for (std::size_t f = 1; f < field; ++f) {  // skip field f
    if (separator) {
      const std::size_t next = line.find(*separator, at);
      if (next == std::string_view::npos) return {};
      at = next + 1;
    } else {
      while (at < line.size() && blank(line[at])) ++at;
      while (at < line.size() && !blank(line[at])) ++at;
    }
  }
  std::size_t end = at;
  if (separator) {
    end = line.find(*separator, at);
    if (end == std::string_view::npos) end = line.size();
  } else {
    while (end < line.size() && blank(line[end])) ++end;
    while (end < line.size() && !blank(line[end])) ++end;
  }
  return line.substr(at, end - at);
}

LineOrder::Line LineOrder::line(std::string_view text) const {
  Line l{text, field != 0 ? key(text) : text, {}};
  if (numeric) l.number = read_number(l.key);
  return l;
}

int LineOrder::compare(std::string_view a, std::string_view b) const {
  int c = 0;
  if (numeric || field != 0) {
    const std::string_view ka = key(a), kb = key(b);
    c = numeric ? compare_numbers(ka, kb) : compare_bytes(ka, kb);
  }
  if (c == 0) c = compare_bytes(a, b);
  return reverse ? -c : c;
}

}  // namespace kit::sched
