// Benchmark and retry_command on a ManualClock with a fake runner: what `kit bench` and `kit
// retry` measure, count and wait, exactly, with no process started and no real sleeping.
#include "kit/timing/command.hpp"

#include <poll.h>

#include <csignal>
#include <map>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

namespace core = kit::core;
namespace kt = kit::timing;
using namespace std::chrono_literals;

namespace {

// A command that takes `wall` of the manual clock and `user` + `system` of CPU, and ends so.
struct Behaviour {
  kt::Duration wall = 0ns, user = 0ns, system = 0ns;
  int exit_code = 0;
  bool timed_out = false;
};

// FakeRunner: each run advances the clock by its command's wall time. Commands are told
// apart by their last argument (`sh -c COMMAND`) or, without a shell, their first.
struct FakeRunner {
  kt::ManualClock* clock;
  std::map<std::string, Behaviour> commands;
  std::vector<core::ProcessOptions> calls{};

  kit::Result<core::ProcessResult> operator()(const core::ProcessOptions& o) {
    calls.push_back(o);
    const std::string key = o.argv.size() == 3 && o.argv[1] == "-c" ? o.argv[2] : o.argv[0];
    const auto it = commands.find(key);
    if (it == commands.end())
      return kit::fail(kit::ErrorKind::not_found, "core.not_found", key + ": command not found");
    const Behaviour& b = it->second;
    clock->advance(b.wall);
    core::ProcessResult r;
    r.exit_code = b.exit_code;
    r.timed_out = b.timed_out;
    r.user = b.user;
    r.system = b.system;
    return r;
  }
  // runner(): a ProcessRunner that records into this one.
  kt::ProcessRunner runner() {
    return [this](const core::ProcessOptions& o) { return (*this)(o); };
  }
};

double secs(kt::Duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

// ---- Benchmark --------------------------------------------------------------------------------

// Through a shell, 30 runs of `sh -c ''` give the mean start-up, which is taken off every
// sample: what each sample of `sleep 0.02` is, exactly (the e2e test could only bound it).
TEST(Benchmark, TheShellsStartUpIsTakenOffEverySample) {
  kt::ManualClock clock;
  FakeRunner fake{&clock, {{"", {3ms, 1ms, 500us}}, {"sleep 0.02", {23ms, 2ms, 1500us}}}};
  kt::Benchmark bench({.runs = 4}, fake.runner(), clock);
  ASSERT_TRUE(bench.calibrate());
  ASSERT_EQ(fake.calls.size(), 30u);
  EXPECT_EQ(fake.calls[0].argv.back(), "");
  EXPECT_EQ(fake.calls[0].argv[1], "-c");
  EXPECT_NEAR(bench.shell_cost().wall, 0.003, 1e-12);
  EXPECT_NEAR(bench.shell_cost().user, 0.001, 1e-12);
  EXPECT_NEAR(bench.shell_cost().system, 0.0005, 1e-12);

  auto m = bench.measure("sleep 0.02");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->wall.size(), 4u);
  for (double t : m->wall) EXPECT_NEAR(t, 0.020, 1e-12);
  EXPECT_NEAR(m->time.mean, 0.020, 1e-12);
  EXPECT_NEAR(m->time.stddev, 0, 1e-12);
  EXPECT_NEAR(m->user_mean, 0.001, 1e-12);
  EXPECT_NEAR(m->system_mean, 0.001, 1e-12);
  EXPECT_EQ(m->exit_codes, (std::vector<int>{0, 0, 0, 0}));
  // Every run: no input, output to /dev/null.
  for (const auto& call : fake.calls) {
    EXPECT_TRUE(call.quiet);
    EXPECT_TRUE(call.no_input);
  }
}

// A run faster than the shell's mean start-up counts as 0, never below.
TEST(Benchmark, ASampleBelowTheShellsStartUpIsZero) {
  kt::ManualClock clock;
  FakeRunner fake{&clock, {{"", {3ms, 2ms, 2ms}}, {"true", {2ms, 1ms, 0ns}}}};
  kt::Benchmark bench({.runs = 3}, fake.runner(), clock);
  ASSERT_TRUE(bench.calibrate());
  auto m = bench.measure("true");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->wall, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(m->user, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(m->time.mean, 0);
}

// Without a shell the samples are the runs' wall times on the clock, as they vary.
TEST(Benchmark, WithoutAShellTheSamplesAreTheRunsTimes) {
  kt::ManualClock clock;
  const std::vector<kt::Duration> costs{10ms, 30ms, 20ms, 20ms};
  std::size_t run = 0;
  std::vector<std::vector<std::string>> argvs;
  kt::ProcessRunner runner =
      [&](const core::ProcessOptions& o) -> kit::Result<core::ProcessResult> {
    argvs.push_back(o.argv);
    clock.advance(costs[run++ % costs.size()]);
    return core::ProcessResult{};
  };
  kt::Benchmark bench({.runs = 4, .no_shell = true}, runner, clock);
  ASSERT_TRUE(bench.calibrate());  // nothing to calibrate
  EXPECT_TRUE(argvs.empty());
  auto m = bench.measure("fake-sleep 'a b' c");
  ASSERT_TRUE(m);
  ASSERT_EQ(argvs.size(), 4u);
  EXPECT_EQ(argvs[0], (std::vector<std::string>{"fake-sleep", "a b", "c"}));
  ASSERT_EQ(m->wall.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(m->wall[i], secs(costs[i]));
  EXPECT_DOUBLE_EQ(m->time.mean, 0.020);
  EXPECT_DOUBLE_EQ(m->time.median, 0.020);
  EXPECT_DOUBLE_EQ(m->time.min, 0.010);
  EXPECT_DOUBLE_EQ(m->time.max, 0.030);
  // A slower command measures slower, by exactly its extra time.
  FakeRunner fake{&clock, {{"fast", {1ms}}, {"slow", {11ms}}}};
  kt::Benchmark two({.runs = 5, .no_shell = true}, fake.runner(), clock);
  auto fast = two.measure("fast"), slow = two.measure("slow");
  ASSERT_TRUE(fast && slow);
  EXPECT_NEAR(slow->time.mean - fast->time.mean, 0.010, 1e-12);
  EXPECT_NEAR(kt::relative_speed(fast->time, slow->time).ratio, 11, 1e-9);
}

// Without --runs: ceil(min_time / first run), at least 10, the first run's shell start-up
// counted — as many runs as fit, judged by the first.
TEST(Benchmark, TheRunCountFollowsTheFirstRun) {
  auto runs = [](kt::BenchmarkOptions o, kt::Duration shell, kt::Duration cost) {
    kt::ManualClock clock;
    FakeRunner fake{&clock, {{"", {shell}}, {"cmd", {cost}}}};
    kt::Benchmark bench(o, fake.runner(), clock);
    EXPECT_TRUE(bench.calibrate());
    auto m = bench.measure("cmd");
    EXPECT_TRUE(m);
    if (!m) return std::size_t{0};
    EXPECT_EQ(m->time.count, m->wall.size());
    return m->wall.size();
  };
  EXPECT_EQ(runs({.min_time = 200ms, .no_shell = true}, 0ns, 1ms), 200u);
  EXPECT_EQ(runs({.min_time = 200ms, .no_shell = true}, 0ns, 3ms), 67u);
  EXPECT_EQ(runs({.min_time = 50ms, .no_shell = true}, 0ns, 20ms), 10u);  // at least 10
  // 0 counts as 1 µs; 0.001 / 1e-6 is 1000.0000000000001 in doubles, so 1001.
  EXPECT_EQ(runs({.min_time = 1ms, .no_shell = true}, 0ns, 0ns), 1001u);
  EXPECT_EQ(runs({.min_time = 3s, .no_shell = true}, 0ns, 100ms), 30u);  // the default 3 s
  // Through a shell the first run is judged with its start-up: 8 ms, so 400 ms is 50 runs.
  EXPECT_EQ(runs({.min_time = 400ms}, 3ms, 8ms), 50u);
  // --runs wins.
  EXPECT_EQ(runs({.runs = 3, .min_time = 10s, .no_shell = true}, 0ns, 1ms), 3u);
}

TEST(Benchmark, WarmupAndPrepareComeFirstAndAreNotTimed) {
  kt::ManualClock clock;
  FakeRunner fake{&clock, {{"prep", {50ms}}, {"cmd", {5ms}}}};
  std::vector<std::string> progress;
  kt::Benchmark bench({.warmup = 2, .runs = 3, .no_shell = true, .prepare = "prep"}, fake.runner(),
                      clock);
  auto m = bench.measure("cmd", [&](const kt::BenchmarkProgress& p) {
    using Phase = kt::BenchmarkProgress::Phase;
    const char* names[] = {"warmup", "first", "run", "done"};
    progress.push_back(fmt::format("{} {}/{} ({} so far)", names[static_cast<int>(p.phase)],
                                   p.number, p.total, p.so_far->wall.size()));
    if (p.phase == Phase::run) {
      EXPECT_EQ(p.so_far->wall.size() + 1, p.number);
    }
  });
  ASSERT_TRUE(m);
  std::vector<std::string> order;
  for (const auto& call : fake.calls) order.push_back(call.argv[0]);
  EXPECT_EQ(order, (std::vector<std::string>{"prep", "cmd", "prep", "cmd", "prep", "cmd", "prep",
                                             "cmd", "prep", "cmd"}));
  EXPECT_EQ(m->wall, (std::vector<double>{0.005, 0.005, 0.005}));  // no prepare time in them
  EXPECT_EQ(progress, (std::vector<std::string>{"warmup 1/2 (0 so far)", "warmup 2/2 (0 so far)",
                                                "first 1/3 (0 so far)", "run 2/3 (1 so far)",
                                                "run 3/3 (2 so far)", "done 3/3 (3 so far)"}));
}

TEST(Benchmark, FailuresEndItUnlessIgnored) {
  kt::ManualClock clock;
  FakeRunner fake{
      &clock, {{"", {1ms}}, {"fake-false", {1ms, 0ns, 0ns, 1}}, {"bad-prep", {1ms, 0ns, 0ns, 3}}}};
  kt::Benchmark strict({.runs = 3, .no_shell = true}, fake.runner(), clock);
  auto failed = strict.measure("fake-false");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "bench.failed");
  EXPECT_EQ(failed.error().message, "'fake-false' failed (exit 1)");

  kt::Benchmark lenient({.runs = 3, .no_shell = true, .ignore_failure = true}, fake.runner(),
                        clock);
  auto ignored = lenient.measure("fake-false");
  ASSERT_TRUE(ignored);
  EXPECT_EQ(ignored->exit_codes, (std::vector<int>{1, 1, 1}));

  kt::Benchmark prepared({.runs = 3, .no_shell = true, .prepare = "bad-prep"}, fake.runner(),
                         clock);
  auto prep = prepared.measure("fake-false");
  ASSERT_FALSE(prep);
  EXPECT_EQ(prep.error().code, "bench.prepare");
  EXPECT_EQ(prep.error().message, "the prepare command failed (exit 3)");

  // The runner's own errors come through: a command that is not found is a shell's 127.
  auto missing = strict.measure("no-such-fake-command");
  ASSERT_FALSE(missing);
  EXPECT_EQ(core::exec_failure_status(missing.error()), 127);

  // Words split as a shell splits them; an open quote or no word at all is bad usage.
  EXPECT_EQ(strict.measure("echo 'open").error().code, "core.open_quote");
  EXPECT_EQ(strict.measure(" ").error().code, "bench.usage");

  // A shell that fails to run nothing cannot be calibrated.
  FakeRunner broken{&clock, {{"", {1ms, 0ns, 0ns, 1}}}};
  kt::Benchmark shell({.shell = "fake-shell"}, broken.runner(), clock);
  auto c = shell.calibrate();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "bench.shell");
  EXPECT_EQ(c.error().message, "the shell 'fake-shell' failed to run an empty command (exit 1)");
  EXPECT_EQ(broken.calls.size(), 1u);
}

// ---- retry_command ----------------------------------------------------------------------------

TEST(RetryCommand, ExitCodeLists) {
  auto codes = kt::parse_exit_codes("1,75-78");
  ASSERT_TRUE(codes);
  EXPECT_EQ(codes->count(), 5u);
  for (std::size_t c : {1u, 75u, 76u, 77u, 78u}) EXPECT_TRUE(codes->test(c)) << c;
  EXPECT_FALSE(codes->test(0));
  EXPECT_FALSE(codes->test(79));
  EXPECT_EQ(kt::parse_exit_codes("0-255")->count(), 256u);
  EXPECT_EQ(kt::parse_exit_codes("7")->count(), 1u);
  EXPECT_EQ(kt::parse_exit_codes("3-3,3")->count(), 1u);
  EXPECT_EQ(kt::parse_exit_codes("007")->count(), 1u);
  EXPECT_EQ(kt::parse_exit_codes("1,")->count(), 1u);  // a trailing comma is let pass
  for (const char* bad : {"", "300", "256", "5-2", "1,,2", ",1", "x", "-1", "1-", "1-2-3", "1 ,2",
                          "+1", "1000", "0x1"})
    EXPECT_FALSE(kt::parse_exit_codes(bad)) << bad;
  auto bad = kt::parse_exit_codes("5-2");
  EXPECT_EQ(bad.error().code, "timing.bad_exit_codes");
  EXPECT_EQ(bad.error().kind, kit::ErrorKind::invalid_argument);
  EXPECT_EQ(bad.error().message, "'5-2' is not a list of exit codes (0-255, e.g. 1,75-78)");
}

// The e2e test's `--attempts 0 --max-time 0.3 --base 10ms`, each attempt taking 5 ms: attempts
// start at 0, 15, 40, 85 and 170 ms; after the fifth the next wait (160 ms) would pass 300 ms.
TEST(RetryCommand, ATimeBudgetEndsAnUnlimitedLoop) {
  kt::ManualClock clock;
  FakeRunner fake{&clock, {{"flaky", {5ms, 0ns, 0ns, 1}}}};
  kt::CommandRetryOptions o;
  o.process.argv = {"flaky"};
  o.retry.policy = {.base = 10ms, .max_attempts = 0, .max_elapsed = 300ms};
  o.retry.clock = &clock;
  std::vector<std::string> logged;
  o.retry.on_retry = [&](const kt::Attempt& a, kt::Duration wait) {
    logged.push_back(fmt::format("{} {} {}", a.number, a.error->message, kt::format_seconds(wait)));
  };
  const auto out = kt::retry_command(o, fake.runner());
  EXPECT_EQ(out.reason, kt::StopReason::time_budget);
  EXPECT_EQ(fake.calls.size(), 5u);
  ASSERT_EQ(out.attempts.size(), 5u);
  EXPECT_EQ(out.attempts.back().started, 170ms);
  EXPECT_EQ(clock.slept(), (std::vector<kt::Duration>{10ms, 20ms, 40ms, 80ms}));
  EXPECT_EQ(clock.now(), 175ms);
  EXPECT_EQ(logged, (std::vector<std::string>{"1 exit 1 0.01s", "2 exit 1 0.02s", "3 exit 1 0.04s",
                                              "4 exit 1 0.08s"}));
  EXPECT_EQ(out.last.status(), 1);
  EXPECT_FALSE(out.fatal);
}

// The e2e test's `--timeout 0.3 --attempts 2`: every attempt gets the time limit; two attempts
// that time out take 2 × 0.3 s and the wait between them; the status is timeout(1)'s 124.
TEST(RetryCommand, EveryAttemptHasTheTimeLimit) {
  kt::ManualClock clock;
  FakeRunner fake{&clock, {{"sleep", {300ms, 0ns, 0ns, 0, /*timed_out=*/true}}}};
  kt::CommandRetryOptions o;
  o.process = {.argv = {"sleep", "30"}, .timeout = 300ms};
  o.retry.policy = {.base = 10ms, .max_attempts = 2};
  o.retry.clock = &clock;
  const auto out = kt::retry_command(o, fake.runner());
  EXPECT_EQ(out.reason, kt::StopReason::attempts_exhausted);
  ASSERT_EQ(fake.calls.size(), 2u);
  for (const auto& call : fake.calls) EXPECT_EQ(call.timeout, 300ms);
  EXPECT_EQ(clock.now(), 610ms);
  EXPECT_EQ(out.attempts[0].error->message, "timed out");
  EXPECT_EQ(out.attempts[1].started, 310ms);
  EXPECT_EQ(out.last.status(), 124);
}

TEST(RetryCommand, OnlyListedStatusesAreRetried) {
  for (const auto& [code, want_runs] : std::vector<std::pair<int, std::size_t>>{
           {76, 3}, {75, 3}, {78, 3}, {79, 1}, {1, 3}, {2, 1}}) {
    kt::ManualClock clock;
    FakeRunner fake{&clock, {{"cmd", {1ms, 0ns, 0ns, code}}}};
    kt::CommandRetryOptions o;
    o.process.argv = {"cmd"};
    o.retry.policy = {.base = 10ms, .max_attempts = 3};
    o.retry.clock = &clock;
    o.retry_on = *kt::parse_exit_codes("1,75-78");
    const auto out = kt::retry_command(o, fake.runner());
    EXPECT_EQ(fake.calls.size(), want_runs) << code;
    EXPECT_EQ(out.reason,
              want_runs == 1 ? kt::StopReason::not_retryable : kt::StopReason::attempts_exhausted)
        << code;
    EXPECT_EQ(out.last.status(), code);
  }
  // Retried until it succeeds.
  kt::ManualClock clock;
  int calls = 0;
  kt::CommandRetryOptions o;
  o.process.argv = {"cmd"};
  o.retry.clock = &clock;
  o.retry_on = *kt::parse_exit_codes("76");
  const auto out = kt::retry_command(o, [&](const core::ProcessOptions&) {
    core::ProcessResult r;
    r.exit_code = ++calls < 2 ? 76 : 0;
    return kit::Result<core::ProcessResult>(r);
  });
  EXPECT_EQ(out.reason, kt::StopReason::succeeded);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(clock.slept(), std::vector<kt::Duration>{500ms});
}

TEST(RetryCommand, ACommandThatCannotStartOrWasInterruptedIsNotRepeated) {
  kt::ManualClock clock;
  FakeRunner fake{&clock, {}};
  kt::CommandRetryOptions o;
  o.process.argv = {"no-such-fake-command"};
  o.retry.clock = &clock;
  const auto out = kt::retry_command(o, fake.runner());
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(core::exec_failure_status(*out.fatal), 127);
  EXPECT_EQ(fake.calls.size(), 1u);
  EXPECT_TRUE(clock.slept().empty());

  int calls = 0;
  const auto cancelled = kt::retry_command(o, [&](const core::ProcessOptions&) {
    ++calls;
    core::ProcessResult r;
    r.cancelled = true;
    return kit::Result<core::ProcessResult>(r);
  });
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(cancelled.fatal);
  EXPECT_EQ(cancelled.attempts[0].error->message, "interrupted");
  EXPECT_TRUE(clock.slept().empty());
}

// ---- InterruptibleClock -----------------------------------------------------------------------

// The e2e test's SIGTERM during a 20 s wait: the signal pipe cuts the sleep short. A sleep that
// was not cut short lasts its whole time, so the bound below cannot hold by chance. This is the
// one test that sleeps for real (3 ms in all): the clock under test is the real one, whose
// sleep is what a signal must cut short; everything else in this file runs on a ManualClock.
TEST(InterruptibleClock, ASignalCutsTheSleepShort) {
  auto signals = core::SignalPipe::install({SIGTERM});
  ASSERT_TRUE(signals);
  kt::InterruptibleClock clock(signals->fd());
  const kt::Duration before = clock.now();
  clock.sleep_for(2ms);  // nothing caught: it sleeps its time
  EXPECT_GE(clock.now() - before, 2ms);
  ASSERT_EQ(::raise(SIGTERM), 0);
  const kt::Duration start = clock.now();
  clock.sleep_for(60s);
  EXPECT_LT(clock.now() - start, 60s);
  EXPECT_EQ(signals->caught(), SIGTERM);
  // Without a cancel fd it is an ordinary sleep.
  kt::InterruptibleClock plain(-1);
  const kt::Duration t = plain.now();
  plain.sleep_for(1ms);
  EXPECT_GE(plain.now() - t, 1ms);
}
