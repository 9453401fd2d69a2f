// kit top — the N largest (or smallest) lines, as `LC_ALL=C sort [-n] [-t SEP -k F,F] [-r] |
// head -n N` prints them, in one pass with a bounded heap instead of a sort: each mapped file is
// cut into pieces, each piece keeps its own N on a core, and the pieces' N are merged
// (kit::sched::top_lines).
// Docs: docs/commands/top.md.
//
// usage: kit top [-n N] [--max | --min] [-k FIELD] [-t SEP] [--numeric] [FILE|-]...
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/sched/lines.hpp"

namespace kit::cli {

namespace {

struct TopOptions {
  std::int64_t count = 10;
  bool max = false, min = false, numeric = false;
  std::optional<std::int64_t> field;
  std::optional<std::string> separator;
  std::vector<std::string> files;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "top.usage", std::move(message));
}

int run_top(const TopOptions& o) {
  if (o.max && o.min) return core::report_error("top", usage("--max and --min exclude each other"));
  if (o.separator && o.separator->size() != 1)
    return core::report_error("top", usage("-t takes one character"));
  if (o.separator && !o.field) return core::report_error("top", usage("-t goes with -k FIELD"));
  if (o.count < 0)
    return core::report_error("top",
                              usage(fmt::format("-n: '{}' is not a count of lines", o.count)));
  if (o.field && *o.field < 1)
    return core::report_error(
        "top", usage(fmt::format("-k: fields are numbered from 1 (got {})", *o.field)));
  const auto count = static_cast<std::size_t>(o.count);
  std::vector<std::string> files = o.files;
  if (files.empty()) files.emplace_back("-");
  // --max (the default): sort -r's order, whose first lines are the largest.
  const sched::LineOrder order{
      .numeric = o.numeric,
      .reverse = !o.min,
      .field = static_cast<std::size_t>(o.field.value_or(0)),
      .separator = o.separator ? std::optional<char>((*o.separator)[0]) : std::nullopt};
  std::vector<core::InputFile> inputs;
  for (const std::string& name : files) {
    auto file = core::InputFile::load(name);
    if (!file) return core::report_error("top", file.error());
    inputs.push_back(std::move(*file));
  }
  std::vector<std::string_view> texts;
  for (const core::InputFile& in : inputs) texts.push_back(in.bytes());
  core::Output out({.command = "top"});
  std::string text;
  for (std::string_view line : sched::top_lines(texts, count, order)) {
    text += line;
    text += '\n';
  }
  out.text(text);
  return out.finish();
}

}  // namespace

Runner register_top(CLI::App& app) {
  auto o = std::make_shared<TopOptions>();
  app.add_option("-n,--lines", o->count, "how many lines (default 10)")->default_val(10);
  app.add_flag("--max", o->max, "the largest lines, largest first (the default; sort -r | head)");
  app.add_flag("--min", o->min, "the smallest lines, smallest first (sort | head)");
  app.add_option("-k,--key", o->field, "compare field FIELD (1-based), as sort -k F,F");
  app.add_option("-t,--field-separator", o->separator, "fields are separated by this character");
  app.add_flag("-N,--numeric", o->numeric, "compare leading numbers, as sort -n");
  app.add_option("FILE", o->files, "files (- or none: standard input)");
  return [o] { return run_top(*o); };
}

}  // namespace kit::cli
