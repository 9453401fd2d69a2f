// The report `kit logs` makes over several files: the tutorial's lines (formatted on every
// core), two passes over regular files in flat memory, the N slowest across files.
#include "kit/logs/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fast_float/fast_float.h>
#include <fmt/compile.h>
#include <fmt/format.h>

#include "kit/core/parallel.hpp"

namespace kit::logs {

namespace {

// room(out, n): n more bytes at the end of out, to be written.
char* room(std::string& out, std::size_t n) {
  out.resize(out.size() + n);
  return out.data() + out.size() - n;
}
char* room(core::Buffer& out, std::size_t n) {
  return out.extend(n);
}

// append_line(out, event, slow): format_event, its parts measured first and copied into
// place at once (a million lines or more). Inline: every loop that formats lives in this file.
template <class Out>
inline void append_line(Out& out, const Event& event, double slow) {
  // The duration to one decimal, as {:.1f} of the number written: when it was written with at
  // most one decimal (most are), that is its shortest form, and no rounding is needed.
  char duration[64];
  std::size_t duration_size = 0;
  if (event.has_duration) {
    char* at = duration;
    at = std::copy_n(" (", 2, at);
    char* const number = at;
    at = fmt::format_to(at, FMT_COMPILE("{}"), event.duration_ms);  // at most 16 characters
    const std::string_view written(number, static_cast<std::size_t>(at - number));
    const std::size_t dot = written.find('.');
    if (written.find('e') == std::string_view::npos &&
        (dot == std::string_view::npos || written.size() - dot == 2)) {
      if (dot == std::string_view::npos) at = std::copy_n(".0", 2, at);
    } else {
      at = fmt::format_to_n(number, 40, FMT_COMPILE("{:.1f}"), decimal(event.duration_ms)).out;
    }
    at = std::copy_n("ms)", 3, at);
    if (event.duration_ms > slow) at = std::copy_n(" *** SLOW", 9, at);
    duration_size = static_cast<std::size_t>(at - duration);
  }
  const std::string_view name = level_name(event.level);
  const std::string_view service = event.service, message = event.message;
  char* at =
      room(out, 3 + name.size() + 2 + service.size() + 2 + message.size() + duration_size + 1);
  at = std::copy_n("  [", 3, at);
  at = std::copy_n(name.data(), name.size(), at);
  at = std::copy_n("] ", 2, at);
  at = std::copy_n(service.data(), service.size(), at);
  at = std::copy_n(": ", 2, at);
  at = std::copy_n(message.data(), message.size(), at);
  at = std::copy_n(duration, duration_size, at);
  *at = '\n';
}

bool is_slow(const EventStore& store, std::size_t i, double slow_ms) {
  return store.has_duration(i) && store.duration_ms(i) > slow_ms;
}

// named(name, error): the error, its message prefixed with the input's name.
Error named(std::string_view name, Error error) {
  error.message = fmt::format("{}: {}", name, error.message);
  return error;
}

}  // namespace

void format_event(const Event& event, double slow_ms, std::string& out) {
  append_line(out, event, slow_ms);
}
void format_event(const Event& event, double slow_ms, core::Buffer& out) {
  append_line(out, event, slow_ms);
}

double decimal(float ms) {
  char text[32];
  const char* end = fmt::format_to_n(text, sizeof text, "{}", ms).out;
  double x = 0;
  fast_float::from_chars(text, end, x);  // correctly rounded, as strtod, several times faster
  return x;
}

Report::Report(std::vector<std::string> files, ReportOptions options)
    : files_(std::move(files)), options_(std::move(options)) {}

// count(result, name, sink): a file's streamed counts into the totals.
void Report::count(const StreamResult& result, std::string_view name, ReportSink& sink) {
  if (result.skipped != 0) sink.skipped(name, result.skipped);
  totals_.events += result.events;
  totals_.slow += result.slow;
  totals_.skipped += result.skipped;
  totals_.lines += result.lines;
}

StreamOptions Report::stream_options(bool stats) const {
  StreamOptions pass;
  pass.format = options_.format;
  pass.filter = options_.filter;
  pass.slow_ms = options_.slow_ms;
  pass.stats = stats;
  pass.jobs = options_.jobs;
  return pass;
}

void Report::stream(ReportSink& sink) {
  const StreamOptions pass = stream_options(options_.stats);
  for (const std::string& name : files_) {
    auto fd = core::open_for_reading(name);
    if (!fd) {
      sink.failed(fd.error());
      continue;
    }
    auto r = logs::stream(fd->get(), pass);
    if (!r) {
      sink.failed(named(name, r.error()));
      continue;
    }
    count(*r, name, sink);
    stats_.merge(r->stats);
  }
}

void Report::print_text(ReportSink& sink) {
  if (!options_.top && options_.skipped_to_show == 0) {
    // Regular files are streamed (flat memory); a pipe is read once, into a store.
    std::vector<core::FileDescriptor> fds;
    bool all_regular = true;
    for (const std::string& name : files_) {
      if (name == "-") break;
      auto fd = core::open_for_reading(name);
      if (!fd) break;  // load() reports what cannot be opened
      all_regular = fd->regular_size().has_value();
      fds.push_back(std::move(*fd));  // a FIFO is read from this open, never opened again
      if (!all_regular) break;
    }
    if (all_regular && fds.size() == files_.size()) return print_streamed(fds, sink);
    load_opened(std::move(fds), sink);
  } else {
    load(sink);
  }
  sink.text(fmt::format("Parsed {} events\n", totals_.events));  // options.top prints N of them
  if (options_.top) {
    std::string text;
    for (const EventRef& ref : top_) {
      append_line(text, logs_[ref.log].store.event(ref.index), options_.slow_ms);
      if (text.size() >= (1 << 16)) {
        sink.text(text);
        text.clear();
      }
    }
    if (!text.empty()) sink.text(text);
  } else {
    // The lines, formatted on every core in runs of events, written in order.
    constexpr std::size_t run = 1 << 16;
    for (const StoredLog& log : logs_)
      core::for_each_ordered((log.store.size() + run - 1) / run,
                             options_.jobs != 0 ? options_.jobs : core::hardware_jobs(),
                             [&](std::size_t r) {
                               std::string piece;
                               for (std::size_t i = r * run;
                                    i < std::min(log.store.size(), (r + 1) * run); ++i)
                                 if (matches(log.store, i, options_.filter))
                                   append_line(piece, log.store.event(i), options_.slow_ms);
                               return piece;
                             },
                             [&](std::size_t, std::string piece) { sink.text(piece); });
  }
  sink.text(fmt::format("\nSlow events: {}\n", totals_.slow));
}

// print_streamed: print_text from regular files in two passes over each: one counts, one
// parses again and formats on the worker threads. Neither keeps events.
void Report::print_streamed(std::vector<core::FileDescriptor>& fds, ReportSink& sink) {
  struct Counted {
    std::size_t bytes = 0;
    Format format = Format::seed;
    bool ok = false;
  };
  std::vector<Counted> counted(fds.size());
  StreamOptions pass = stream_options(false);  // counts only
  for (std::size_t k = 0; k < fds.size(); ++k) {
    auto r = logs::stream(fds[k].get(), pass);
    if (!r) {
      sink.failed(named(files_[k], r.error()));
      continue;
    }
    count(*r, files_[k], sink);
    counted[k] = {r->bytes, r->format, true};
  }
  sink.text(fmt::format("Parsed {} events\n", totals_.events));
  const double slow = options_.slow_ms;
  pass.format_event = [slow](const Event& e, core::Buffer& text) { append_line(text, e, slow); };
  pass.write = [&](std::string_view text) { sink.text(text); };
  for (std::size_t k = 0; k < fds.size(); ++k) {
    if (!counted[k].ok) continue;
    pass.format = counted[k].format;
    pass.max_bytes = counted[k].bytes;
    auto r = ::lseek(fds[k].get(), 0, SEEK_SET) == 0
                 ? logs::stream(fds[k].get(), pass)
                 : Result<StreamResult>(
                       fail(ErrorKind::io, "logs.read",
                            fmt::format("cannot read it again: {}", std::strerror(errno))));
    if (!r) sink.failed(named(files_[k], r.error()));
  }
  sink.text(fmt::format("\nSlow events: {}\n", totals_.slow));
}

void Report::load(ReportSink& sink) {
  load_opened({}, sink);
}

void Report::load_opened(std::vector<core::FileDescriptor> opened, ReportSink& sink) {
  // Every file is parsed first (its events stay in the mapped file), so that the count the
  // tutorial prints first is known and top() ranks across files.
  logs_.reserve(files_.size());
  for (std::size_t k = 0; k < files_.size(); ++k) {
    const std::string& name = files_[k];
    auto file = k < opened.size() ? core::InputFile::load(std::move(opened[k]), name)
                                  : core::InputFile::load(name);
    if (!file) {
      sink.failed(file.error());
      continue;
    }
    const std::string_view bytes = file->bytes();
    EventStore store = parse(bytes, {options_.format.value_or(detect_format(bytes)), options_.jobs,
                                     options_.line_numbers, options_.skipped_to_show});
    totals_.lines += store.lines();
    totals_.skipped += store.skipped();
    if (store.skipped() != 0) {
      sink.skipped(name, store.skipped());
      // The skipped lines' text, found again by walking the lines up to each.
      std::size_t line = 1;
      std::string_view rest = bytes;
      for (std::size_t wanted : store.skipped_lines()) {
        for (; line < wanted; ++line)
          rest.remove_prefix(std::min(rest.size(), rest.find('\n') + 1));
        std::string_view text = rest.substr(0, rest.find('\n'));
        if (text.ends_with('\r')) text.remove_suffix(1);
        sink.skipped_line(name, wanted, text);
      }
    }
    logs_.push_back({name, std::move(*file), std::move(store)});
  }

  for (std::size_t k = 0; k < logs_.size(); ++k) {
    const EventStore& store = logs_[k].store;
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < store.size(); ++i) {
      if (!matches(store, i, options_.filter)) continue;
      ++totals_.events;
      totals_.slow += is_slow(store, i, options_.slow_ms) ? 1u : 0u;
      if (options_.stats)
        stats_.add(store.service(i), store.level(i), store.has_duration(i), store.duration_ms(i));
      if (options_.top) candidates.push_back(i);
    }
    if (options_.top)  // a bounded heap per file, then the N slowest of those
      for (std::size_t i : slowest(store, candidates, *options_.top)) top_.push_back({k, i});
  }
  if (options_.top) {
    // Slowest first; ties keep file order (and, from slowest(), line order).
    auto duration = [&](const EventRef& e) { return logs_[e.log].store.duration_ms(e.index); };
    std::stable_sort(top_.begin(), top_.end(), [&](const EventRef& a, const EventRef& b) {
      return duration(a) > duration(b);
    });
    if (top_.size() > *options_.top) top_.resize(*options_.top);
  }
}

}  // namespace kit::logs
