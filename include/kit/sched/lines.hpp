// kit/sched/lines.hpp — lines in sort(1)'s order (LC_ALL=C): compared, the top N, merged.
//
// What `kit top` and `kit merge` are made of: LineOrder compares two lines as `LC_ALL=C sort
// [-n] [-r] [-t SEP -k F,F]` orders them; top_lines keeps the first N of large texts in one
// pass on every core (no sort); merge_lines merges sorted files as `sort -m` does.
//
// Example:
//   kit::sched::LineOrder order{.numeric = true, .reverse = true};    // sort -n -r
//   order("10 b", "9 a");                                             // true: 10 comes first
//   std::vector<std::string_view> texts{"3\n12\n7\n", "40\n1\n"};
//   kit::sched::top_lines(texts, 2, order);                           // {"40", "12"}
//   std::string out;
//   auto done = kit::sched::merge_lines({"a.sorted", "b.sorted"}, {},
//                                       [&](std::string_view text) { out += text; });
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::sched {

namespace detail {

// compare_bytes(a, b): -1, 0, 1 as a sorts before, with, after b as unsigned bytes (memcmp's
// order, shorter first on a tie), eight bytes at a time inline: sorted lines differ early,
// where a call to memcmp costs more than the comparison.
[[nodiscard]] inline int compare_bytes(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) {
      if constexpr (std::endian::native == std::endian::little) {
        x = __builtin_bswap64(x);  // the first byte most significant
        y = __builtin_bswap64(y);
      }
      return x < y ? -1 : 1;
    }
  }
  for (; i < n; ++i)
    if (a[i] != b[i])
      return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

// NumericKey: a number as sort -n reads it, read once to be compared many times.
struct NumericKey {
  bool negative = false;
  std::string_view whole, fraction;  // no leading zeros; no trailing zeros
  std::uint64_t whole_value = 0;     // whole's value when it has at most 18 digits
};
[[nodiscard]] NumericKey numeric_key(std::string_view text);
[[nodiscard]] int compare(const NumericKey& a, const NumericKey& b);

}  // namespace detail

// LineOrder: how `LC_ALL=C sort` orders lines: by a key (the whole line, or field `field` as
// -t SEP -k F,F picks it: without a separator, a field is a run of blanks and the non-blanks
// after it), as bytes or as a number (-n: leading blanks, an optional '-', digits, an optional
// fraction; anything else counts as 0), then — when the keys tie — by the whole line's bytes.
// `reverse` (-r) reverses both.
struct LineOrder {
  bool numeric = false;
  bool reverse = false;
  std::size_t field = 0;            // 1-based; 0: the whole line
  std::optional<char> separator{};  // -t
  // compare(a, b): <0, 0, >0 as a sorts before, with, after b.
  [[nodiscard]] int compare(std::string_view a, std::string_view b) const;
  [[nodiscard]] bool operator()(std::string_view a, std::string_view b) const {
    return compare(a, b) < 0;
  }
  [[nodiscard]] std::string_view key(std::string_view line) const;

  // Line: a line with its key read once, for comparing it many times (a merge compares each
  // line with several others). line(text) reads it; compare(a, b) is compare(a.text, b.text).
  struct Line {
    std::string_view text, key;
    detail::NumericKey number;  // when numeric
  };
  [[nodiscard]] Line line(std::string_view text) const;
  [[nodiscard]] int compare(const Line& a, const Line& b) const {
    int c = 0;
    if (numeric)
      c = detail::compare(a.number, b.number);
    else if (field != 0)
      c = detail::compare_bytes(a.key, b.key);
    if (c == 0) c = detail::compare_bytes(a.text, b.text);  // sort's last resort: the bytes
    return reverse ? -c : c;
  }
};

// compare_numbers(a, b): sort -n's comparison of two keys (exact: digits, not doubles).
[[nodiscard]] int compare_numbers(std::string_view a, std::string_view b);

// top_lines(texts, n, order): the first n lines of all the texts in `order`, first first —
// what `cat TEXTS | LC_ALL=C sort ... | head -n N` prints, without the sort: each text is cut
// into pieces after line ends, each piece keeps its own n in a bounded heap on a core, and the
// pieces' n are merged. The views point into the texts. A last line without '\n' is a line.
[[nodiscard]] std::vector<std::string_view> top_lines(std::span<const std::string_view> texts,
                                                      std::size_t n, const LineOrder& order);

// merge_lines(paths, order, write): the lines of files each sorted in `order`, merged as
// `LC_ALL=C sort -m` merges them ("-" is standard input). Each file is read a piece (about a
// MiB) at a time into a buffer of its own; `write` gets the output in blocks of whole lines,
// each line ending in '\n' (a last line without one gets it, as in sort). Errors: a file that
// cannot be opened (before anything is written) or read (the blocks before it were written).
[[nodiscard]] Result<void> merge_lines(const std::vector<std::string>& paths,
                                       const LineOrder& order,
                                       const std::function<void(std::string_view)>& write);

}  // namespace kit::sched
