// Fuzz target: sort(1)'s line order (kit top, kit merge). The input's first byte picks the
// options, the rest is split at '\n' into lines; the order must be a strict weak order
// (irreflexive, antisymmetric, transitive on every triple), and reading a line's key once
// (LineOrder::Line) must compare as reading it every time, with these options and with -n.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "kit/sched/lines.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sc = kit::sched;
  if (size == 0) return 0;
  const unsigned flags = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  sc::LineOrder order{
      .numeric = (flags & 1) != 0, .reverse = (flags & 2) != 0, .field = (flags >> 2) & 3};
  if ((flags & 16) != 0 && order.field != 0) order.separator = ',';
  const sc::LineOrder numeric{.numeric = true};
  std::vector<std::string_view> lines;
  while (!text.empty() && lines.size() < 12) {
    const std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  for (std::string_view a : lines) {
    if (order.compare(a, a) != 0) std::abort();
    for (std::string_view b : lines) {
      const int ab = order.compare(a, b), ba = order.compare(b, a);
      if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) std::abort();
      if (order.compare(order.line(a), order.line(b)) != ab) std::abort();
      if ((numeric.compare(numeric.line(a), numeric.line(b)) < 0) != (numeric.compare(a, b) < 0))
        std::abort();
      for (std::string_view c : lines)
        if (ab < 0 && order.compare(b, c) < 0 && order.compare(a, c) >= 0) std::abort();
    }
  }
  return 0;
}
