// kit bench — benchmark commands as hyperfine does: warmup runs, enough timed runs for a few
// seconds (or --runs N), mean ± σ, min … max, user and system time, outliers flagged, and with
// several commands how many times faster the fastest ran. Docs: docs/commands/bench.md.
//
// usage: kit bench [--warmup N] [--runs N | --min-time S] [--shell SHELL | -N] [--prepare CMD]
//                  [--ignore-failure] [--json | --export-markdown FILE] COMMAND [COMMAND...]
#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/output.hpp"
#include "kit/core/process.hpp"
#include "kit/timing.hpp"
#include "kit/timing/command.hpp"

namespace kit::cli {

namespace {

namespace timing = kit::timing;
using nlohmann::json;

struct BenchOptions {
  std::size_t warmup = 0;
  std::optional<std::size_t> runs;
  std::string min_time = "3";
  std::string shell = "sh";
  bool no_shell = false, ignore_failure = false, json = false;
  std::optional<std::string> prepare, export_markdown;
  std::vector<std::string> commands;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "bench.usage", std::move(message));
}

// Time in hyperfine's units: µs below a millisecond, ms below a second, else s.
struct Unit {
  const char* name;
  double scale;
};
Unit unit_for(double s) {
  if (s < 1e-3) return {"µs", 1e6};
  if (s < 1) return {"ms", 1e3};
  return {"s", 1};
}
std::string with_unit(double s, Unit u) {
  return fmt::format("{:.1f} {}", s * u.scale, u.name);
}

// show_progress(index, p): a progress line on stderr (a terminal); cleared when done.
void show_progress(std::size_t index, const timing::BenchmarkProgress& p) {
  using Phase = timing::BenchmarkProgress::Phase;
  switch (p.phase) {
    case Phase::warmup:
      fmt::print(stderr, "\r\033[KBenchmark {}: warmup {}/{}", index + 1, p.number, p.total);
      break;
    case Phase::first_run:
      fmt::print(stderr, "\r\033[KBenchmark {}: first run", index + 1);
      break;
    case Phase::run:
      fmt::print(stderr, "\r\033[KBenchmark {}: run {}/{}, mean {}", index + 1, p.number, p.total,
                 with_unit(timing::summarize(p.so_far->wall).mean, unit_for(p.so_far->wall[0])));
      break;
    case Phase::done:
      fmt::print(stderr, "\r\033[K");
      break;
  }
  std::fflush(stderr);
}

// The library's messages name no option; the command says which one to use or blame.
Error with_option_hint(Error e) {
  if (e.code == "bench.failed") e.message += "; use --ignore-failure to benchmark it anyway";
  if (e.code == "bench.prepare")
    e.message.replace(0, std::string_view("the prepare").size(), "the --prepare");
  return e;
}

std::string report(const std::vector<timing::Measurement>& results, bool shell,
                   bool ignore_failure) {
  std::string text;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const timing::Measurement& m = results[i];
    const timing::Summary& t = m.time;
    const Unit u = unit_for(t.mean);
    text += fmt::format("Benchmark {}: {}\n", i + 1, m.command);
    // hyperfine's layout: values right-aligned after the labels, all in the mean's unit.
    const auto value = [&](double x) { return fmt::format("{:.1f}", x * u.scale); };
    text += fmt::format("  Time (mean ± σ):  {:>8} {} ± {:>5} {}    [User: {} {}, System: {} {}]\n",
                        value(t.mean), u.name, value(t.stddev), u.name, value(m.user_mean), u.name,
                        value(m.system_mean), u.name);
    text += fmt::format("  Range (min … max):{:>8} {} … {:>5} {}    {} runs\n", value(t.min),
                        u.name, value(t.max), u.name, t.count);
    if (timing::outliers(m.wall) > 0)
      text +=
          "  Warning: Statistical outliers were detected. Consider re-running this benchmark "
          "on a quiet system, or with --warmup or --prepare.\n";
    if (ignore_failure &&
        std::any_of(m.exit_codes.begin(), m.exit_codes.end(), [](int c) { return c != 0; }))
      text += "  Warning: Ignoring non-zero exit code.\n";
    if (shell && t.mean < 5e-3)
      text +=
          "  Warning: Command took less than 5 ms: the shell's start-up, taken off every run, "
          "is about as large. Use -N (no shell) for exact numbers.\n";
    text += "\n";
  }
  if (results.size() > 1) {
    const auto fastest =
        std::min_element(results.begin(), results.end(),
                         [](const auto& a, const auto& b) { return a.time.mean < b.time.mean; });
    text += fmt::format("Summary\n  '{}' ran\n", fastest->command);
    for (const timing::Measurement& m : results) {
      if (&m == &*fastest) continue;
      const timing::Ratio r = timing::relative_speed(fastest->time, m.time);
      if (std::isfinite(r.ratio))
        text += fmt::format("    {:.2f} ± {:.2f} times faster than '{}'\n", r.ratio, r.error,
                            m.command);
      else  // all of its time was the shell's start-up, which is taken off
        text += fmt::format(
            "    faster than '{}' by more than can be measured through the shell "
            "(use -N)\n",
            m.command);
    }
  }
  return text;
}

