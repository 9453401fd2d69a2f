// kit merge — the k-way merge of sorted files: output identical to `LC_ALL=C sort -m [-n]`.
//
// Each file is read a piece at a time into a buffer of its own and its lines merged through
// kit::sched::Merger (a loser tree) in sort's C-locale order (bytes; with -n, numbers, then
// bytes). A last line without a newline gets one, as in sort.
// Docs: docs/commands/merge.md.
//
// usage: kit merge [-n] [-r] FILE...     (- is standard input)
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/core/buffer.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/sched.hpp"

namespace kit::cli {

namespace {

struct MergeOptions {
  bool numeric = false, reverse = false;
  std::vector<std::string> files;
};

// A file's lines, read a piece at a time into one buffer that is reused: no mapping and no
// fresh memory per line read (on a VM both cost a fault per 4 KiB page).
struct Reader {
  core::LinePieces pieces;
  core::Buffer buffer;
  std::size_t next_piece = 0;
  std::string_view rest;
};

int run_merge(const MergeOptions& o) {
  constexpr std::size_t piece = (std::size_t{1} << 20) - (8 << 10);  // in whole huge pages
  std::vector<Reader> readers;
  for (const std::string& name : o.files) {
    auto pieces = core::LinePieces::of_file(name, piece);
    if (!pieces) return core::report_error("merge", pieces.error());
    readers.push_back({std::move(*pieces), {}, 0, {}});
  }
  // Each line's number is read once, as it enters the merge, not at every comparison.
  struct Line {
    std::string_view text;
    sched::NumericKey number;
  };
  auto less = [&](const Line& a, const Line& b) {
    int c = o.numeric ? sched::compare(a.number, b.number) : 0;
    if (c == 0) c = sched::compare_bytes(a.text, b.text);  // sort's last resort: the bytes
    return o.reverse ? c > 0 : c < 0;
  };
  std::optional<Error> failed;
  std::vector<sched::Merger<Line, decltype(less)>::Source> sources;
  for (Reader& r : readers)
    sources.push_back([&o, &r, &failed](Line& line) {
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
      line.text = r.rest.substr(0, end);
      if (o.numeric) line.number = sched::numeric_key(line.text);
      r.rest.remove_prefix(end == std::string_view::npos ? r.rest.size() : end + 1);
      return true;
    });
  sched::Merger<Line, decltype(less)> merged(std::move(sources), less);
  core::Output out({.command = "merge"});
  core::Buffer text(piece);
  for (Line line; merged.next(line);) {
    char* at = text.extend(line.text.size() + 1);
    std::memcpy(at, line.text.data(), line.text.size());
    at[line.text.size()] = '\n';
    if (text.size() >= piece) {
      out.text(text.view());
      text.clear();
    }
  }
  if (failed) return core::report_error("merge", *failed);
  out.text(text.view());
  return out.finish();
}

}  // namespace

Runner register_merge(CLI::App& app) {
  auto o = std::make_shared<MergeOptions>();
  app.add_flag("-n,--numeric-sort", o->numeric, "compare leading numbers, as sort -n");
  app.add_flag("-r,--reverse", o->reverse, "the files are sorted in reverse (sort -r)");
  app.add_option("FILE", o->files, "sorted files (- for standard input)")->required();
  return [o] { return run_merge(*o); };
}

}  // namespace kit::cli
