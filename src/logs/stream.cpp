// Statistics and formatted events over an input of any length, in flat memory: a regular
// file in pieces read by the workers, a pipe block by block.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kit/core/buffer.hpp"
#include "kit/core/file.hpp"
#include "kit/core/parallel.hpp"
#include "kit/logs.hpp"

namespace kit::logs {

namespace {

constexpr std::size_t block_size = 8u << 20;

struct PieceResult {
  StatsBuilder stats;
  core::Buffer text;  // formatted events
  std::size_t lines = 0, skipped = 0, events = 0, slow = 0;
};

PieceResult aggregate(std::string_view text, Format format, const StreamOptions& o,
                      core::Buffer spare_text) {
  PieceResult r;
  r.text = std::move(spare_text);
  if (o.format_event) r.text.reserve(text.size() + text.size() / 4);
  Event e;
  std::string scratch;
  const bool with_message = o.format_event != nullptr || o.filter.grep.has_value();
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++r.lines;
    if (!parse_line(format, line, e, scratch, with_message)) {
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) ++r.skipped;
      continue;
    }
    if (!matches(e, o.filter)) continue;
    ++r.events;
    if (e.has_duration && e.duration_ms > o.slow_ms) ++r.slow;
    if (o.stats) r.stats.add(e.service, e.level, e.has_duration, e.duration_ms);
    if (o.format_event) o.format_event(e, r.text);
  }
  return r;
}

// add_piece(result, piece, o, spare_texts): a piece's counts, statistics and text, taken in
// input order; its text buffer goes back for reuse.
void add_piece(StreamResult& result, PieceResult& piece, const StreamOptions& o,
               core::BufferPool& spare_texts) {
  if (o.stats) result.stats.merge(piece.stats);
  if (o.write && piece.text.size() != 0) o.write(piece.text.view());
  spare_texts.give(std::move(piece.text));
  result.lines += piece.lines;
  result.skipped += piece.skipped;
  result.events += piece.events;
  result.slow += piece.slow;
}

// stream_regular(fd, size, o): stream() of a regular file, from its offset to at most
// max_bytes further: pieces cut after line ends are read (pread) and parsed by the workers,
// with no reading thread and no wait between blocks.
Result<StreamResult> stream_regular(int fd, std::size_t offset, std::size_t size,
                                    const StreamOptions& o) {
  StreamResult result;
  const unsigned jobs = o.jobs != 0 ? o.jobs : core::hardware_jobs();
  const std::size_t end = size - offset > o.max_bytes ? offset + o.max_bytes : size;
  // Pieces 8 KiB under 2 MiB: a worker's buffer, with the end of its last line, stays in one
  // huge page.
  const core::LinePieces pieces = core::LinePieces::of_range(
      fd, offset, end, (std::size_t{2} << 20) - (std::size_t{8} << 10), "input");
  std::optional<Format> format = o.format;
  if (!format) {
    core::Buffer first;
    auto text = pieces.read(0, 1, first);
    if (!text) return tl::unexpected(text.error());
    format = detect_format(*text);
  }
  result.format = *format;
  core::BufferPool spare_texts;
  std::optional<Error> failed;
  core::for_each_ordered(
      pieces.count(), jobs,
      [&](std::size_t i) -> Result<PieceResult> {
        thread_local core::Buffer buffer;  // reused: its pages are faulted in once per thread
        auto text = pieces.read(i, i + 1, buffer);
        if (!text) return tl::unexpected(text.error());
        return aggregate(*text, *format, o, spare_texts.take());
      },
      [&](std::size_t, Result<PieceResult> r) {
        if (failed) return;
        if (!r) {
          failed = r.error();
          return;
        }
        add_piece(result, *r, o, spare_texts);
      });
  if (failed) return tl::unexpected(*failed);
  result.bytes = end - offset;
  ::lseek(fd, static_cast<off_t>(end), SEEK_SET);  // read, as by read()
  return result;
}

}  // namespace

Result<StreamResult> stream(int fd, const StreamOptions& o) {
  if (const auto size = core::FileDescriptor::borrow(fd).regular_size()) {
    const off_t offset = ::lseek(fd, 0, SEEK_CUR);
    if (offset >= 0 && static_cast<std::size_t>(offset) <= *size)
      return stream_regular(fd, static_cast<std::size_t>(offset), *size, o);
  }
  StreamResult result;
  const unsigned jobs = o.jobs != 0 ? o.jobs : core::hardware_jobs();
  std::optional<Format> format = o.format;
  // The block and the pieces' texts are reused: on a VM, fresh pages cost a fault each.
  core::Buffer block(block_size);
  block.resize(block_size);
  core::BufferPool spare_texts;
  std::size_t carry = 0;  // an unfinished last line, moved to the block's start
  bool eof = false;
  while (!eof) {
    std::size_t have = carry;
    while (have < block.size()) {  // fill the block (pipes deliver a little at a time)
      const std::size_t wanted = std::min(block.size() - have, o.max_bytes - result.bytes);
      const ssize_t got = wanted == 0 ? 0 : ::read(fd, block.data() + have, wanted);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0)
        return fail(ErrorKind::io, "logs.read", std::string("read error: ") + std::strerror(errno));
      if (got == 0) {
        eof = true;
        break;
      }
      have += static_cast<std::size_t>(got);
      result.bytes += static_cast<std::size_t>(got);
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
    // The block in pieces cut after line ends, a few per thread so that formatting keeps
    // every core busy while the pieces are written in order.
    std::vector<std::string_view> pieces;
    const std::size_t per = o.format_event ? jobs * 4 : jobs;
    const std::size_t piece = std::max<std::size_t>(1, usable / per + 1);
    for (std::string_view rest = text; !rest.empty();) {
      std::size_t cut = rest.size() <= piece ? std::string_view::npos : rest.find('\n', piece);
      cut = cut == std::string_view::npos ? rest.size() : cut + 1;
      pieces.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    core::for_each_ordered(
        pieces.size(), jobs,
        [&](std::size_t i) { return aggregate(pieces[i], *format, o, spare_texts.take()); },
        [&](std::size_t, PieceResult r) { add_piece(result, r, o, spare_texts); });
    carry = have - usable;
    std::memmove(block.data(), block.data() + usable, carry);
  }
  return result;
}

}  // namespace kit::logs
