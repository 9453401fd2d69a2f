// kit bench — benchmark commands as hyperfine does: warmup runs, enough timed runs for a few
// seconds (or --runs N), mean ± σ, min … max, user and system time, outliers flagged, and with
// several commands how many times faster the fastest ran. Docs: docs/commands/bench.md.
//
// usage: kit bench [--warmup N] [--runs N | --min-time S] [--shell SHELL | -N] [--prepare CMD]
//                  [--ignore-failure] [--json | --export-markdown FILE] COMMAND [COMMAND...]
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/output.hpp"
#include "kit/core/process.hpp"
#include "kit/core/text.hpp"
#include "kit/timing.hpp"

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

double seconds(timing::Duration d) { return std::chrono::duration<double>(d).count(); }

// split_words(command): a command line split as a shell splits words: blanks separate, '…' and
// "…" quote, a backslash escapes the next character. No expansions. Error on an open quote.
Result<std::vector<std::string>> split_words(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      // In double quotes a backslash escapes only $ ` " \ and a line end, as in sh.
      else if (c == '\\' && quote == '"' && i + 1 < command.size() &&
               std::string_view("$`\"\\\n").find(command[i + 1]) != std::string_view::npos)
        word += command[++i];
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return tl::unexpected(usage(fmt::format("unterminated quote in '{}'", command)));
  if (in_word) words.push_back(std::move(word));
  return words;
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
std::string with_unit(double s, Unit u) { return fmt::format("{:.1f} {}", s * u.scale, u.name); }

struct Measured {
  std::string command;
  std::vector<double> wall, user, system;  // seconds, shell start-up taken off
  std::vector<int> exit_codes;
  timing::Summary time;
  double user_mean = 0, system_mean = 0;
};

class Bench {
 public:
  explicit Bench(const BenchOptions& o) : o_(o), progress_(core::is_terminal(2)) {}

  // argv_of(command): what each run executes, its program found on PATH once, not per run.
  Result<std::vector<std::string>> argv_of(const std::string& command) const {
    std::vector<std::string> argv{o_.shell, "-c", command};
    if (o_.no_shell) {
      auto words = split_words(command);
      if (!words) return words;
      if (words->empty()) return tl::unexpected(usage("an empty command"));
      argv = std::move(*words);
    }
    if (auto path = core::find_program(argv[0])) argv[0] = *path;
    return argv;
  }

  // run_once(argv): one run, output to /dev/null.
  Result<core::ProcessResult> run_once(const std::vector<std::string>& argv) const {
    // Output to /dev/null and no input, as hyperfine: a command that reads the terminal would
    // stop (it runs in a process group of its own) or wait.
    return core::run_process({.argv = argv, .quiet = true, .no_input = true});
  }

  // calibrate(): the mean cost of starting the shell with nothing to do, which every run
  // through it pays and which is taken off each sample, as hyperfine does.
  Result<void> calibrate() {
    if (o_.no_shell) return {};
    std::vector<double> wall, user, system;
    const auto shell = argv_of("");
    if (!shell) return tl::unexpected(shell.error());
    for (int i = 0; i < 30; ++i) {
      auto r = run_once(*shell);
      if (!r) return tl::unexpected(r.error());
      if (!r->succeeded())
        return tl::unexpected(make_error(ErrorKind::failed, "bench.shell",
                                         fmt::format("the shell '{}' failed to run an empty "
                                                     "command ({})",
                                                     o_.shell, core::describe(*r))));
      wall.push_back(seconds(r->wall));
      user.push_back(seconds(r->user));
      system.push_back(seconds(r->system));
    }
    shell_wall_ = timing::summarize(wall).mean;
    shell_user_ = timing::summarize(user).mean;
    shell_system_ = timing::summarize(system).mean;
    return {};
  }

  Result<Measured> measure(std::size_t index, const std::string& command) {
    auto argv = argv_of(command);
    if (!argv) return tl::unexpected(argv.error());
    std::optional<std::vector<std::string>> prepare;
    if (o_.prepare) {
      auto p = argv_of(*o_.prepare);
      if (!p) return tl::unexpected(p.error());
      prepare = *p;
    }
    Measured m;
    m.command = command;
    auto one = [&](bool timed) -> Result<void> {
      if (prepare) {
        auto p = run_once(*prepare);
        if (!p) return tl::unexpected(p.error());
        if (!p->succeeded())
          return tl::unexpected(make_error(ErrorKind::failed, "bench.prepare",
                                           fmt::format("the --prepare command failed ({})",
                                                       core::describe(*p))));
      }
      auto r = run_once(*argv);
      if (!r) return tl::unexpected(r.error());
      if (!r->succeeded() && !o_.ignore_failure)
        return tl::unexpected(make_error(
            ErrorKind::failed, "bench.failed",
            fmt::format("'{}' failed ({}); use --ignore-failure to benchmark it anyway", command,
                        core::describe(*r))));
      if (timed) {
        m.wall.push_back(std::max(0.0, seconds(r->wall) - shell_wall_));
        m.user.push_back(std::max(0.0, seconds(r->user) - shell_user_));
        m.system.push_back(std::max(0.0, seconds(r->system) - shell_system_));
        m.exit_codes.push_back(r->status());
      }
      return {};
    };
    for (std::size_t i = 0; i < o_.warmup; ++i) {
      show(index, fmt::format("warmup {}/{}", i + 1, o_.warmup));
      if (auto r = one(false); !r) return tl::unexpected(r.error());
    }
    // Without --runs: as many runs as fit in --min-time by the first one's time, at least 10.
    show(index, "first run");
    if (auto r = one(true); !r) return tl::unexpected(r.error());
    std::size_t runs = o_.runs.value_or(0);
    if (!o_.runs) {
      const double first = std::max(m.wall[0] + shell_wall_, 1e-6);
      runs = static_cast<std::size_t>(
          std::clamp(std::ceil(seconds(min_time_) / first), 10.0, 1e6));
    }
    while (m.wall.size() < runs) {
      if (progress_)
        show(index, fmt::format("run {}/{}, mean {}", m.wall.size() + 1, runs,
                                with_unit(timing::summarize(m.wall).mean, unit_for(m.wall[0]))));
      if (auto r = one(true); !r) return tl::unexpected(r.error());
    }
    show(index, "");
    m.time = timing::summarize(m.wall);
    m.user_mean = timing::summarize(m.user).mean;
    m.system_mean = timing::summarize(m.system).mean;
    return m;
  }

  void set_min_time(timing::Duration d) { min_time_ = d; }

 private:
  // show(i, what): a progress line on stderr when it is a terminal; "" clears it.
  void show(std::size_t index, const std::string& what) const {
    if (!progress_) return;
    if (what.empty()) fmt::print(stderr, "\r\033[K");
    else fmt::print(stderr, "\r\033[KBenchmark {}: {}", index + 1, what);
    std::fflush(stderr);
  }

  const BenchOptions& o_;
  bool progress_;
  timing::Duration min_time_ = std::chrono::seconds(3);
  double shell_wall_ = 0, shell_user_ = 0, shell_system_ = 0;
};

std::string report(const std::vector<Measured>& results, bool shell, bool ignore_failure) {
  std::string text;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Measured& m = results[i];
    const timing::Summary& t = m.time;
    const Unit u = unit_for(t.mean);
    text += fmt::format("Benchmark {}: {}\n", i + 1, m.command);
    // hyperfine's layout: values right-aligned after the labels, all in the mean's unit.
    const auto value = [&](double x) { return fmt::format("{:.1f}", x * u.scale); };
    text += fmt::format("  Time (mean ± σ):  {:>8} {} ± {:>5} {}    [User: {} {}, System: {} {}]\n",
                        value(t.mean), u.name, value(t.stddev), u.name, value(m.user_mean), u.name,
                        value(m.system_mean), u.name);
    text += fmt::format("  Range (min … max):{:>8} {} … {:>5} {}    {} runs\n", value(t.min), u.name,
                        value(t.max), u.name, t.count);
    if (timing::outliers(m.wall) > 0)
      text += "  Warning: Statistical outliers were detected. Consider re-running this benchmark "
              "on a quiet system, or with --warmup or --prepare.\n";
    if (ignore_failure && std::any_of(m.exit_codes.begin(), m.exit_codes.end(), [](int c) { return c != 0; }))
      text += "  Warning: Ignoring non-zero exit code.\n";
    if (shell && t.mean < 5e-3)
      text += "  Warning: Command took less than 5 ms: the shell's start-up, taken off every run, "
              "is about as large. Use -N (no shell) for exact numbers.\n";
    text += "\n";
  }
  if (results.size() > 1) {
    const auto fastest = std::min_element(results.begin(), results.end(), [](const auto& a, const auto& b) {
      return a.time.mean < b.time.mean;
    });
    text += fmt::format("Summary\n  '{}' ran\n", fastest->command);
    for (const Measured& m : results) {
      if (&m == &*fastest) continue;
      const timing::Ratio r = timing::relative_speed(fastest->time, m.time);
      if (std::isfinite(r.ratio))
        text += fmt::format("    {:.2f} ± {:.2f} times faster than '{}'\n", r.ratio, r.error, m.command);
      else  // all of its time was the shell's start-up, which is taken off
        text += fmt::format("    faster than '{}' by more than can be measured through the shell "
                            "(use -N)\n", m.command);
    }
  }
  return text;
}

