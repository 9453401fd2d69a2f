#include "kit/timing.hpp"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace kt = kit::timing;
using namespace std::chrono_literals;

namespace {

double secs(kt::Duration d) {
  return std::chrono::duration<double>(d).count();
}

// An attempt that fails `failures` times, taking `cost` of the manual clock each time.
struct Flaky {
  kt::ManualClock* clock;
  int failures;
  kt::Duration cost = 0ns;
  int calls = 0;
  kit::Result<int> operator()(kt::AttemptContext&) {
    ++calls;
    clock->advance(cost);
    if (calls <= failures)
      return tl::unexpected(kit::make_error(kit::ErrorKind::failed, "test.failed", "exit 1"));
    return calls;
  }
};

}  // namespace

TEST(Backoff, ExactWithoutJitterAndCapped) {
  kt::Backoff b({.base = 500ms, .factor = 2, .max_delay = 3s});
  const std::vector<kt::Duration> want{500ms, 1s, 2s, 3s, 3s, 3s};
  for (std::size_t n = 1; n <= want.size(); ++n) EXPECT_EQ(b.delay(n), want[n - 1]) << n;
  kt::Backoff flat({.base = 250ms, .factor = 1});
  EXPECT_EQ(flat.delay(7), 250ms);
  // Far past any integer: still the cap, no overflow.
  EXPECT_EQ(b.delay(5000), 3s);
}

TEST(Backoff, RetryAfterReplacesTheWaitButNotTheCap) {
  kt::Backoff b({.base = 500ms, .max_delay = 10s});
  EXPECT_EQ(b.delay(1, 7s), 7s);
  EXPECT_EQ(b.delay(2, 60s), 10s);
  EXPECT_EQ(b.delay(3, -1s), 0s);
  EXPECT_EQ(b.delay(3), 2s);
}

// Each jitter mode stays inside its bounds, and over many draws its mean is where AWS's
// definition puts it (uniform draws: d/2 for full, 3d/4 for equal).
TEST(Backoff, JitterWithinBoundsAndCentredWhereItShouldBe) {
  const kt::Duration cap = 8s;
  for (kt::Jitter j : {kt::Jitter::full, kt::Jitter::equal}) {
    double sum = 0;
    const int draws = 20000;
    kt::Backoff b({.base = 1s, .factor = 2, .max_delay = cap, .jitter = j}, 42);
    for (int i = 0; i < draws; ++i) {
      const std::size_t n = 1 + static_cast<std::size_t>(i % 3);  // d = 1, 2, 4 s
      const double d = std::pow(2.0, static_cast<double>(n - 1));
      const double w = secs(b.delay(n));
      const double lo = j == kt::Jitter::full ? 0 : d / 2;
      ASSERT_GE(w, lo - 1e-9);
      ASSERT_LE(w, d + 1e-9);
      sum += w / d;
    }
    const double want = j == kt::Jitter::full ? 0.5 : 0.75;
    EXPECT_NEAR(sum / draws, want, 0.01) << kt::jitter_name(j);
  }
  kt::Backoff b({.base = 100ms, .max_delay = 2s, .jitter = kt::Jitter::decorrelated}, 7);
  double previous = 0.1;
  for (std::size_t n = 1; n <= 2000; ++n) {
    const double w = secs(b.delay(n));
    ASSERT_GE(w, 0.1 - 1e-9);
    ASSERT_LE(w, std::min(2.0, 3 * previous) + 1e-9);
    previous = w;
  }
  // The same seed draws the same waits.
  kt::Backoff x({.jitter = kt::Jitter::full}, 9), y({.jitter = kt::Jitter::full}, 9);
  for (std::size_t n = 1; n < 10; ++n) EXPECT_EQ(x.delay(n), y.delay(n));
}

TEST(Backoff, PolicyChecksAndJitterNames) {
  EXPECT_TRUE(kt::check({}));
  EXPECT_FALSE(kt::check({.base = -1ms}));
  EXPECT_FALSE(kt::check({.factor = 0.5}));
  EXPECT_FALSE(kt::check({.factor = std::nan("")}));
  EXPECT_FALSE(kt::check({.max_delay = -1s}));
  EXPECT_FALSE(kt::check({.max_elapsed = -1s}));
  EXPECT_EQ(kt::parse_jitter("decorrelated"), kt::Jitter::decorrelated);
  EXPECT_FALSE(kt::parse_jitter("Full"));
}

