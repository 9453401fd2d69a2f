#include "kit/logs.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace lg = kit::logs;

namespace {

lg::EventStore parse(const std::string& text, lg::Format f = lg::Format::seed, unsigned jobs = 1) {
  return lg::parse(text, {f, jobs, true, 10});
}

}  // namespace

TEST(Levels, NamesAndAliases) {
  EXPECT_EQ(lg::parse_level("warn"), lg::Level::warning);
  EXPECT_EQ(lg::parse_level("Fatal"), lg::Level::critical);
  EXPECT_EQ(lg::parse_level("error"), lg::Level::error);
  EXPECT_FALSE(lg::parse_level("LOUD"));
  EXPECT_FALSE(lg::parse_level(""));
  EXPECT_EQ(lg::level_name(lg::Level::warning), "WARNING");
}

TEST(Time, FormsAndZones) {
  const auto base = lg::parse_time("2024-01-15 10:23:01");
  ASSERT_TRUE(base);
  EXPECT_EQ(*base, 1705314181LL * 1000000);
  EXPECT_EQ(lg::parse_time("2024-01-15T10:23:01Z"), base);
  EXPECT_EQ(lg::parse_time("2024-01-15T12:23:01+02:00"), base);
  EXPECT_EQ(lg::parse_time("2024-01-15 10:23:01.5"), *base + 500000);
  EXPECT_EQ(lg::parse_time("2024-01-15"), 1705276800LL * 1000000);
  EXPECT_EQ(lg::parse_time("2024-01-15 10:23"), *base - 1000000);
  EXPECT_FALSE(lg::parse_time("2024-02-30 10:00:00"));
  EXPECT_FALSE(lg::parse_time("2024-01-15 24:00:00"));
  EXPECT_FALSE(lg::parse_time("2024-01-15 10:23:01 junk"));
  EXPECT_EQ(lg::format_time(*base + 500000), "2024-01-15T10:23:01.5Z");
  EXPECT_EQ(lg::format_time(*base), "2024-01-15T10:23:01Z");
  EXPECT_EQ(lg::format_time(0), "1970-01-01T00:00:00Z");
}

TEST(Time, TheRememberedDateIsOnlyOneThatWasValid) {
  // parse_time remembers the last date per thread: a new thread has none, so ten NUL bytes
  // (as the remembered date starts out) are no date; and a date read once is still checked
  // after another.
  std::thread fresh([] {
    EXPECT_FALSE(lg::parse_time(std::string(10, '\0') + " 10:23:01"));
    EXPECT_TRUE(lg::parse_time("2024-01-15 10:23:01"));
    EXPECT_FALSE(lg::parse_time("2024-13-15 10:23:01"));
    EXPECT_EQ(lg::parse_time("2024-01-16 00:00:00"), 1705363200LL * 1000000);
    EXPECT_EQ(lg::parse_time("2024-01-15"), 1705276800LL * 1000000);
  });
  fresh.join();
}

TEST(Seed, TheTutorialsLines) {
  auto s = parse(
      "2024-01-15 10:23:01 INFO  auth  User logged in 12.5\n"
      "2024-01-15 10:23:02 ERROR db    Query timeout 1250.0\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.service(0), "auth");
  EXPECT_EQ(s.message(0), "User logged in");
  EXPECT_FLOAT_EQ(s.duration_ms(0), 12.5f);
  EXPECT_EQ(s.level(1), lg::Level::error);
  EXPECT_EQ(s.line(1), 2u);
}

TEST(Seed, EdgeCases) {
  auto s = parse(
      "2024-01-15 10:23:01 info svc  two   spaces\twords 1.5s\r\n"  // runs of blanks, CRLF
      "2024-01-15 10:23:02 WARN svc no duration here\n"
      "2024-01-15 10:23:03 ERROR svc 850us\n"  // duration, no message
      "\n"
      "2024-01-15 10:23:04 DEBUG svc ends with a unit 7ms");  // no final newline
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.message(0), "two spaces words");
  EXPECT_FLOAT_EQ(s.duration_ms(0), 1500.0f);
  EXPECT_FALSE(s.has_duration(1));
  EXPECT_EQ(s.message(2), "");
  EXPECT_FLOAT_EQ(s.duration_ms(2), 0.85f);
  EXPECT_FLOAT_EQ(s.duration_ms(3), 7.0f);
  EXPECT_EQ(s.lines(), 5u);
  EXPECT_EQ(s.skipped(), 0u);
}

