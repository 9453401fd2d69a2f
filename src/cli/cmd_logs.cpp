// kit logs — the tutorial's event log parser made real: seed-format, JSON Lines and combined
// access logs parsed on every core into a compact column store, filtered, ranked, summarised.
//
// Default output is the tutorial's: `Parsed N events`, `  [ERROR] db: Query timeout
// (1250.0ms) *** SLOW` per event, `Slow events: K`. Docs: docs/commands/logs.md.
//
// usage: kit logs [FILE|-]... [--format auto|seed|jsonl|combined] [--level L,…] [--service S]
//                 [--since T] [--until T] [--grep TEXT] [--slow MS] [--only-slow] [--top N]
//                 [--stats] [--json | --csv] [--show-skipped N]
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/csv.hpp"
#include "kit/core/output.hpp"
#include "kit/logs.hpp"
#include "kit/logs/report.hpp"

namespace kit::cli {

namespace {

using nlohmann::json;

struct LogsOptions {
  std::vector<std::string> files;
  std::string format = "auto";
  std::optional<std::string> levels, service, since, until, grep;
  double slow = 500;
  bool only_slow = false, stats = false, count = false, json = false, csv = false;
  std::optional<std::size_t> top;
  std::size_t show_skipped = 0;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "logs.usage", std::move(message));
}

Result<logs::Filter> make_filter(const LogsOptions& o) {
  logs::Filter f;
  if (o.levels) {
    std::string_view rest = *o.levels;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      auto level = logs::parse_level(name);
      if (!level)
        return tl::unexpected(
            usage(fmt::format("--level: unknown level '{}' (DEBUG, INFO, "
                              "WARNING, ERROR, CRITICAL)",
                              name)));
      f.levels |= 1u << static_cast<unsigned>(*level);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  for (auto [text, target, flag] : {std::tuple{&o.since, &f.since_us, "--since"},
                                    std::tuple{&o.until, &f.until_us, "--until"}}) {
    if (!*text) continue;
    auto t = logs::parse_time(**text);
    if (!t)
      return tl::unexpected(
          usage(fmt::format("{} '{}' is not a time (YYYY-MM-DD[ HH:MM[:SS]])", flag, **text)));
    *target = *t;
  }
  f.service = o.service;
  f.grep = o.grep;
  if (o.only_slow) f.min_duration_ms = static_cast<float>(o.slow);
  return f;
}

json number_or_null(float v) {
  if (std::isnan(v)) return nullptr;
  return logs::decimal(v);
}

// stats_text(o, stats, out): the table as text or CSV (returned), or JSON records (to out).
std::string stats_text(const LogsOptions& o, const logs::Stats& s, core::Output& out) {
  std::string text;
  auto row = [&](std::string_view group, const logs::GroupStats& g) {
    const auto& d = g.durations;
    if (o.json) {
      out.record({{"group", group},
                  {"name", core::json_text(g.name)},
                  {"count", g.count},
                  {"errors", g.errors},
                  {"p50_ms", number_or_null(d.quantile(0.50))},
                  {"p95_ms", number_or_null(d.quantile(0.95))},
                  {"p99_ms", number_or_null(d.quantile(0.99))},
                  {"max_ms", d.count() ? number_or_null(d.max()) : json(nullptr)}});
      return;
    }
    auto ms = [&](double q) {
      return d.count() ? fmt::format("{:.1f}", logs::decimal(q > 1 ? d.max() : d.quantile(q)))
                       : std::string("-");
    };
    if (o.csv)
      text += fmt::format("{},{},{},{},{},{},{},{}\n", group, core::csv_field(g.name), g.count,
                          g.errors, ms(0.5), ms(0.95), ms(0.99), ms(2));
    else
      text += fmt::format("{:<16} {:>9} {:>7} {:>10} {:>10} {:>10} {:>10}\n", g.name, g.count,
                          g.errors, ms(0.5), ms(0.95), ms(0.99), ms(2));
  };
  auto heading = [&](std::string_view first) {
    if (!o.json && !o.csv)
      text += fmt::format("{:<16} {:>9} {:>7} {:>10} {:>10} {:>10} {:>10}\n", first, "events",
                          "errors", "p50_ms", "p95_ms", "p99_ms", "max_ms");
  };
  if (o.csv) text += "group,name,count,errors,p50_ms,p95_ms,p99_ms,max_ms\n";
  heading("service");
  for (const auto& g : s.services) row("service", g);
  if (!o.json && !o.csv) text += '\n';
  heading("level");
  for (const auto& g : s.levels) row("level", g);
  return text;
}

// Sink: the report's text to stdout, its problems to stderr as `kit logs: …`.
class Sink : public logs::ReportSink {
 public:
  explicit Sink(core::Output& out) : out_(out) {}
  void text(std::string_view bytes) override { out_.text(bytes); }
  void failed(const Error& error) override { status = core::report_error("logs", error); }
  void skipped(std::string_view file, std::size_t lines) override {
    fmt::print(stderr, "kit logs: {}: {} line{} skipped (no format matched)\n", file, lines,
               lines == 1 ? "" : "s");
  }
  void skipped_line(std::string_view file, std::size_t line, std::string_view text) override {
    fmt::print(stderr, "kit logs: {}:{}: skipped: {}\n", file, line, text);
  }
  int status = core::exit_ok;

 private:
  core::Output& out_;
};

// print_events(o, report, out): --json records or --csv rows of the events shown (the N
// slowest with --top, else every one that passed the filters).
void print_events(const LogsOptions& o, const logs::Report& report, core::Output& out) {
  std::string text;
  if (o.csv) text += "timestamp,level,service,message,duration_ms,slow\n";
  auto print = [&](const logs::StoredLog& log, std::size_t i) {
    const logs::EventStore& s = log.store;
    const bool slow = s.has_duration(i) && s.duration_ms(i) > o.slow;
    if (o.json) {
      out.record({{"timestamp", logs::format_time(s.timestamp_us(i))},
                  {"level", logs::level_name(s.level(i))},
                  {"service", core::json_text(s.service(i))},
                  {"message", core::json_text(s.message(i))},
                  {"duration_ms", number_or_null(s.duration_ms(i))},
                  {"slow", slow},
                  {"file", log.name},
                  {"line", s.line(i)}});
      return;
    }
    text += core::csv_record(
        {logs::format_time(s.timestamp_us(i)), std::string(logs::level_name(s.level(i))),
         std::string(s.service(i)), std::string(s.message(i)),
         s.has_duration(i) ? fmt::format("{}", logs::decimal(s.duration_ms(i))) : "",
         slow ? "true" : "false"});
    text += '\n';
    if (text.size() >= (1 << 16)) {
      out.text(text);
      text.clear();
    }
  };
  if (o.top) {
    for (const logs::EventRef& e : report.top()) print(report.logs()[e.log], e.index);
  } else {
    report.for_each_match(print);
  }
  out.text(text);
}

int run_logs(LogsOptions& o) {
  if (o.json && o.csv)
    return core::report_error("logs", usage("--json and --csv exclude each other"));
  if (o.slow < 0 || !std::isfinite(o.slow))
    return core::report_error("logs", usage("--slow must be a duration in ms, 0 or more"));
  logs::ReportOptions options;
  if (o.format != "auto") {
    options.format = logs::parse_format(o.format);
    if (!options.format)
      return core::report_error("logs", usage(fmt::format("--format: unknown format '{}' (auto, "
                                                          "seed, jsonl, combined)",
                                                          o.format)));
  }
  auto filter = make_filter(o);
  if (!filter) return core::report_error("logs", filter.error());
  if (o.files.empty()) o.files.emplace_back("-");
  options.filter = std::move(*filter);
  options.slow_ms = o.slow;
  options.stats = o.stats;  // --count needs the counts only
  options.top = o.top;
  options.line_numbers = o.json || o.csv;
  options.skipped_to_show = o.show_skipped;

  core::Output out({.json = o.json, .command = "logs"});
  Sink sink(out);
  logs::Report report(o.files, std::move(options));
  if ((o.stats || o.count) && !o.top) {
    // --stats and --count stream every input: flat memory on any length of log.
    report.stream(sink);
    if (o.count && !o.stats) {
      if (!o.json)
        out.text(fmt::format("Parsed {} events\n\nSlow events: {}\n", report.totals().events,
                             report.totals().slow));
    } else {
      out.text(stats_text(o, report.stats(), out));
    }
  } else if (!o.json && !o.csv && !o.stats) {
    report.print_text(sink);
  } else {
    report.load(sink);
    if (o.stats)
      out.text(stats_text(o, report.stats(), out));
    else
      print_events(o, report, out);
  }
  if (o.json) {
    const logs::Totals& t = report.totals();
    out.summary(
        {{"events", t.events}, {"slow", t.slow}, {"skipped", t.skipped}, {"lines", t.lines}});
  }
  const int written = out.finish();
  return sink.status != core::exit_ok ? sink.status : written;
}

}  // namespace

Runner register_logs(CLI::App& app) {
  auto o = std::make_shared<LogsOptions>();
  app.add_option("FILE", o->files, "Log files (- or none: standard input)");
  app.add_option("--format", o->format, "auto (default: per file), seed, jsonl or combined");
  app.add_option("--level", o->levels, "Only these levels: ERROR,WARNING,…");
  app.add_option("--service", o->service, "Only this service");
  app.add_option("--since", o->since, "Only events at or after T (YYYY-MM-DD[ HH:MM[:SS]])");
  app.add_option("--until", o->until, "Only events before T");
  app.add_option("--grep", o->grep, "Only events whose message contains TEXT");
  app.add_option("--slow", o->slow, "Mark events slower than MS milliseconds (default 500)");
  app.add_flag("--only-slow", o->only_slow, "Keep only the slow events");
  app.add_option("--top", o->top, "The N slowest events");
  app.add_flag("--stats", o->stats, "Per-service and per-level counts, errors and p50/p95/p99/max");
  app.add_flag("--count", o->count, "Only the tutorial's totals: Parsed N events, Slow events: K");
  add_json_flag(app, o->json);
  app.add_flag("--csv", o->csv, "Events (or stats) as CSV");
  app.add_option("--show-skipped", o->show_skipped, "Print the first N skipped lines to stderr");
  return [o] { return run_logs(*o); };
}

}  // namespace kit::cli
