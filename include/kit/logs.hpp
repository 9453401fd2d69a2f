// kit/logs.hpp — event logs parsed into a compact column store, and the queries people run on
// them: filters, the slowest N, per-service and per-level statistics.
//
// Three line formats: the tutorial's `2024-01-15 10:23:01 ERROR db Query timeout 1250.0ms`
// ("seed"), JSON Lines with the usual keys, and nginx/Apache combined access logs. An
// EventStore keeps each event in 23 bytes of columns (timestamp, level, service id, message
// offset and length into the mapped file, duration) — the C++ answer to __slots__ — and is
// filled on every core.
//
// Example:
//   auto file = kit::core::InputFile::load("app.log");
//   kit::logs::EventStore store = kit::logs::parse(file->bytes(), kit::logs::Format::seed);
//   kit::logs::Filter slow{.min_duration_ms = 100};
//   for (std::size_t i : kit::logs::select(store, slow)) store.message(i);
//   kit::logs::StatsBuilder stats;
//   for (std::size_t i : kit::logs::select(store, {}))
//     stats.add(store.service(i), store.level(i), store.has_duration(i), store.duration_ms(i));
//
// What `kit logs` prints over several files (the tutorial's lines, the N slowest across
// files, totals streamed in flat memory) is a logs::Report: kit/logs/report.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kit/core/buffer.hpp"
#include "kit/core/error.hpp"

namespace kit::logs {

enum class Level : std::uint8_t { debug, info, warning, error, critical };
inline constexpr std::size_t level_count = 5;

// level_name(Level::warning) == "WARNING".
[[nodiscard]] std::string_view level_name(Level level);
// parse_level("warn"): case-insensitive; WARN means WARNING and FATAL means CRITICAL.
[[nodiscard]] std::optional<Level> parse_level(std::string_view text);

enum class Format : std::uint8_t { seed, jsonl, combined };
// parse_format("jsonl"): a format by its name (seed, jsonl, combined).
[[nodiscard]] std::optional<Format> parse_format(std::string_view text);
// detect_format(text): the format that parses the most of the first 100 non-empty lines.
[[nodiscard]] Format detect_format(std::string_view text);

// parse_time("2024-01-15 10:23:01.5+02:00"): microseconds since the epoch, UTC (a time
// without a zone is taken as UTC). Also "2024-01-15" (midnight) and "…T…Z".
[[nodiscard]] std::optional<std::int64_t> parse_time(std::string_view text);
// format_time(us): "2024-01-15T10:23:01Z", with ".5" etc. when there is a fraction.
[[nodiscard]] std::string format_time(std::int64_t us);

// One parsed line. Text fields are views: into the line, or (a JSON string with escapes) into
// `unescaped`, owned by the caller.
struct Event {
  std::int64_t timestamp_us = 0;
  Level level = Level::info;
  std::string_view service;
  std::string_view message;
  float duration_ms = 0;
  bool has_duration = false;
};

// parse_line(format, line, event, scratch, message): whether the line (without its "\n") is an
// event. scratch holds text the event points to when it cannot point into the line. Without
// `message`, event.message is left unset where that saves work (counting needs no message).
[[nodiscard]] bool parse_line(Format format, std::string_view line, Event& event,
                              std::string& scratch, bool message = true);

namespace detail {
// NameHash: lets a map keyed by std::string be searched with a string_view (no copy).
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace detail

// EventStore: events in columns. Messages and services point into the text that was parsed,
// which must outlive the store (a mapped file); text that had to be rewritten (JSON escapes)
// lives in the store.
class EventStore {
 public:
  [[nodiscard]] std::size_t size() const { return timestamps_.size(); }
  [[nodiscard]] std::int64_t timestamp_us(std::size_t i) const { return timestamps_[i]; }
  [[nodiscard]] Level level(std::size_t i) const { return static_cast<Level>(levels_[i]); }
  [[nodiscard]] bool has_duration(std::size_t i) const;
  [[nodiscard]] float duration_ms(std::size_t i) const { return durations_[i]; }
  [[nodiscard]] std::string_view service(std::size_t i) const {
    return service_names_[services_[i]];
  }
  [[nodiscard]] std::string_view message(std::size_t i) const;
  // line(i): the event's line number, 1 for the first (0 unless ParseOptions::line_numbers).
  [[nodiscard]] std::size_t line(std::size_t i) const {
    return line_numbers_.empty() ? 0 : line_numbers_[i];
  }
  // event(i): the event as parse_line gave it (its views into the parsed text or the store).
  [[nodiscard]] Event event(std::size_t i) const;

  [[nodiscard]] std::size_t lines() const { return lines_; }  // lines read
  [[nodiscard]] std::size_t skipped() const {
    return skipped_;
  }  // non-empty lines no format matched
  // skipped_lines(): the line numbers of the first ParseOptions::skipped_to_keep of those.
  [[nodiscard]] const std::vector<std::size_t>& skipped_lines() const { return skipped_lines_; }

  // bytes_per_event(): what the columns cost per event (line numbers excluded: kept only
  // when asked for), by the store's own accounting.
  [[nodiscard]] static constexpr std::size_t bytes_per_event() {
    return sizeof(std::int64_t) + sizeof(std::uint8_t) + sizeof(std::uint16_t) +
           sizeof(std::uint64_t) + sizeof(float);
  }