TEST(Seed, RandomLinesAgreeWithASplitOnBlanks) {
  // The parser reads the date in place, finds blank runs eight bytes at a time and parses
  // durations digit by digit; a plain reference (split on blanks, a regex, strtod) must agree
  // on random lines whose blank runs and words fall at every offset.
  std::mt19937 rng(7);
  const std::string alphabet = "ab.s5mu09";
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  auto blanks = [&] {
    static const char* runs[] = {" ", " ", " ", "  ", "\t", " \t", "   "};
    return std::string(runs[pick(7)]);
  };
  const std::regex duration(R"((\d+(?:\.\d+)?|\.\d+)(ms|s|us)?)");
  lg::Event e;
  std::string scratch;
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::string> words;
    for (std::size_t n = pick(9); n > 0; --n) {
      std::string w;
      for (std::size_t k = 1 + pick(12); k > 0; --k) w += alphabet[pick(alphabet.size())];
      words.push_back(w);
    }
    std::string line = pick(8) == 0 ? blanks() : "";
    line += pick(4) == 0 ? "2024-01-15T10:23:01" : "2024-01-15" + blanks() + "10:23:01";
    line += blanks() + "ERROR" + blanks() + "svc";
    for (const auto& w : words) line += blanks() + w;
    if (pick(3) == 0) line += blanks();
    ASSERT_TRUE(lg::parse_line(lg::Format::seed, line, e, scratch)) << line;
    std::smatch m;
    std::optional<double> want;
    if (!words.empty() && std::regex_match(words.back(), m, duration)) {
      const double x = std::strtod(m[1].str().c_str(), nullptr);
      want = m[2] == "s" ? x * 1000 : m[2] == "us" ? x / 1000 : x;
      words.pop_back();
    }
    std::string message;
    for (const auto& w : words) message += (message.empty() ? "" : " ") + w;
    EXPECT_EQ(e.message, message) << line;
    ASSERT_EQ(e.has_duration, want.has_value()) << line;
    if (want) {
      EXPECT_EQ(e.duration_ms, static_cast<float>(*want)) << line;
    }
    EXPECT_EQ(e.timestamp_us, 1705314181LL * 1000000) << line;
  }
}

TEST(Seed, GarbageIsSkippedNotFatal) {
  std::string garbage = "\x01\x02\xff\xfe binary\n2024-01-15 10:23:01 INFO a ok\nshort line\n";
  garbage += std::string(1 << 20, 'x') + "\n";  // a 1 MB line
  auto s = parse(garbage);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.skipped(), 3u);
  EXPECT_EQ(s.skipped_lines(), (std::vector<std::size_t>{1, 3, 4}));
  EXPECT_EQ(parse("").size(), 0u);
}

TEST(Jsonl, KeysAndEscapes) {
  auto s = parse(
      "{\"ts\":\"2024-01-15T10:23:01Z\",\"level\":\"warn\",\"service\":\"pay\",\"msg\":\"a "
      "\\\"b\\\"\","
      "\"duration_ms\":3.5}\n{\"time\":1705314181,\"message\":\"m\"}\n[1]\n{\"level\":\"x\",\"ts\":"
      "1}\n",
      lg::Format::jsonl);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.message(0), "a \"b\"");
  EXPECT_EQ(s.level(0), lg::Level::warning);
  EXPECT_EQ(s.service(1), "-");
  EXPECT_EQ(s.timestamp_us(1), 1705314181LL * 1000000);
  EXPECT_EQ(s.skipped(), 2u);
}

TEST(Combined, ServiceLevelAndRequestTime) {
  auto s = parse(
      "1.2.3.4 - - [15/Jan/2024:10:23:01 +0100] \"GET /api/v1/x?q=1 HTTP/1.1\" 404 12 \"-\" "
      "\"ua \\\"quoted\\\"\" 0.250\n",
      lg::Format::combined);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.service(0), "api");
  EXPECT_EQ(s.level(0), lg::Level::warning);
  EXPECT_EQ(s.message(0), "GET /api/v1/x?q=1 404");
  EXPECT_FLOAT_EQ(s.duration_ms(0), 250.0f);
  EXPECT_EQ(s.timestamp_us(0), *lg::parse_time("2024-01-15T09:23:01Z"));
}

