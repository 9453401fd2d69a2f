// kit merge — the k-way merge of sorted files: output identical to `LC_ALL=C sort -m [-n]`.
//
// Each file is read a piece at a time into a buffer of its own and its lines merged through a
// loser tree in sort's C-locale order (bytes; with -n, numbers, then bytes): kit::sched::
// merge_lines. A last line without a newline gets one, as in sort.
// Docs: docs/commands/merge.md.
//
// usage: kit merge [-n] [-r] FILE...     (- is standard input)
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "kit/core/output.hpp"
#include "kit/sched/lines.hpp"

namespace kit::cli {

namespace {

struct MergeOptions {
  bool numeric = false, reverse = false;
  std::vector<std::string> files;
};

int run_merge(const MergeOptions& o) {
  core::Output out({.command = "merge"});
  auto merged = sched::merge_lines(o.files, {.numeric = o.numeric, .reverse = o.reverse},
                                   [&](std::string_view text) { out.text(text); });
  if (!merged) return core::report_error("merge", merged.error());
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
