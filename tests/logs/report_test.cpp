// logs::format_event and logs::Report: the tutorial's line, the count-then-print pipeline over
// regular files, the store it falls back to, skipped-line reports and the N slowest across files.
#include "kit/logs/report.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace lg = kit::logs;

namespace {

// Recorder: everything a report hands its sink, in order.
struct Recorder : lg::ReportSink {
  std::string out;
  std::vector<std::string> notes;  // failures and skipped lines, as the CLI would word them
  std::function<void()> on_first_text;

  void text(std::string_view bytes) override {
    if (on_first_text) std::exchange(on_first_text, nullptr)();
    out += bytes;
  }
  void failed(const kit::Error& error) override { notes.push_back("failed: " + error.message); }
  void skipped(std::string_view file, std::size_t lines) override {
    notes.push_back(std::string(file) + ": " + std::to_string(lines) + " skipped");
  }
  void skipped_line(std::string_view file, std::size_t line, std::string_view text) override {
    notes.push_back(std::string(file) + ":" + std::to_string(line) + ": " + std::string(text));
  }
};

// A folder of log files, removed at the end.
class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/kit-logs-report-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text, const char* mode = "w") {
    const std::string path = dir_ + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), mode);
    EXPECT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return path;
  }

  std::string dir_;
};

lg::Event event(lg::Level level, std::string_view service, std::string_view message,
                std::optional<float> ms = std::nullopt) {
  lg::Event e;
  e.level = level;
  e.service = service;
  e.message = message;
  e.has_duration = ms.has_value();
  e.duration_ms = ms.value_or(0);
  return e;
}

std::string line(const lg::Event& e, double slow = 500) {
  std::string s;
  lg::format_event(e, slow, s);
  return s;
}

const std::string kA =
    "2024-01-15 10:23:01 INFO auth User logged in 12.5ms\n"
    "2024-01-15 10:23:02 ERROR db Query timeout 1250.0ms\n"
    "garbage line\r\n"
    "\n"
    "2024-01-15 10:23:03 INFO api Request OK 30\n"
    "2024-01-15 10:23:04 WARNING cache Cache miss\n";
const std::string kB =
    "2024-01-15 10:24:00 ERROR auth Login failed 30\n"
    "not an event\n"
    "2024-01-15 10:24:01 INFO api Request OK 50.0\n"
    "also not\n";
const std::string kExpected =
    "Parsed 6 events\n"
    "  [INFO] auth: User logged in (12.5ms)\n"
    "  [ERROR] db: Query timeout (1250.0ms) *** SLOW\n"
    "  [INFO] api: Request OK (30.0ms)\n"
    "  [WARNING] cache: Cache miss\n"
    "  [ERROR] auth: Login failed (30.0ms)\n"
    "  [INFO] api: Request OK (50.0ms)\n"
    "\n"
    "Slow events: 1\n";

}  // namespace

TEST(FormatEvent, TheTutorialsLine) {
  EXPECT_EQ(line(event(lg::Level::error, "db", "Query timeout", 1250.0f)),
            "  [ERROR] db: Query timeout (1250.0ms) *** SLOW\n");
  EXPECT_EQ(line(event(lg::Level::warning, "cache", "Cache miss")),
            "  [WARNING] cache: Cache miss\n");
  // Python's f"[{level}] {service}: {message}{d}" with both empty.
  EXPECT_EQ(line(event(lg::Level::info, "", "", 12.5f)), "  [INFO] :  (12.5ms)\n");
  // Slow is strictly above the threshold.
  EXPECT_EQ(line(event(lg::Level::debug, "a", "b", 500.0f)), "  [DEBUG] a: b (500.0ms)\n");
  EXPECT_EQ(line(event(lg::Level::critical, "a", "b", 500.5f)),
            "  [CRITICAL] a: b (500.5ms) *** SLOW\n");
  EXPECT_EQ(line(event(lg::Level::info, "a", "b", 0.0f), 0), "  [INFO] a: b (0.0ms)\n");
}

TEST(FormatEvent, RoundsTheWrittenNumberAsPython) {
  // Python's f"{x:.1f}" of the number the line spelled, not of the float kept.
  EXPECT_EQ(line(event(lg::Level::info, "s", "m", 0.85f)), "  [INFO] s: m (0.8ms)\n");
  EXPECT_EQ(line(event(lg::Level::info, "s", "m", 2.25f)), "  [INFO] s: m (2.2ms)\n");
  EXPECT_EQ(line(event(lg::Level::info, "s", "m", 88.25f)), "  [INFO] s: m (88.2ms)\n");
  EXPECT_EQ(line(event(lg::Level::info, "s", "m", 0.001f)), "  [INFO] s: m (0.0ms)\n");
  EXPECT_EQ(line(event(lg::Level::info, "s", "m", 1e-05f)), "  [INFO] s: m (0.0ms)\n");
  EXPECT_EQ(line(event(lg::Level::info, "s", "m", 123456789.5f), 1e12),
            "  [INFO] s: m (123456790.0ms)\n");
  EXPECT_EQ(line(event(lg::Level::info, "s", "m", 1.96f)), "  [INFO] s: m (2.0ms)\n");
  EXPECT_EQ(lg::decimal(88.2f), 88.2);
  EXPECT_EQ(lg::decimal(0.85f), 0.85);
}