TEST(Retry, FailsTwiceThenSucceedsWithTheTutorialsWaits) {
  kt::ManualClock clock;
  Flaky op{&clock, 2, 100ms};
  std::vector<std::pair<std::size_t, kt::Duration>> logged;
  kt::RetryOptions o{.policy = {.base = 500ms, .max_attempts = 5}, .clock = &clock};
  o.on_retry = [&](const kt::Attempt& a, kt::Duration wait) {
    logged.emplace_back(a.number, wait);
  };
  auto out = kt::retry(op, o);
  ASSERT_TRUE(out.result);
  EXPECT_EQ(*out.result, 3);
  EXPECT_EQ(out.reason, kt::StopReason::succeeded);
  ASSERT_EQ(out.attempts.size(), 3u);
  EXPECT_EQ(clock.slept(), (std::vector<kt::Duration>{500ms, 1s}));
  EXPECT_EQ(logged, (std::vector<std::pair<std::size_t, kt::Duration>>{{1, 500ms}, {2, 1s}}));
  // Attempt 2 starts after attempt 1 (100 ms) and its wait (500 ms), and so on.
  EXPECT_EQ(out.attempts[1].started, 600ms);
  EXPECT_EQ(out.attempts[2].started, 1700ms);
  EXPECT_EQ(out.attempts[2].duration, 100ms);
  EXPECT_FALSE(out.attempts[2].error);
  EXPECT_EQ(out.attempts[0].error->message, "exit 1");
}

TEST(Retry, GivesUpAfterMaxAttemptsWithTheLastError) {
  kt::ManualClock clock;
  Flaky op{&clock, 100};
  auto out = kt::retry(op, {.policy = {.base = 500ms, .max_attempts = 5}, .clock = &clock});
  EXPECT_FALSE(out.result);
  EXPECT_EQ(out.reason, kt::StopReason::attempts_exhausted);
  EXPECT_EQ(op.calls, 5);
  EXPECT_EQ(clock.slept(), (std::vector<kt::Duration>{500ms, 1s, 2s, 4s}));
  EXPECT_EQ(out.attempts.back().wait, 0s);
}

TEST(Retry, StopsOnAnErrorNotWorthRetrying) {
  kt::ManualClock clock;
  Flaky op{&clock, 100};
  kt::RetryOptions o{.policy = {}, .clock = &clock};
  o.retry_if = [](const kit::Error& e) { return e.code != "test.failed"; };
  auto out = kt::retry(op, o);
  EXPECT_EQ(out.reason, kt::StopReason::not_retryable);
  EXPECT_EQ(op.calls, 1);
  EXPECT_TRUE(clock.slept().empty());
}

TEST(Retry, NoAttemptStartsPastTheTimeBudget) {
  kt::ManualClock clock;
  Flaky op{&clock, 100, 1s};  // each attempt takes 1 s
  // Waits 0.5, 1, 2: attempts start at 0, 1.5, 3.5, 6.5 — the fourth would pass 6 s.
  auto out = kt::retry(
      op, {.policy = {.base = 500ms, .max_attempts = 0, .max_elapsed = 6s}, .clock = &clock});
  EXPECT_EQ(out.reason, kt::StopReason::time_budget);
  EXPECT_EQ(op.calls, 3);
  EXPECT_EQ(out.attempts.back().started, 3500ms);
}

TEST(Retry, ServerDelayAndCancellation) {
  kt::ManualClock clock;
  int calls = 0;
  auto op = [&](kt::AttemptContext& c) -> kit::Result<int> {
    ++calls;
    c.retry_after = 3s;
    if (calls < 3) return tl::unexpected(kit::make_error(kit::ErrorKind::failed, "t", "503"));
    return 0;
  };
  auto out = kt::retry(op, {.policy = {.base = 500ms}, .clock = &clock});
  EXPECT_TRUE(out.result);
  EXPECT_EQ(clock.slept(), (std::vector<kt::Duration>{3s, 3s}));

  kt::ManualClock clock2;
  Flaky never{&clock2, 100};
  kt::RetryOptions o{.policy = {}, .clock = &clock2};
  o.cancelled = [&] { return never.calls >= 2; };
  auto stopped = kt::retry(never, o);
  EXPECT_EQ(stopped.reason, kt::StopReason::cancelled);
  EXPECT_EQ(never.calls, 2);
}

