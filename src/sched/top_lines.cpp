// top_lines: the first N lines of large texts, a bounded heap per piece on every core.
#include "kit/core/parallel.hpp"
#include "kit/sched/lines.hpp"
#include "kit/sched/queue.hpp"

namespace kit::sched {

namespace {

constexpr std::size_t piece_size = std::size_t{8} << 20;  // cut after the line end past it

// top_of(text, n, order): the n first lines of text in `order`.
std::vector<std::string_view> top_of(std::string_view text, std::size_t n, const LineOrder& order) {
  TopN<std::string_view, LineOrder> top(n, order);
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    // Most lines lose to the worst kept: one comparison, no heap work.
    if (const std::string_view* worst = top.worst(); worst != nullptr && !order(line, *worst))
      continue;
    top.offer(line);
  }
  return top.take();
}

}  // namespace

std::vector<std::string_view> top_lines(std::span<const std::string_view> texts, std::size_t n,
                                        const LineOrder& order) {
  TopN<std::string_view, LineOrder> all(n, order);
  if (n == 0) return all.take();
  for (const std::string_view text : texts) {
    std::vector<std::string_view> pieces;
    for (std::string_view rest = text; !rest.empty();) {
      std::size_t cut =
          rest.size() <= piece_size ? std::string_view::npos : rest.find('\n', piece_size);
      cut = cut == std::string_view::npos ? rest.size() : cut + 1;
      pieces.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    // Each piece kept to its own n on a core; the kept lines offered in the pieces' order.
    core::for_each_ordered(
        pieces.size(), core::hardware_jobs(),
        [&](std::size_t i) { return top_of(pieces[i], n, order); },
        [&](std::size_t, std::vector<std::string_view> kept) {
          for (std::string_view line : kept) all.offer(line);
        });
  }
  return all.take();
}

}  // namespace kit::sched