TEST(FormatEvent, BufferAndStringAgreeAndAppend) {
  const std::string message(300, 'x');
  const lg::Event e = event(lg::Level::error, "payments", message, 7.75f);
  std::string s = "before\n";
  kit::core::Buffer b;
  b.append("before\n");
  for (int i = 0; i < 3; ++i) {
    lg::format_event(e, 5, s);
    lg::format_event(e, 5, b);
  }
  EXPECT_EQ(std::string(b.view()), s);
  EXPECT_EQ(s.rfind("before\n", 0), 0u);
  EXPECT_EQ(s.size(), 7 + 3 * line(e, 5).size());
}

TEST_F(ReportTest, PrintTextStreamsRegularFilesAndReportsSkippedLines) {
  const std::string a = write("a.log", kA), b = write("b.log", kB);
  Recorder r;
  lg::Report report({a, b}, {});
  report.print_text(r);
  EXPECT_EQ(r.out, kExpected);
  // One "skipped" note per file, before any text; no line texts unless asked for.
  EXPECT_EQ(r.notes, (std::vector<std::string>{a + ": 1 skipped", b + ": 2 skipped"}));
  EXPECT_EQ(report.totals().events, 6u);
  EXPECT_EQ(report.totals().slow, 1u);
  EXPECT_EQ(report.totals().skipped, 3u);
  EXPECT_EQ(report.totals().lines, 10u);
  EXPECT_TRUE(report.logs().empty());  // streamed: nothing kept
}