TEST(Stats, SummaryAsPythonsStatistics) {
  const std::vector<double> xs{1, 2, 3, 4, 100};
  const kt::Summary s = kt::summarize(xs);
  EXPECT_EQ(s.count, 5u);
  EXPECT_DOUBLE_EQ(s.mean, 22);
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 100);
  // statistics.stdev([1, 2, 3, 4, 100]) == 43.617657896..., MAD = median(2, 1, 0, 1, 97) = 1.
  EXPECT_NEAR(s.stddev, 43.61765697, 1e-6);
  EXPECT_DOUBLE_EQ(s.mad, 1);
  EXPECT_EQ(kt::outliers(xs), 1u);  // 97 / 1.4826 > 14
  const std::vector<double> even{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(kt::summarize(even).median, 2.5);
  EXPECT_EQ(kt::summarize(std::vector<double>{5}).stddev, 0);
  EXPECT_EQ(kt::summarize(std::vector<double>{}).count, 0u);
  const kt::Ratio r = kt::relative_speed({.mean = 1, .stddev = 0.1}, {.mean = 2, .stddev = 0.2});
  EXPECT_DOUBLE_EQ(r.ratio, 2);
  EXPECT_NEAR(r.error, 2 * std::sqrt(0.02), 1e-12);
}

TEST(Stats, TimeitAndAutorangeOnAManualClock) {
  kt::ManualClock clock;
  auto t = kt::timeit([&] { clock.advance(1ms); }, 100, 3, clock);
  EXPECT_EQ(t.number, 100u);
  ASSERT_EQ(t.samples.size(), 3u);
  for (double s : t.samples) EXPECT_NEAR(s, 0.1, 1e-12);
  EXPECT_NEAR(t.best_per_call(), 0.001, 1e-15);
  // 30 ms a call: 1, 2, 5 calls are under 0.2 s, 10 calls take 0.3 s.
  auto [number, taken] = kt::autorange([&] { clock.advance(30ms); }, clock);
  EXPECT_EQ(number, 10u);
  EXPECT_NEAR(taken, 0.3, 1e-12);
}

TEST(Clocks, StopwatchAndDeadlineFollowTheClock) {
  kt::ManualClock clock;
  kt::Stopwatch watch(clock);
  kt::Deadline deadline(2s, clock);
  clock.advance(1500ms);
  EXPECT_EQ(watch.elapsed(), 1500ms);
  EXPECT_FALSE(deadline.expired());
  EXPECT_EQ(deadline.remaining(), 500ms);
  clock.advance(1s);
  EXPECT_TRUE(deadline.expired());
  EXPECT_EQ(deadline.remaining(), 0s);
  watch.restart();
  EXPECT_EQ(watch.elapsed(), 0s);
  // The real clock moves forward, and the process has used some CPU.
  kt::Stopwatch real;
  volatile double x = 0;
  for (int i = 0; i < 100000; ++i) x = x + std::sqrt(static_cast<double>(i));
  EXPECT_GT(real.elapsed(), 0ns);
  EXPECT_GE(kt::process_cpu_time().total(), 0ns);
}

TEST(Text, DurationsAndTimestamps) {
  EXPECT_EQ(*kt::parse_duration("1.5"), 1500ms);
  EXPECT_EQ(*kt::parse_duration("250ms"), 250ms);
  EXPECT_EQ(*kt::parse_duration("2s"), 2s);
  EXPECT_EQ(*kt::parse_duration("5m"), 300s);
  EXPECT_EQ(*kt::parse_duration("1h"), 3600s);
  EXPECT_EQ(*kt::parse_duration("1d"), 86400s);
  EXPECT_EQ(*kt::parse_duration("850us"), 850us);
  EXPECT_EQ(*kt::parse_duration("10ns"), 10ns);
  EXPECT_EQ(*kt::parse_duration(".5"), 500ms);
  EXPECT_EQ(*kt::parse_duration("0"), 0s);
  for (const char* bad : {"", "-1", "abc", "1x", "s", "1e3", "nan", "inf", "1..2", "99999999999d"})
    EXPECT_FALSE(kt::parse_duration(bad)) << bad;
  EXPECT_EQ(kt::parse_duration("-1").error().code, "timing.bad_duration");
  EXPECT_EQ(kt::format_seconds(500ms), "0.5s");
  EXPECT_EQ(kt::format_seconds(1s), "1.0s");
  EXPECT_EQ(kt::format_seconds(10ms), "0.01s");
  EXPECT_EQ(kt::format_seconds(0s), "0.0s");
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  EXPECT_EQ(*kt::strftime("%Y-%m-%d %H:%M:%S", when, true), "2023-11-14 22:13:20");
  EXPECT_EQ(*kt::strftime("[%H:%M:%S] %a %b", when, true), "[22:13:20] Tue Nov");
  EXPECT_EQ(*kt::strftime("{%H}", when, true), "{22}");
  EXPECT_EQ(*kt::strftime("", when, true), "");
  EXPECT_FALSE(kt::strftime("%Q", when, true));
  EXPECT_EQ(kt::strftime("%Q", when, true).error().code, "timing.bad_format");
}
