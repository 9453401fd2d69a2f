// kit merge — the k-way merge of sorted files: output identical to `LC_ALL=C sort -m [-n]`.
//
// Each file is mapped and its lines merged through kit::sched::Merger in sort's C-locale order
// (bytes; with -n, numbers, then bytes). A last line without a newline gets one, as in sort.
// Docs: docs/commands/merge.md.
//
// usage: kit merge [-n] [-r] FILE...     (- is standard input)
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/sched.hpp"

namespace kit::cli {

namespace {

struct MergeOptions {
  bool numeric = false, reverse = false;
  std::vector<std::string> files;
};

int run_merge(const MergeOptions& o) {
  std::vector<core::InputFile> inputs;
  for (const std::string& name : o.files) {
    auto file = core::InputFile::open(name);
    if (!file) return core::report_error("merge", file.error());
    inputs.push_back(std::move(*file));
  }
  // Each line's number is read once, as it enters the merge, not at every comparison.
  struct Line {
    std::string_view text;
    sched::NumericKey number;
  };
  auto less = [&](const Line& a, const Line& b) {
    int c = o.numeric ? sched::compare(a.number, b.number) : 0;
    if (c == 0) c = a.text.compare(b.text);  // sort's last resort: the bytes
    return o.reverse ? c > 0 : c < 0;
  };
  std::vector<sched::Merger<Line, decltype(less)>::Source> sources;
  for (const core::InputFile& in : inputs)
    sources.push_back([&o, rest = in.bytes()](Line& line) mutable {
      if (rest.empty()) return false;
      const std::size_t end = rest.find('\n');
      line.text = rest.substr(0, end);
      if (o.numeric) line.number = sched::numeric_key(line.text);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
      return true;
    });
  sched::Merger<Line, decltype(less)> merged(std::move(sources), less);
  core::Output out({.command = "merge"});
  std::string text;
  for (Line line; merged.next(line);) {
    text += line.text;
    text += '\n';
    if (text.size() >= (1u << 20)) {
      out.text(text);
      text.clear();
    }
  }
  out.text(text);
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
