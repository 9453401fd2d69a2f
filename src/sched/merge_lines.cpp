// merge_lines: sort -m over files read a piece at a time, through a loser tree (Merger).
#include <cstring>

#include "kit/core/buffer.hpp"
#include "kit/core/file.hpp"
#include "kit/sched/lines.hpp"
#include "kit/sched/merge.hpp"

namespace kit::sched {

namespace {

constexpr std::size_t piece = (std::size_t{1} << 20) - (8 << 10);  // in whole huge pages

// A file's lines, read a piece at a time into one buffer that is reused: no mapping and no
// fresh memory per line read (on a VM both cost a fault per 4 KiB page).
struct Reader {
  core::LinePieces pieces;
  core::Buffer buffer;
  std::size_t next_piece = 0;
  std::string_view rest;
};

}  // namespace

Result<void> merge_lines(const std::vector<std::string>& paths, const LineOrder& order,
                         const std::function<void(std::string_view)>& write) {
  std::vector<Reader> readers;
  readers.reserve(paths.size());
  for (const std::string& path : paths) {
    auto pieces = core::LinePieces::of_file(path, piece);
    if (!pieces) return tl::unexpected(pieces.error());
    readers.push_back({std::move(*pieces), {}, 0, {}});
  }
  // Each line's key is read once, as it enters the merge, not at every comparison.
  using Line = LineOrder::Line;
  auto less = [&order](const Line& a, const Line& b) { return order.compare(a, b) < 0; };
  std::optional<Error> failed;
  std::vector<Merger<Line, decltype(less)>::Source> sources;
  for (Reader& r : readers)
    sources.push_back([&order, &r, &failed](Line& line) {
      // The merge asks for the next line only once the last one is written: the buffer the
      // last one points into may be refilled.
      while (r.rest.empty()) {
        if (r.next_piece == r.pieces.count() || failed) return false;
        auto text = r.pieces.read(r.next_piece, r.next_piece + 1, r.buffer);
        if (!text) {
          failed = text.error();
          return false;
        }
        ++r.next_piece;
        r.rest = *text;
      }
      const std::size_t end = r.rest.find('\n');
      line = order.line(r.rest.substr(0, end));
      r.rest.remove_prefix(end == std::string_view::npos ? r.rest.size() : end + 1);
      return true;
    });
  Merger<Line, decltype(less)> merged(std::move(sources), less);
  core::Buffer text(piece);
  for (Line line; merged.next(line);) {
    char* at = text.extend(line.text.size() + 1);
    std::memcpy(at, line.text.data(), line.text.size());
    at[line.text.size()] = '\n';
    if (text.size() >= piece) {
      write(text.view());
      text.clear();
    }
  }
  if (failed) return tl::unexpected(*failed);
  write(text.view());
  return {};
}

}  // namespace kit::sched
