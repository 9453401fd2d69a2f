// kit/logs/report.hpp — the report `kit logs` makes over several log files: the tutorial's
// text (`Parsed N events`, a line per event, `Slow events: K`), totals and statistics streamed
// in flat memory, or every event kept for the N slowest across files, JSON and CSV.
//
// A Report never prints. Its text, the files it could not read and the lines no format
// matched go, in order, to a ReportSink the caller gives; the report carries on past both.
//
// Example:
//   struct Print : kit::logs::ReportSink {
//     void text(std::string_view s) override { std::cout << s; }
//     void failed(const kit::Error& e) override { std::cerr << e.message << '\n'; }
//     void skipped(std::string_view file, std::size_t lines) override {}
//   } print;
//   kit::logs::Report report({"app.log", "api.log"}, {.slow_ms = 100});
//   report.print_text(print);   // the tutorial's output for both files
//   report.totals().slow;       // the events above 100 ms
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/buffer.hpp"
#include "kit/core/error.hpp"
#include "kit/core/file.hpp"
#include "kit/logs.hpp"

namespace kit::logs {

// format_event(event, slow_ms, out): appends the tutorial's line for the event,
//   "  [ERROR] db: Query timeout (1250.0ms) *** SLOW\n"
// with no "(…ms)" when it has no duration and "*** SLOW" when the duration is above slow_ms.
// The duration is printed to one decimal as Python's {:.1f} prints the number that was
// written: 0.85 -> "0.8", 1e-05 -> "0.0".
void format_event(const Event& event, double slow_ms, std::string& out);
void format_event(const Event& event, double slow_ms, core::Buffer& out);

// decimal(ms): a stored duration as the decimal it was written as (88.2, not
// 88.19999694824219), so that what prints it rounds as Python does the number it parsed.
[[nodiscard]] double decimal(float ms);

// ReportSink: where a Report's output goes, in the order it is made.
class ReportSink {
 public:
  virtual ~ReportSink() = default;
  // text(bytes): the report's output (the tutorial's text), a piece at a time.
  virtual void text(std::string_view bytes) = 0;
  // failed(error): an input that could not be read; the message names it.
  virtual void failed(const Error& error) = 0;
  // skipped(file, lines): lines of file no format matched (never fatal).
  virtual void skipped(std::string_view file, std::size_t lines) = 0;
  // skipped_line(file, line, text): one of the first ReportOptions::skipped_to_show of them,
  // without its line end.
  virtual void skipped_line(std::string_view file, std::size_t line, std::string_view text) {
    (void)file, (void)line, (void)text;
  }
};

struct ReportOptions {
  std::optional<Format> format;  // nullopt: detected per file
  Filter filter;
  double slow_ms = 500;             // slow: a duration above this
  bool stats = false;               // aggregate stats() (stream() and load())
  std::optional<std::size_t> top;   // keep the N slowest events across the files (load())
  bool line_numbers = false;        // keep each event's line number (load())
  std::size_t skipped_to_show = 0;  // give the sink the first N skipped lines (load())
  unsigned jobs = 0;                // 0: every core
};

// Totals: what passed the filter, over every file read.
struct Totals {
  std::size_t events = 0;   // events that passed the filter
  std::size_t slow = 0;     // of those, the slow ones
  std::size_t skipped = 0;  // non-empty lines no format matched
  std::size_t lines = 0;    // lines read
};

// StoredLog: one file parsed whole; its events point into `file`.
struct StoredLog {
  std::string name;
  core::InputFile file;
  EventStore store;
};
// EventRef: event `index` of logs()[log].
struct EventRef {
  std::size_t log = 0;
  std::size_t index = 0;
};

class Report {
 public:
  // Report(files, options): "-" is standard input.
  Report(std::vector<std::string> files, ReportOptions options);

  // stream(sink): every file read once, block by block, in flat memory however long it is:
  // totals(), and stats() when options.stats. Nothing goes to sink.text().
  void stream(ReportSink& sink);

  // print_text(sink): the tutorial's whole text — `Parsed N events`, the line of every event
  // that passed the filter (the N slowest, slowest first, with options.top), `Slow events: K` —
  // formatted on every core and written in order. Regular files are read twice in flat memory:
  // once to count what `Parsed N events` says first, once to print, no further than the first
  // read (a log may grow meanwhile). Anything else (a pipe, options.top or skipped_to_show) is
  // load()ed first.
  void print_text(ReportSink& sink);

  // load(sink): every file parsed whole into logs(), with totals(), stats() when
  // options.stats and top() when options.top. Nothing goes to sink.text().
  void load(ReportSink& sink);

  [[nodiscard]] const Totals& totals() const { return totals_; }
  // stats(): per service and per level, of the events that passed the filter.
  [[nodiscard]] Stats stats() const { return stats_.finish(); }
  [[nodiscard]] const std::vector<StoredLog>& logs() const { return logs_; }
  // top(): after load() with options.top, the N slowest events across the files, slowest
  // first; ties keep file order, then line order. Events without a duration never rank.
  [[nodiscard]] const std::vector<EventRef>& top() const { return top_; }

  // for_each_match(f): f(log, i) for each event of logs() that passes the filter, in order.
  template <class F>
  void for_each_match(F&& f) const {
    for (const StoredLog& log : logs_)
      for (std::size_t i = 0; i < log.store.size(); ++i)
        if (matches(log.store, i, options_.filter)) f(log, i);
  }

 private:
  void print_streamed(std::vector<core::FileDescriptor>& fds, ReportSink& sink);
  // load_opened(opened, sink): load() where opened[i], when there, is files_[i] already open.
  void load_opened(std::vector<core::FileDescriptor> opened, ReportSink& sink);
  [[nodiscard]] StreamOptions stream_options(bool stats) const;
  void count(const StreamResult& result, std::string_view name, ReportSink& sink);

  std::vector<std::string> files_;
  ReportOptions options_;
  Totals totals_;
  StatsBuilder stats_;
  std::vector<StoredLog> logs_;
  std::vector<EventRef> top_;
};

}  // namespace kit::logs