std::string markdown(const std::vector<Measured>& results) {
  const auto fastest = std::min_element(results.begin(), results.end(), [](const auto& a, const auto& b) {
    return a.time.mean < b.time.mean;
  });
  const Unit u = unit_for(fastest->time.mean);
  std::string md = fmt::format("| Command | Mean [{0}] | Min [{0}] | Max [{0}] | Relative |\n"
                               "|:---|---:|---:|---:|---:|\n",
                               u.name);
  for (const Measured& m : results) {
    const timing::Ratio r = timing::relative_speed(fastest->time, m.time);
    std::string command = m.command;
    for (std::size_t at = 0; (at = command.find('|', at)) != std::string::npos; at += 2) command.replace(at, 1, "\\|");
    md += fmt::format("| `{}` | {:.1f} ± {:.1f} | {:.1f} | {:.1f} | {} |\n", command,
                      m.time.mean * u.scale, m.time.stddev * u.scale, m.time.min * u.scale,
                      m.time.max * u.scale,
                      &m == &*fastest        ? std::string("1.00")
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
  if (!min_time) return core::report_error("bench", usage("--min-time: " + min_time.error().message));

  Bench bench(o);
  bench.set_min_time(*min_time);
  if (auto c = bench.calibrate(); !c) {
    core::report_error("bench", c.error());
    if (c.error().code == "core.not_found") return 127;
    if (c.error().code == "core.not_executable") return 126;
    return core::exit_failed;
  }
  std::vector<Measured> results;
  for (std::size_t i = 0; i < o.commands.size(); ++i) {
    auto m = bench.measure(i, o.commands[i]);
    if (!m) {
      const Error& e = m.error();
      core::report_error("bench", e);
      if (e.code == "core.not_found") return 127;
      if (e.code == "core.not_executable") return 126;
      return e.kind == ErrorKind::invalid_argument ? core::exit_usage : core::exit_failed;
    }
    results.push_back(std::move(*m));
  }

  core::Output out({.json = o.json, .command = "bench"});
  if (o.json) {
    json list = json::array();
    for (const Measured& m : results)
      list.push_back({{"command", m.command}, {"mean", m.time.mean}, {"stddev", m.time.stddev},
                      {"median", m.time.median}, {"mad", m.time.mad}, {"user", m.user_mean},
                      {"system", m.system_mean}, {"min", m.time.min}, {"max", m.time.max},
                      {"runs", m.time.count}, {"outliers", timing::outliers(m.wall)},
                      {"times", m.wall}, {"exit_codes", m.exit_codes}});
    out.document({{"results", list}});
  } else {
    out.text(report(results, !o.no_shell, o.ignore_failure));
  }
  if (o.export_markdown) {
    std::ofstream file(*o.export_markdown);
    file << markdown(results);
    if (!file.flush())
      return core::report_error("bench", make_error(ErrorKind::io, "bench.export",
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
  app.add_flag("-N,--no-shell", o->no_shell, "run commands without a shell (words split as a shell would)");
  app.add_option("-p,--prepare", o->prepare, "a command run before each timed run, not timed");
  app.add_flag("-i,--ignore-failure", o->ignore_failure, "benchmark commands that exit non-zero");
  add_json_flag(app, o->json);
  app.add_option("--export-markdown", o->export_markdown, "also write the results as a Markdown table");
  app.add_option("COMMAND", o->commands, "commands to benchmark (quote each)")->required();
  return [o] { return run_bench(*o); };
}

}  // namespace kit::cli