 private:
  friend EventStore parse(std::string_view text, const struct ParseOptions& options);
  // add(event, text, line_number): appends; the event's views lie in `text` (the parsed
  // buffer) or are copied into the store.
  void add(const Event& event, std::string_view text, std::size_t line_number);
  // append(other): other's events after these (services re-numbered), for merging the pieces
  // a parallel parse made.
  void append(EventStore&& other);
  void reserve(std::size_t events);
  std::uint16_t intern(std::string_view service);

  std::unordered_map<std::string, std::uint16_t, detail::NameHash, std::equal_to<>> service_ids_;
  std::vector<std::int64_t> timestamps_;
  std::vector<std::uint8_t> levels_;
  std::vector<std::uint16_t> services_;
  std::vector<std::uint64_t> messages_;  // 40-bit offset (top bit: in owned_), 24-bit length
  std::vector<float> durations_;         // NaN: none
  std::vector<std::size_t> line_numbers_;
  std::vector<std::string> service_names_;
  std::string owned_;           // message text the store had to copy
  const char* base_ = nullptr;  // start of the parsed text
  bool keep_line_numbers_ = false;
  std::size_t lines_ = 0, skipped_ = 0;
  std::vector<std::size_t> skipped_lines_;
};

struct ParseOptions {
  Format format = Format::seed;
  unsigned jobs = 0;                // 0: every core
  bool line_numbers = false;        // keep each event's line number
  std::size_t skipped_to_keep = 0;  // remember the first N skipped line numbers
};
// parse(text, options): every event of text, parsed on `jobs` threads (pieces cut at line ends).
[[nodiscard]] EventStore parse(std::string_view text, const ParseOptions& options);

// ---- Queries --------------------------------------------------------------------------------

struct Filter {
  unsigned levels = 0;  // bit per Level; 0: all
  std::optional<std::string> service;
  std::optional<std::int64_t> since_us, until_us;  // since inclusive, until exclusive
  std::optional<std::string> grep;                 // substring of the message
  std::optional<float> min_duration_ms;            // keep only events slower than this
};
[[nodiscard]] bool matches(const EventStore& store, std::size_t i, const Filter& filter);
[[nodiscard]] bool matches(const Event& event, const Filter& filter);
// select(store, filter): the indexes of the matching events, in order.
[[nodiscard]] std::vector<std::size_t> select(const EventStore& store, const Filter& filter);
// slowest(store, events, n): the n slowest of events (ties: earlier first), a bounded heap.
[[nodiscard]] std::vector<std::size_t> slowest(const EventStore& store,
                                               const std::vector<std::size_t>& events,
                                               std::size_t n);

// A quantile sketch in flat memory: exact up to 1024 values; past that, durations in buckets
// 1/64 of an octave wide, so any quantile is within 0.8% of the exact value and never outside
// [min, max]. count, min and max are always exact.
class DurationSketch {
 public:
  void add(float ms);
  void merge(const DurationSketch& other);
  [[nodiscard]] std::size_t count() const { return count_; }
  [[nodiscard]] float max() const { return max_; }
  // quantile(q): nearest-rank quantile, 0 < q <= 1; NaN when empty.
  [[nodiscard]] float quantile(double q) const;

 private:
  void spill();  // exact values into buckets
  void bucket(float ms);
  std::vector<float> exact_;  // every value while there are few (then empty and spilled)
  bool spilled_ = false;
  std::vector<std::uint64_t> buckets_;
  std::uint64_t zeros_ = 0;  // durations of 0 (and below the smallest bucket)
  std::size_t count_ = 0;
  float min_ = 0, max_ = 0;
};

struct GroupStats {
  std::string name;
  std::size_t count = 0;
  std::size_t errors = 0;  // ERROR and CRITICAL
  DurationSketch durations;
};
struct Stats {
  std::vector<GroupStats> services;  // sorted by name
  std::vector<GroupStats> levels;    // DEBUG … CRITICAL, those present
};
// StatsBuilder: aggregates as events stream by (flat memory: one sketch per group).
class StatsBuilder {
 public:
  void add(std::string_view service, Level level, bool has_duration, float duration_ms);
  void merge(const StatsBuilder& other);
  [[nodiscard]] Stats finish() const;

 private:
  GroupStats& service(std::string_view name);
  std::vector<GroupStats> services_;  // in first-seen order
  std::unordered_map<std::string, std::size_t, detail::NameHash, std::equal_to<>> lookup_;
  GroupStats levels_[level_count];
};

// ---- Streaming ------------------------------------------------------------------------------

struct StreamResult {
  StatsBuilder stats;
  Format format = Format::seed;
  std::size_t lines = 0, skipped = 0, events = 0, slow = 0;
  std::size_t bytes = 0;  // read from fd
};
struct StreamOptions {
  std::optional<Format> format;  // nullopt: detected from the first block
  Filter filter;
  double slow_ms = 500;
  bool stats = true;  // aggregate StreamResult::stats (counts are always kept)
  unsigned jobs = 0;  // 0: every core
  std::size_t max_bytes = std::numeric_limits<std::size_t>::max();  // stop reading after these
  // format_event(event, out): when set, every matching event is formatted into out on the
  // worker threads, and write(text) gets the texts in input order, block by block.
  std::function<void(const Event&, core::Buffer&)> format_event;
  std::function<void(std::string_view)> write;
};
// stream(fd, options): every event read from fd (a file or a pipe), block by block, parsed on
// `jobs` threads: counted, aggregated, formatted. Memory stays flat however long the input.
[[nodiscard]] Result<StreamResult> stream(int fd, const StreamOptions& options);

}  // namespace kit::logs