TEST_F(ReportTest, ThePrintingPassReadsNoFurtherThanTheCount) {
  const std::string a = write("a.log", kA);
  Recorder r;
  // The log grows between the two passes (when "Parsed N events" is written).
  r.on_first_text = [&] { write("a.log", "2024-01-15 10:25:00 ERROR late Too late 900\n", "a"); };
  lg::Report report({a}, {});
  report.print_text(r);
  EXPECT_EQ(r.out.find("late"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.rfind("Parsed 4 events\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nSlow events: 1\n"), std::string::npos) << r.out;
}

TEST_F(ReportTest, TheStoreGivesTheSameTextAndTheSkippedLinesText) {
  const std::string a = write("a.log", kA), b = write("b.log", kB);
  Recorder r;
  lg::ReportOptions options;
  options.skipped_to_show = 1;  // needs the store (the text of a skipped line)
  lg::Report report({a, b}, options);
  report.print_text(r);
  EXPECT_EQ(r.out, kExpected);
  EXPECT_EQ(r.notes, (std::vector<std::string>{a + ": 1 skipped", a + ":3: garbage line",
                                               b + ": 2 skipped", b + ":2: not an event"}));
  ASSERT_EQ(report.logs().size(), 2u);
  EXPECT_EQ(report.logs()[1].name, b);
  EXPECT_EQ(report.totals().lines, 10u);

  Recorder all;
  options.skipped_to_show = 5;
  lg::Report more({b}, options);
  more.load(all);
  EXPECT_TRUE(all.out.empty());
  EXPECT_EQ(all.notes, (std::vector<std::string>{b + ": 2 skipped", b + ":2: not an event",
                                                 b + ":4: also not"}));
}

TEST_F(ReportTest, AFileThatCannotBeOpenedIsReportedAndTheRestGoesOn) {
  const std::string a = write("a.log", kA), missing = dir_ + "/missing.log";
  for (int mode = 0; mode < 3; ++mode) {
    Recorder r;
    lg::Report report({missing, a}, {});
    if (mode == 0) report.print_text(r);
    if (mode == 1) report.stream(r);
    if (mode == 2) report.load(r);
    ASSERT_FALSE(r.notes.empty()) << mode;
    EXPECT_EQ(r.notes[0], "failed: cannot open '" + missing + "': No such file or directory")
        << mode;
    EXPECT_EQ(report.totals().events, 4u) << mode;
    if (mode == 0) {
      EXPECT_EQ(r.out.rfind("Parsed 4 events\n", 0), 0u);
    }
  }
}

TEST_F(ReportTest, TopRanksAcrossFilesSlowestFirstTiesInFileOrder) {
  const std::string a = write("a.log",
                              "2024-01-15 10:00:00 INFO a one 5\n"
                              "2024-01-15 10:00:01 INFO a two 30\n"
                              "2024-01-15 10:00:02 INFO a three 10\n"
                              "2024-01-15 10:00:03 INFO a four 30\n");
  const std::string b = write("b.log",
                              "2024-01-15 10:00:00 INFO b five 30\n"
                              "2024-01-15 10:00:01 INFO b six\n"
                              "2024-01-15 10:00:02 ERROR b seven 50\n");
  lg::ReportOptions options;
  options.top = 4;
  options.slow_ms = 40;
  Recorder r;
  lg::Report report({a, b}, options);
  report.print_text(r);
  EXPECT_EQ(r.out,
            "Parsed 7 events\n"
            "  [ERROR] b: seven (50.0ms) *** SLOW\n"
            "  [INFO] a: two (30.0ms)\n"
            "  [INFO] a: four (30.0ms)\n"
            "  [INFO] b: five (30.0ms)\n"
            "\n"
            "Slow events: 1\n");
  std::vector<std::pair<std::size_t, std::size_t>> top;
  for (const lg::EventRef& e : report.top()) top.emplace_back(e.log, e.index);
  EXPECT_EQ(top,
            (std::vector<std::pair<std::size_t, std::size_t>>{{1, 2}, {0, 1}, {0, 3}, {1, 0}}));

  // More than there are: every event with a duration; none without one; the filter applies.
  options.top = 100;
  options.filter.levels = 1u << static_cast<unsigned>(lg::Level::info);
  Recorder r2;
  lg::Report wide({a, b}, options);
  wide.load(r2);
  EXPECT_EQ(wide.top().size(), 5u);
  EXPECT_EQ(wide.totals().events, 6u);
  options.top = 0;
  lg::Report none({a, b}, options);
  none.print_text(r2);
  EXPECT_TRUE(none.top().empty());
}

TEST_F(ReportTest, StreamAndLoadAgreeOnTotalsAndStats) {
  const std::string a = write("a.log", kA), b = write("b.log", kB);
  lg::ReportOptions options;
  options.stats = true;
  options.slow_ms = 20;
  options.filter.grep = "o";
  Recorder rs, rl;
  lg::Report streamed({a, b}, options), loaded({a, b}, options);
  streamed.stream(rs);
  loaded.load(rl);
  EXPECT_TRUE(rs.out.empty());
  EXPECT_EQ(rs.notes, rl.notes);
  for (const lg::Totals& t : {streamed.totals(), loaded.totals()}) {
    EXPECT_EQ(t.events, 3u);  // the messages with an "o"
    EXPECT_EQ(t.slow, 2u);    // above 20 ms
    EXPECT_EQ(t.skipped, 3u);
    EXPECT_EQ(t.lines, 10u);
  }
  const lg::Stats s = streamed.stats(), l = loaded.stats();
  ASSERT_EQ(s.services.size(), 2u);
  ASSERT_EQ(l.services.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(s.services[k].name, l.services[k].name);
    EXPECT_EQ(s.services[k].count, l.services[k].count);
    EXPECT_EQ(s.services[k].errors, l.services[k].errors);
    EXPECT_EQ(s.services[k].durations.max(), l.services[k].durations.max());
  }
  EXPECT_EQ(s.services[0].name, "auth");
  EXPECT_EQ(s.services[0].count, 2u);
  EXPECT_EQ(s.services[0].errors, 1u);
  EXPECT_EQ(s.services[1].durations.max(), 1250.0f);
  ASSERT_EQ(s.levels.size(), 2u);
  EXPECT_EQ(s.levels[1].name, "ERROR");
  EXPECT_EQ(s.levels[1].count, 2u);
}

TEST_F(ReportTest, ForEachMatchVisitsTheFilteredEventsInOrder) {
  const std::string a = write("a.log", kA), b = write("b.log", kB);
  lg::ReportOptions options;
  options.filter.levels = 1u << static_cast<unsigned>(lg::Level::error);
  options.line_numbers = true;
  Recorder r;
  lg::Report report({a, b}, options);
  report.load(r);
  std::vector<std::string> seen;
  report.for_each_match([&](const lg::StoredLog& log, std::size_t i) {
    seen.push_back(log.name + ":" + std::to_string(log.store.line(i)) + " " +
                   std::string(log.store.message(i)));
  });
  EXPECT_EQ(seen, (std::vector<std::string>{a + ":2 Query timeout", b + ":1 Login failed"}));
}