// The fuzzer's find: a request time whose milliseconds pass the float it is stored in was
// stored as inf (and counted slow); it is no request time.
TEST(Combined, RequestTimePastFloatMaxIsNoDuration) {
  auto s = parse(
      "1.2.3.4 - - [15/Jan/2024:10:23:01 +0000] \"GET /x HTTP/1.1\" 200 1 \"a\" \"b\" "
      "010444444444444400000669075558207573180\n",
      lg::Format::combined);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_FALSE(s.has_duration(0));
}

TEST(Detect, ByMostLinesParsed) {
  EXPECT_EQ(lg::detect_format("2024-01-15 10:23:01 INFO a b\n"), lg::Format::seed);
  EXPECT_EQ(lg::detect_format("{\"ts\":1}\n"), lg::Format::jsonl);
  EXPECT_EQ(
      lg::detect_format("1.2.3.4 - - [15/Jan/2024:10:23:01 +0000] \"GET / HTTP/1.1\" 200 1\n"),
      lg::Format::combined);
}

TEST(Store, CompactAndParallelEqualsSerial) {
  EXPECT_LE(lg::EventStore::bytes_per_event(), 24u);
  std::string text;
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i)
    text += "2024-01-15 10:23:0" + std::to_string(i % 10) + " INFO s" + std::to_string(rng() % 50) +
            " message " + std::to_string(i) + " " + std::to_string(rng() % 1000) + ".5\n";
  auto one = parse(text, lg::Format::seed, 1), many = parse(text, lg::Format::seed, 4);
  ASSERT_EQ(one.size(), many.size());
  for (std::size_t i = 0; i < one.size(); i += 997) {
    EXPECT_EQ(one.message(i), many.message(i));
    EXPECT_EQ(one.service(i), many.service(i));
    EXPECT_EQ(one.line(i), many.line(i));
  }
}

// stream(): events formatted on every core come out in input order (a file in pieces, a pipe
// across 8 MiB blocks), the counts agree with a serial parse, reading starts at the file's
// offset, and max_bytes stops it there.
TEST(Stream, FormatsInOrderAcrossBlocksAndStopsAtMaxBytes) {
  std::string text;
  std::mt19937 rng(11);
  for (int i = 0; i < 350000; ++i) {
    text += "2024-01-15 10:23:0" + std::to_string(i % 10) + (i % 3 ? " INFO" : " error") + "  s" +
            std::to_string(rng() % 50) + " message " + std::to_string(i);
    text += i % 4 ? " " + std::to_string(rng() % 1000) + ".5ms\n" : "\n";
    if (i % 1000 == 0) text += "not an event\n";
  }
  ASSERT_GT(text.size(), 2 * (8u << 20));
  char path[] = "/tmp/kit-logs-stream-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::unlink(path);

  auto serial = [](std::string_view input, std::size_t& events, std::size_t& slow,
                   std::size_t& skipped) {
    std::string out, scratch;
    lg::Event e;
    while (!input.empty()) {
      const std::size_t end = input.find('\n');
      const std::string_view line = input.substr(0, end);
      input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
      if (!lg::parse_line(lg::Format::seed, line, e, scratch)) {
        ++skipped;
        continue;
      }
      if (e.level != lg::Level::error) continue;
      ++events;
      slow += e.has_duration && e.duration_ms > 400 ? 1 : 0;
      out += std::string(e.message) + "|" + std::string(e.service) + "\n";
    }
    return out;
  };
  // A regular file from its start, to max_bytes, from an offset; and the same text in a pipe.
  const std::size_t offset = text.find('\n', text.size() / 3) + 1;
  struct Case {
    bool pipe;
    std::size_t from, max_bytes;
  };
  for (const Case c : {Case{false, 0, text.size()}, Case{false, 0, text.size() / 2 + 17},
                       Case{false, offset, text.size()}, Case{true, 0, text.size()}}) {
    lg::StreamOptions o;
    o.filter.levels = 1u << static_cast<unsigned>(lg::Level::error);
    o.slow_ms = 400;
    o.stats = false;
    o.jobs = 2;
    o.max_bytes = c.max_bytes;
    o.format_event = [](const lg::Event& e, kit::core::Buffer& out) {
      out.append(std::string(e.message) + "|" + std::string(e.service) + "\n");
    };
    std::string written;
    o.write = [&](std::string_view piece) { written += piece; };
    int input = fd;
    std::thread writer;
    if (c.pipe) {
      int ends[2];
      ASSERT_EQ(::pipe(ends), 0);
      input = ends[0];
      writer = std::thread([&text, out = ends[1]] {
        for (std::size_t at = 0; at < text.size();) {
          const ssize_t n = ::write(out, text.data() + at, text.size() - at);
          if (n <= 0) break;
          at += static_cast<std::size_t>(n);
        }
        ::close(out);
      });
    } else {
      ASSERT_EQ(::lseek(fd, static_cast<off_t>(c.from), SEEK_SET), static_cast<off_t>(c.from));
    }
    auto r = lg::stream(input, o);
    if (c.pipe) {
      writer.join();
      ::close(input);
    }
    ASSERT_TRUE(r);
    std::size_t events = 0, slow = 0, skipped = 0;
    const std::string_view read = std::string_view(text).substr(c.from, c.max_bytes);
    const std::string expected = serial(read, events, slow, skipped);
    EXPECT_EQ(r->bytes, read.size());
    EXPECT_EQ(r->events, events);
    EXPECT_EQ(r->slow, slow);
    EXPECT_EQ(r->skipped, skipped);
    EXPECT_TRUE(written == expected)
        << written.size() << " bytes written, " << expected.size() << " expected";
    if (!c.pipe) {
      EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), static_cast<off_t>(c.from + read.size()));
    }
  }
  ::close(fd);
}

