// kit logs — the tutorial's event log parser made real: seed-format, JSON Lines and combined
// access logs parsed on every core into a compact column store, filtered, ranked, summarised.
//
// Default output is the tutorial's: `Parsed N events`, `  [ERROR] db: Query timeout
// (1250.0ms) *** SLOW` per event, `Slow events: K`. Docs: docs/commands/logs.md.
//
// usage: kit logs [FILE|-]... [--format auto|seed|jsonl|combined] [--level L,…] [--service S]
//                 [--since T] [--until T] [--grep TEXT] [--slow MS] [--only-slow] [--top N]
//                 [--stats] [--json | --csv] [--show-skipped N]
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fast_float/fast_float.h>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/csv.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/core/parallel.hpp"
#include "kit/logs.hpp"

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
        return tl::unexpected(usage(fmt::format("--level: unknown level '{}' (DEBUG, INFO, "
                                                "WARNING, ERROR, CRITICAL)", name)));
      f.levels |= 1u << static_cast<unsigned>(*level);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  for (auto [text, target, flag] : {std::tuple{&o.since, &f.since_us, "--since"},
                                    std::tuple{&o.until, &f.until_us, "--until"}}) {
    if (!*text) continue;
    auto t = logs::parse_time(**text);
    if (!t)
      return tl::unexpected(usage(fmt::format("{} '{}' is not a time (YYYY-MM-DD[ HH:MM[:SS]])",
                                              flag, **text)));
    *target = *t;
  }
  f.service = o.service;
  f.grep = o.grep;
  if (o.only_slow) f.min_duration_ms = static_cast<float>(o.slow);
  return f;
}

// widen(v): a stored float as the decimal it was written as (88.2, not 88.19999694824219), so
// that printing it rounds as Python does with the number it parsed (0.85 -> "0.8").
double widen(float v) {
  char text[32];
  const char* end = fmt::format_to_n(text, sizeof text, "{}", v).out;
  double x = 0;
  fast_float::from_chars(text, end, x);  // correctly rounded, as strtod, several times faster
  return x;
}

json number_or_null(float v) {
  if (std::isnan(v)) return nullptr;
  return widen(v);
}

// room(out, n): n more bytes at the end of out, to be written.
char* room(std::string& out, std::size_t n) {
  out.resize(out.size() + n);
  return out.data() + out.size() - n;
}
char* room(core::Buffer& out, std::size_t n) { return out.extend(n); }

// append_event_line(out, …): the tutorial's `  [ERROR] db: Query timeout (1250.0ms) *** SLOW`,
// its parts measured first and copied into place at once (a million lines or more).
template <class Out>
void append_event_line(Out& out, logs::Level level, std::string_view service,
                       std::string_view message, bool has_duration, float duration_ms,
                       double slow) {
  // The duration to one decimal, as {:.1f} of the number written: when it was written with at
  // most one decimal (most are), that is its shortest form, and no rounding is needed.
  char duration[64];
  std::size_t duration_size = 0;
  if (has_duration) {
    char* at = duration;
    at = std::copy_n(" (", 2, at);
    char* const number = at;
    at = fmt::format_to(at, FMT_COMPILE("{}"), duration_ms);  // at most 16 characters
    const std::string_view written(number, static_cast<std::size_t>(at - number));
    const std::size_t dot = written.find('.');
    if (written.find('e') == std::string_view::npos &&
        (dot == std::string_view::npos || written.size() - dot == 2)) {
      if (dot == std::string_view::npos) at = std::copy_n(".0", 2, at);
    } else {
      at = fmt::format_to_n(number, 40, FMT_COMPILE("{:.1f}"), widen(duration_ms)).out;
    }
    at = std::copy_n("ms)", 3, at);
    if (duration_ms > slow) at = std::copy_n(" *** SLOW", 9, at);
    duration_size = static_cast<std::size_t>(at - duration);
  }
  const std::string_view name = logs::level_name(level);
  char* at = room(out, 3 + name.size() + 2 + service.size() + 2 + message.size() + duration_size + 1);
  at = std::copy_n("  [", 3, at);
  at = std::copy_n(name.data(), name.size(), at);
  at = std::copy_n("] ", 2, at);
  at = std::copy_n(service.data(), service.size(), at);
  at = std::copy_n(": ", 2, at);
  at = std::copy_n(message.data(), message.size(), at);
  at = std::copy_n(duration, duration_size, at);
  *at = '\n';
}

