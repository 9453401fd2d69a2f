// Statistics over an input of any length, read block by block (flat memory).
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kit/core/parallel.hpp"
#include "kit/logs.hpp"

namespace kit::logs {

namespace {

constexpr std::size_t block_size = 8u << 20;

struct PieceResult {
  StatsBuilder stats;
  std::size_t lines = 0, skipped = 0, events = 0, slow = 0;
};

PieceResult aggregate(std::string_view text, Format format, const Filter& filter, double slow_ms) {
  PieceResult r;
  Event e;
  std::string scratch;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++r.lines;
    if (!parse_line(format, line, e, scratch)) {
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) ++r.skipped;
      continue;
    }
    if (!matches(e, filter)) continue;
    ++r.events;
    if (e.has_duration && e.duration_ms > slow_ms) ++r.slow;
    r.stats.add(e.service, e.level, e.has_duration, e.duration_ms);
  }
  return r;
}

}  // namespace

Result<StreamResult> stream_stats(int fd, std::optional<Format> format, const Filter& filter,
                                  double slow_ms, unsigned jobs) {
  StreamResult result;
  if (jobs == 0) jobs = core::hardware_jobs();
  std::string block(block_size, '\0');
  std::size_t carry = 0;  // an unfinished last line, moved to the block's start
  bool eof = false;
  while (!eof) {
    std::size_t have = carry;
    while (have < block.size()) {  // fill the block (pipes deliver a little at a time)
      const ssize_t got = ::read(fd, block.data() + have, block.size() - have);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0)
        return fail(ErrorKind::io, "logs.read", std::string("read error: ") + std::strerror(errno));
      if (got == 0) {
        eof = true;
        break;
      }
      have += static_cast<std::size_t>(got);
    }
    std::size_t usable = have;
    if (!eof) {
      const std::size_t last = std::string_view(block.data(), have).rfind('\n');
      // A line longer than a block is cut where the block ends (it is garbage or a blob).
      usable = last == std::string_view::npos ? have : last + 1;
    }
    const std::string_view text(block.data(), usable);
    if (!format) format = detect_format(text);
    result.format = *format;
    // The block in one piece per thread, cut after line ends.
    std::vector<std::string_view> pieces;
    const std::size_t piece = std::max<std::size_t>(1, usable / jobs + 1);
    for (std::string_view rest = text; !rest.empty();) {
      std::size_t cut = rest.size() <= piece ? std::string_view::npos : rest.find('\n', piece);
      cut = cut == std::string_view::npos ? rest.size() : cut + 1;
      pieces.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    core::for_each_ordered(
        pieces.size(), jobs,
        [&](std::size_t i) { return aggregate(pieces[i], *format, filter, slow_ms); },
        [&](std::size_t, PieceResult r) {
          result.stats.merge(r.stats);
          result.lines += r.lines;
          result.skipped += r.skipped;
          result.events += r.events;
          result.slow += r.slow;
        });
    carry = have - usable;
    std::memmove(block.data(), block.data() + usable, carry);
  }
  return result;
}

}  // namespace kit::logs