std::string markdown(const std::vector<timing::Measurement>& results) {
  const auto fastest =
      std::min_element(results.begin(), results.end(),
                       [](const auto& a, const auto& b) { return a.time.mean < b.time.mean; });
  const Unit u = unit_for(fastest->time.mean);
  std::string md = fmt::format(
      "| Command | Mean [{0}] | Min [{0}] | Max [{0}] | Relative |\n"
      "|:---|---:|---:|---:|---:|\n",
      u.name);
  for (const timing::Measurement& m : results) {
    const timing::Ratio r = timing::relative_speed(fastest->time, m.time);
    std::string command = m.command;
    for (std::size_t at = 0; (at = command.find('|', at)) != std::string::npos; at += 2)
      command.replace(at, 1, "\\|");
    md += fmt::format("| `{}` | {:.1f} ± {:.1f} | {:.1f} | {:.1f} | {} |\n", command,
                      m.time.mean * u.scale, m.time.stddev * u.scale, m.time.min * u.scale,
                      m.time.max * u.scale,
                      &m == &*fastest          ? std::string("1.00")
                      : std::isfinite(r.ratio) ? fmt::format("{:.2f} ± {:.2f}", r.ratio, r.error)
                                               : std::string("∞"));
  }
  return md;
}

int run_bench(const BenchOptions& o) {
  if (o.commands.empty()) return core::report_error("bench", usage("no command to benchmark"));
  if (o.runs && *o.runs == 0) return core::report_error("bench", usage("--runs must be 1 or more"));
  if (o.json && o.export_markdown)
    return core::report_error("bench", usage("--json and --export-markdown exclude each other"));
  for (const std::string& c : o.commands)
    if (c.find_first_not_of(" \t\n") == std::string::npos)
      return core::report_error("bench", usage("an empty command"));
  auto min_time = timing::parse_duration(o.min_time);
  if (!min_time)
    return core::report_error("bench", usage("--min-time: " + min_time.error().message));

  timing::Benchmark bench({.warmup = o.warmup,
                           .runs = o.runs,
                           .min_time = *min_time,
                           .shell = o.shell,
                           .no_shell = o.no_shell,
                           .prepare = o.prepare,
                           .ignore_failure = o.ignore_failure});
  if (auto c = bench.calibrate(); !c) {
    core::report_error("bench", c.error());
    return core::exec_failure_status(c.error()).value_or(core::exit_failed);
  }
  const bool progress = core::is_terminal(2);
  std::vector<timing::Measurement> results;
  for (std::size_t i = 0; i < o.commands.size(); ++i) {
    std::function<void(const timing::BenchmarkProgress&)> show;
    if (progress) show = [i](const timing::BenchmarkProgress& p) { show_progress(i, p); };
    auto m = bench.measure(o.commands[i], show);
    if (!m) {
      const Error e = with_option_hint(m.error());
      core::report_error("bench", e);
      return core::exec_failure_status(e).value_or(
          e.kind == ErrorKind::invalid_argument ? core::exit_usage : core::exit_failed);
    }
    results.push_back(std::move(*m));
  }

  core::Output out({.json = o.json, .command = "bench"});
  if (o.json) {
    json list = json::array();
    for (const timing::Measurement& m : results)
      list.push_back({{"command", m.command},
                      {"mean", m.time.mean},
                      {"stddev", m.time.stddev},
                      {"median", m.time.median},
                      {"mad", m.time.mad},
                      {"user", m.user_mean},
                      {"system", m.system_mean},
                      {"min", m.time.min},
                      {"max", m.time.max},
                      {"runs", m.time.count},
                      {"outliers", timing::outliers(m.wall)},
                      {"times", m.wall},
                      {"exit_codes", m.exit_codes}});
    out.document({{"results", list}});
  } else {
    out.text(report(results, !o.no_shell, o.ignore_failure));
  }
  if (o.export_markdown) {
    std::ofstream file(*o.export_markdown);
    file << markdown(results);
    if (!file.flush())
      return core::report_error("bench",
                                make_error(ErrorKind::io, "bench.export",
                                           fmt::format("cannot write '{}'", *o.export_markdown)));
  }
  return out.finish();
}

}  // namespace

Runner register_bench(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  app.add_option("-w,--warmup", o->warmup, "untimed runs before the timed ones")->default_val(0);
  app.add_option("-r,--runs", o->runs, "exactly this many timed runs");
  app.add_option("--min-time", o->min_time,
                 "without --runs: enough runs to take this long, at least 10 (default 3s)");
  app.add_option("-S,--shell", o->shell, "the shell that runs each command (default sh)");
  app.add_flag("-N,--no-shell", o->no_shell,
               "run commands without a shell (words split as a shell would)");
  app.add_option("-p,--prepare", o->prepare, "a command run before each timed run, not timed");
  app.add_flag("-i,--ignore-failure", o->ignore_failure, "benchmark commands that exit non-zero");
  add_json_flag(app, o->json);
  app.add_option("--export-markdown", o->export_markdown,
                 "also write the results as a Markdown table");
  app.add_option("COMMAND", o->commands, "commands to benchmark (quote each)")->required();
  return [o] { return run_bench(*o); };
}

}  // namespace kit::cli