void append_event_line(std::string& out, const logs::EventStore& s, std::size_t i, double slow) {
  append_event_line(out, s.level(i), s.service(i), s.message(i), s.has_duration(i),
                    s.duration_ms(i), slow);
}

// stats_text(o, stats, out): the table as text or CSV (returned), or JSON records (to out).
std::string stats_text(const LogsOptions& o, const logs::Stats& s, core::Output& out) {
  std::string text;
  auto row = [&](std::string_view group, const logs::GroupStats& g) {
    const auto& d = g.durations;
    if (o.json) {
      out.record({{"group", group}, {"name", core::json_text(g.name)}, {"count", g.count},
                  {"errors", g.errors}, {"p50_ms", number_or_null(d.quantile(0.50))},
                  {"p95_ms", number_or_null(d.quantile(0.95))},
                  {"p99_ms", number_or_null(d.quantile(0.99))},
                  {"max_ms", d.count() ? number_or_null(d.max()) : json(nullptr)}});
      return;
    }
    auto ms = [&](double q) {
      return d.count() ? fmt::format("{:.1f}", widen(q > 1 ? d.max() : d.quantile(q)))
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

// run_stats: --stats and --count stream every input block by block: flat memory on any length
// of log.
int run_stats(const LogsOptions& o, const logs::Filter& filter,
              std::optional<logs::Format> forced, core::Output& out) {
  int status = core::exit_ok;
  logs::StatsBuilder all;
  std::size_t events = 0, slow = 0, skipped = 0, lines = 0;
  for (const std::string& name : o.files) {
    const int fd = name == "-" ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      status = core::report_error("logs", make_error(ErrorKind::io, "core.open",
                                                     fmt::format("cannot open '{}': {}", name,
                                                                 std::strerror(errno))));
      continue;
    }
    logs::StreamOptions pass;
    pass.format = forced;
    pass.filter = filter;
    pass.slow_ms = o.slow;
    pass.stats = o.stats;  // --count needs the counts only
    auto r = logs::stream(fd, pass);
    if (fd != STDIN_FILENO) ::close(fd);
    if (!r) {
      Error e = r.error();
      e.message = fmt::format("{}: {}", name, e.message);
      status = core::report_error("logs", e);
      continue;
    }
    if (r->skipped != 0)
      fmt::print(stderr, "kit logs: {}: {} line{} skipped (no format matched)\n", name,
                 r->skipped, r->skipped == 1 ? "" : "s");
    all.merge(r->stats);
    events += r->events;
    slow += r->slow;
    skipped += r->skipped;
    lines += r->lines;
  }
  if (o.count && !o.stats) {
    if (!o.json) out.text(fmt::format("Parsed {} events\n\nSlow events: {}\n", events, slow));
  } else {
    out.text(stats_text(o, all.finish(), out));
  }
  if (o.json) out.summary({{"events", events}, {"slow", slow}, {"skipped", skipped}, {"lines", lines}});
  const int written = out.finish();
  return status != core::exit_ok ? status : written;
}

// run_streamed: the tutorial's text output from regular files in flat memory, in two passes
// over each file: one to count what "Parsed N events" says first, one to print the events.
// The second reads no further than the first did (a log may grow meanwhile).
int run_streamed(const LogsOptions& o, const logs::Filter& filter,
                 std::optional<logs::Format> forced, const std::vector<int>& fds,
                 core::Output& out) {
  struct Counted {
    std::size_t bytes = 0;
    logs::Format format = logs::Format::seed;
    bool ok = false;
  };
  std::vector<Counted> counted(fds.size());
  int status = core::exit_ok;
  std::size_t events = 0, slow = 0;
  for (std::size_t k = 0; k < fds.size(); ++k) {
    logs::StreamOptions pass;
    pass.format = forced;
    pass.filter = filter;
    pass.slow_ms = o.slow;
    pass.stats = false;
    auto r = logs::stream(fds[k], pass);
    if (!r) {
      Error e = r.error();
      e.message = fmt::format("{}: {}", o.files[k], e.message);
      status = core::report_error("logs", e);
      continue;
    }
    if (r->skipped != 0)
      fmt::print(stderr, "kit logs: {}: {} line{} skipped (no format matched)\n", o.files[k],
                 r->skipped, r->skipped == 1 ? "" : "s");
    counted[k] = {r->bytes, r->format, true};
    events += r->events;
    slow += r->slow;
  }
  out.text(fmt::format("Parsed {} events\n", events));
  for (std::size_t k = 0; k < fds.size(); ++k) {
    if (!counted[k].ok) continue;
    logs::StreamOptions pass;
    pass.format = counted[k].format;
    pass.filter = filter;
    pass.slow_ms = o.slow;
    pass.stats = false;
    pass.max_bytes = counted[k].bytes;
    pass.format_event = [&](const logs::Event& e, core::Buffer& text) {
      append_event_line(text, e.level, e.service, e.message, e.has_duration, e.duration_ms, o.slow);
    };
    pass.write = [&](std::string_view text) { out.text(text); };
    auto r = ::lseek(fds[k], 0, SEEK_SET) == 0
                 ? logs::stream(fds[k], pass)
                 : tl::unexpected(make_error(ErrorKind::io, "logs.read",
                                             fmt::format("cannot read it again: {}",
                                                         std::strerror(errno))));
    if (!r) {
      Error e = r.error();
      e.message = fmt::format("{}: {}", o.files[k], e.message);
      status = core::report_error("logs", e);
    }
  }
  out.text(fmt::format("\nSlow events: {}\n", slow));
  const int written = out.finish();
  return status != core::exit_ok ? status : written;
}

int run_logs(LogsOptions& o) {
  if (o.json && o.csv) return core::report_error("logs", usage("--json and --csv exclude each other"));
  if (o.slow < 0 || !std::isfinite(o.slow))
    return core::report_error("logs", usage("--slow must be a duration in ms, 0 or more"));
  std::optional<logs::Format> forced;
  if (o.format != "auto") {
    forced = logs::parse_format(o.format);
    if (!forced)
      return core::report_error("logs", usage(fmt::format("--format: unknown format '{}' (auto, "
                                                          "seed, jsonl, combined)", o.format)));
  }
  auto filter = make_filter(o);
  if (!filter) return core::report_error("logs", filter.error());
  if (o.files.empty()) o.files.emplace_back("-");

  core::Output out({.json = o.json, .command = "logs"});
  int status = core::exit_ok;
  if ((o.stats || o.count) && !o.top) return run_stats(o, *filter, forced, out);
  if (!o.json && !o.csv && !o.top && o.show_skipped == 0) {
    // Regular files are streamed (flat memory); a pipe is read once, into the store below.
    std::vector<int> fds;
    for (const std::string& name : o.files) {
      struct stat st {};
      const int fd = name == "-" ? -1 : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) ::close(fd);
        break;
      }
      fds.push_back(fd);
    }
    if (fds.size() == o.files.size()) {
      const int result = run_streamed(o, *filter, forced, fds, out);
      for (int fd : fds) ::close(fd);
      return result;
    }
    for (int fd : fds) ::close(fd);
  }
  // Every file is parsed first (its events stay in the mapped file), so that the count the
  // tutorial prints first is known and --top ranks across files.
  struct Input {
    std::string name;
    core::InputFile file;
    logs::EventStore store;
  };
  std::vector<Input> inputs;
  std::size_t skipped = 0, lines = 0;
  for (const std::string& name : o.files) {
    auto file = core::InputFile::load(name);
    if (!file) {
      status = core::report_error("logs", file.error());
      continue;
    }
    const std::string_view bytes = file->bytes();
    const logs::Format format = forced.value_or(logs::detect_format(bytes));
    logs::EventStore store = logs::parse(bytes, {format, 0, o.json || o.csv, o.show_skipped});
    lines += store.lines;
    skipped += store.skipped;
    if (store.skipped != 0) {
      fmt::print(stderr, "kit logs: {}: {} line{} skipped (no format matched)\n", name,
                 store.skipped, store.skipped == 1 ? "" : "s");
      std::size_t line = 1;
      std::string_view rest = bytes;
      for (std::size_t wanted : store.skipped_lines) {
        for (; line < wanted; ++line) rest.remove_prefix(std::min(rest.size(), rest.find('\n') + 1));
        std::string_view text = rest.substr(0, rest.find('\n'));
        if (text.ends_with('\r')) text.remove_suffix(1);
        fmt::print(stderr, "kit logs: {}:{}: skipped: {}\n", name, wanted, text);
      }
    }
    inputs.push_back({name, std::move(*file), std::move(store)});
  }

  std::size_t parsed = 0, slow = 0;
  auto is_slow = [&](const logs::EventStore& s, std::size_t i) {
    return s.has_duration(i) && s.duration_ms(i) > o.slow;
  };
  std::vector<std::pair<const Input*, std::size_t>> shown;  // --top: the events to print
  logs::StatsBuilder stats;
  for (const Input& in : inputs) {
    std::vector<std::size_t> matching;  // --top: this file's candidates
    for (std::size_t i = 0; i < in.store.size(); ++i)
      if (logs::matches(in.store, i, *filter)) {
        ++parsed;
        slow += is_slow(in.store, i) ? 1u : 0u;
        if (o.stats)
          stats.add(in.store.service(i), in.store.level(i), in.store.has_duration(i),
                    in.store.duration_ms(i));
        else if (o.top)
          matching.push_back(i);
      }
    if (o.top)  // each file's N slowest (a bounded heap), then the N slowest of those
      for (std::size_t i : logs::slowest(in.store, matching, *o.top)) shown.emplace_back(&in, i);
  }
  if (o.top) {
    // Slowest first; ties keep file order (and, from slowest, line order).
    std::stable_sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) {
      return a.first->store.duration_ms(a.second) > b.first->store.duration_ms(b.second);
    });
    if (shown.size() > *o.top) shown.resize(*o.top);
  }

  std::string text;
  auto flush = [&] {
    out.text(text);
    text.clear();
  };
  auto print_event = [&](const Input& in, std::size_t i) {
    const logs::EventStore& s = in.store;
    if (o.json) {
      out.record({{"timestamp", logs::format_time(s.timestamp_us(i))},
                  {"level", logs::level_name(s.level(i))},
                  {"service", core::json_text(s.service(i))},
                  {"message", core::json_text(s.message(i))},
                  {"duration_ms", number_or_null(s.duration_ms(i))},
                  {"slow", is_slow(s, i)}, {"file", in.name}, {"line", s.line(i)}});
      return;
    }
    if (o.csv) {
      text += core::csv_record({logs::format_time(s.timestamp_us(i)),
                                std::string(logs::level_name(s.level(i))), std::string(s.service(i)),
                                std::string(s.message(i)),
                                s.has_duration(i) ? fmt::format("{}", widen(s.duration_ms(i))) : "",
                                is_slow(s, i) ? "true" : "false"});
      text += '\n';
    } else {
      append_event_line(text, s, i, o.slow);
    }
    if (text.size() >= (1 << 16)) flush();
  };

  if (o.stats) {
    text += stats_text(o, stats.finish(), out);
  } else {
    if (o.csv) text += "timestamp,level,service,message,duration_ms,slow\n";
    if (!o.json && !o.csv)
      text += fmt::format("Parsed {} events\n", parsed);  // --top shows N of them
    if (o.top) {
      for (const auto& [in, i] : shown) print_event(*in, i);
    } else if (!o.json && !o.csv) {
      // The tutorial's lines, formatted on every core in runs of events, written in order.
      flush();
      constexpr std::size_t run = 1 << 16;
      for (const Input& in : inputs)
        core::for_each_ordered(
            (in.store.size() + run - 1) / run, core::hardware_jobs(),
            [&](std::size_t r) {
              std::string piece;
              for (std::size_t i = r * run; i < std::min(in.store.size(), (r + 1) * run); ++i)
                if (logs::matches(in.store, i, *filter)) append_event_line(piece, in.store, i, o.slow);
              return piece;
            },
            [&](std::size_t, std::string piece) { out.text(piece); });
    } else {
      for (const Input& in : inputs)
        for (std::size_t i = 0; i < in.store.size(); ++i)
          if (logs::matches(in.store, i, *filter)) print_event(in, i);
    }
    if (!o.json && !o.csv) text += fmt::format("\nSlow events: {}\n", slow);
  }
  flush();
  if (o.json) out.summary({{"events", parsed}, {"slow", slow}, {"skipped", skipped}, {"lines", lines}});
  const int written = out.finish();
  return status != core::exit_ok ? status : written;
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