TEST(Queries, FilterTopAndStats) {
  auto s = parse(
      "2024-01-15 10:00:00 INFO a one 10\n2024-01-15 10:00:01 ERROR b two 30\n"
      "2024-01-15 10:00:02 ERROR a three 30\n2024-01-15 10:00:03 INFO a four\n");
  lg::Filter f;
  f.levels = 1u << static_cast<unsigned>(lg::Level::error);
  EXPECT_EQ(lg::select(s, f), (std::vector<std::size_t>{1, 2}));
  f = {};
  f.min_duration_ms = 20;
  EXPECT_EQ(lg::select(s, f), (std::vector<std::size_t>{1, 2}));
  // Ties keep input order; events without a duration never rank.
  EXPECT_EQ(lg::slowest(s, lg::select(s, {}), 2), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(lg::slowest(s, lg::select(s, {}), 10), (std::vector<std::size_t>{1, 2, 0}));
  lg::StatsBuilder b;
  for (std::size_t i = 0; i < s.size(); ++i)
    b.add(s.service(i), s.level(i), s.has_duration(i), s.duration_ms(i));
  auto st = b.finish();
  ASSERT_EQ(st.services.size(), 2u);
  EXPECT_EQ(st.services[0].name, "a");
  EXPECT_EQ(st.services[0].count, 3u);
  EXPECT_EQ(st.services[0].errors, 1u);
  EXPECT_EQ(st.services[0].durations.count(), 2u);
  ASSERT_EQ(st.levels.size(), 2u);
  EXPECT_EQ(st.levels[1].name, "ERROR");
}

TEST(Sketch, ExactWhileSmall) {
  lg::DurationSketch sk;
  for (float v : {12.5f, 45.3f, 88.2f, 0.8f}) sk.add(v);
  EXPECT_EQ(sk.quantile(0.5), 12.5f);
  EXPECT_EQ(sk.quantile(0.95), 88.2f);
  lg::DurationSketch other;
  other.add(1000.0f);
  sk.merge(other);
  EXPECT_EQ(sk.quantile(1.0), 1000.0f);
  EXPECT_EQ(sk.count(), 5u);
}

TEST(Sketch, QuantilesWithinOnePercent) {
  lg::DurationSketch sk;
  std::vector<float> values;
  std::mt19937 rng(1);
  std::lognormal_distribution<float> dist(3, 2);
  for (int i = 0; i < 100000; ++i) {
    values.push_back(dist(rng));
    sk.add(values.back());
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.95, 0.99}) {
    const float exact =
        values[static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()))) - 1];
    EXPECT_NEAR(sk.quantile(q), exact, exact * 0.01) << q;
  }
  EXPECT_EQ(sk.max(), values.back());
  EXPECT_TRUE(std::isnan(lg::DurationSketch().quantile(0.5)));
}
