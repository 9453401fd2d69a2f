// kit/timing.hpp — measuring time the right way, and retrying with backoff.
//
// Python's time and timeit modules as the tutorial uses them: a Stopwatch on the steady
// clock (perf_counter), Deadlines that survive wall-clock changes (monotonic), the process's
// CPU time (process_time), timeit/repeat/autorange with summary statistics, strftime
// timestamps; and the tutorial's retry loop grown into a policy — exponential backoff with a
// cap, AWS's jitter modes, a total time budget and a server's Retry-After — shared by
// `kit retry`, the HTTP client and the job runner. Time comes from a Clock that tests replace
// with a ManualClock: exact and instant, no real sleeping. A command retried or benchmarked
// (`kit retry`, `kit bench`): kit/timing/command.hpp.
//
// Example:
//   using namespace std::chrono_literals;
//   kit::timing::BackoffPolicy policy{.base = 500ms, .max_attempts = 5};
//   auto outcome = kit::timing::retry(
//       [&](kit::timing::AttemptContext&) -> kit::Result<int> { return fetch(); }, {.policy =
//       policy});
//   outcome.result;    // the value, or the last error
//   outcome.attempts;  // when each attempt ran, how long, how it failed, the wait after it
//
//   auto t = kit::timing::timeit([] { work(); }, /*number=*/1000, /*repeat=*/5);
//   t.summary.min / t.number;  // best seconds per loop, as `python3 -m timeit` reports
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "kit/core/clock.hpp"
#include "kit/core/error.hpp"

namespace kit::timing {

using Duration = std::chrono::nanoseconds;

// ---- Clocks ---------------------------------------------------------------------------------

// The clock is core's (kit/core/clock.hpp): one abstraction for every module.
using core::Clock;
using core::ManualClock;
using core::steady_clock;

// InterruptibleClock: the steady clock, whose sleep ends early once cancel_fd is readable (a
// core::SignalPipe's fd: Ctrl-C cuts a backoff wait short). cancel_fd -1: an ordinary sleep.
class InterruptibleClock final : public Clock {
 public:
  explicit InterruptibleClock(int cancel_fd) : cancel_fd_(cancel_fd) {}
  [[nodiscard]] Duration now() const override { return steady_clock().now(); }
  void sleep_for(Duration d) override;

 private:
  int cancel_fd_;
};

// Stopwatch: elapsed time since it was made or restarted (perf_counter_ns differences).
class Stopwatch {
 public:
  explicit Stopwatch(const Clock& clock = steady_clock()) : clock_(&clock), start_(clock.now()) {}
  [[nodiscard]] Duration elapsed() const { return clock_->now() - start_; }
  [[nodiscard]] double seconds() const { return std::chrono::duration<double>(elapsed()).count(); }
  void restart() { start_ = clock_->now(); }

 private:
  const Clock* clock_;
  Duration start_;
};

// Deadline: a point on the monotonic clock; wall-clock jumps (NTP, DST) do not move it.
class Deadline {
 public:
  Deadline(Duration budget, const Clock& clock = steady_clock())
      : clock_(&clock), at_(clock.now() + budget) {}
  [[nodiscard]] bool expired() const { return clock_->now() >= at_; }
  [[nodiscard]] Duration remaining() const {
    const Duration left = at_ - clock_->now();
    return left > Duration::zero() ? left : Duration::zero();
  }

 private:
  const Clock* clock_;
  Duration at_;
};

// CPU time of this process (time.process_time), split as getrusage reports it.
struct CpuTime {
  Duration user{0}, system{0};
  [[nodiscard]] Duration total() const { return user + system; }
};
[[nodiscard]] CpuTime process_cpu_time();

// parse_duration("1.5"): seconds, or with a unit: "250ms", "2s", "5m", "1h", "1d", "850us",
// "10ns". Error timing.bad_duration for anything else, negative or not finite.
[[nodiscard]] Result<Duration> parse_duration(std::string_view text);
// format_seconds(d): "0.5s", "1.0s", "0.025s": the tutorial's {:.1f}, more digits below 0.1 s.
[[nodiscard]] std::string format_seconds(Duration d);

// strftime(format, when, utc): time.strftime's directives (%Y-%m-%d %H:%M:%S, %a, %z, …) for
// when in local time (TZ) or UTC. Error timing.bad_format for a directive it does not know.
[[nodiscard]] Result<std::string> strftime(std::string_view format,
                                           std::chrono::system_clock::time_point when,
                                           bool utc = false);

// ---- Statistics and timeit ------------------------------------------------------------------

// Summary of samples (seconds): what hyperfine and `python3 -m timeit` report.
struct Summary {
  std::size_t count = 0;
  double min = 0, max = 0, mean = 0, median = 0;
  double stddev = 0;  // sample standard deviation (n - 1), as statistics.stdev; 0 below 2
  double mad = 0;     // median absolute deviation from the median (unscaled)
};
[[nodiscard]] Summary summarize(std::span<const double> samples);
// outliers(samples): how many lie more than 14 scaled MADs from the median (hyperfine's
// modified Z-score test; MAD scaled by 1.4826 to estimate σ).
[[nodiscard]] std::size_t outliers(std::span<const double> samples);

// relative_speed(fast, slow): how many times slower `slow` is (mean / mean), and the error of
// that ratio from both standard deviations (hyperfine's "1.23 ± 0.04 times faster"). An
// infinite ratio when `fast` took no measurable time.
struct Ratio {
  double ratio = 0, error = 0;
};
[[nodiscard]] Ratio relative_speed(const Summary& fast, const Summary& slow);

struct TimeitResult {
  std::size_t number = 0;       // calls per sample
  std::vector<double> samples;  // seconds for `number` calls, one per repeat
  Summary summary;              // of samples
  [[nodiscard]] double best_per_call() const {
    return number ? summary.min / static_cast<double>(number) : 0;
  }
};
// timeit(fn, number, repeat, clock): timeit.repeat: `repeat` samples of `number` calls each.
[[nodiscard]] TimeitResult timeit(const std::function<void()>& fn, std::size_t number,
                                  std::size_t repeat = 5, Clock& clock = steady_clock());
// autorange(fn, clock): timeit.Timer.autorange: the first number in 1, 2, 5, 10, 20, 50, …
// whose calls take at least 0.2 s in all; returns (number, seconds taken).
[[nodiscard]] std::pair<std::size_t, double> autorange(const std::function<void()>& fn,
                                                       Clock& clock = steady_clock());

// ---- Backoff and retry ----------------------------------------------------------------------

// Jitter, as AWS's "Exponential Backoff And Jitter" defines it, with d = min(cap, base·factor^n):
//   none          d
//   full          uniform(0, d)
//   equal         d/2 + uniform(0, d/2)
//   decorrelated  min(cap, uniform(base, 3 · previous wait))   (the first previous is base)
enum class Jitter : std::uint8_t { none, full, equal, decorrelated };
[[nodiscard]] std::string_view jitter_name(Jitter jitter);
[[nodiscard]] std::optional<Jitter> parse_jitter(std::string_view text);

struct BackoffPolicy {
  Duration base = std::chrono::milliseconds(500);  // the wait after the first failure
  double factor = 2;                               // growth per failure
  Duration max_delay = std::chrono::seconds(60);   // cap of any one wait
  std::size_t max_attempts = 5;                    // in all, the first included; 0: no limit
  std::optional<Duration> max_elapsed{};  // no attempt starts later than this after the first
  Jitter jitter = Jitter::none;
};
// check(policy): Error timing.bad_policy for a negative base or cap, a factor below 1, a
// negative budget. A zero base is allowed: retry at once.
[[nodiscard]] Result<void> check(const BackoffPolicy& policy);

// Backoff: the waits of one retry loop (jitter draws from its own seeded generator).
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, std::uint64_t seed = std::random_device{}());
  // delay(failures, retry_after): the wait after the failures-th failure (1-based). A server's
  // Retry-After replaces the computed wait (it knows best), capped by max_delay.
  [[nodiscard]] Duration delay(std::size_t failures, std::optional<Duration> retry_after = {});
  [[nodiscard]] const BackoffPolicy& policy() const { return policy_; }

 private:
  BackoffPolicy policy_;
  std::mt19937_64 random_;
  Duration previous_;  // decorrelated jitter's last wait
};

// What an attempt may tell the retry loop besides success or failure.
struct AttemptContext {
  std::size_t attempt = 1;              // 1-based
  std::optional<Duration> retry_after;  // set it when the server said how long to wait
};

struct Attempt {
  std::size_t number = 0;
  Duration started{0};  // since the first attempt started
  Duration duration{0};
  std::optional<Error> error;  // none: it succeeded
  Duration wait{0};            // slept after it (0 for the last)
};

enum class StopReason : std::uint8_t {
  succeeded,
  attempts_exhausted,
  not_retryable,
  time_budget,
  cancelled
};

template <class T>
struct RetryOutcome {
  Result<T> result;  // the value, or the last attempt's error
  std::vector<Attempt> attempts;
  StopReason reason = StopReason::succeeded;
};

struct RetryOptions {
  BackoffPolicy policy;
  std::uint64_t seed = std::random_device{}();
  std::function<bool(const Error&)> retry_if{};  // empty: every error is worth another attempt
  // on_retry(failed attempt, wait): called before each wait (the tutorial's log line).
  std::function<void(const Attempt&, Duration)> on_retry{};
  std::function<bool()> cancelled{};  // asked before each attempt and wait
  Clock* clock = nullptr;             // null: steady_clock()
};

// retry(fn, options): calls fn(context) -> Result<T> until it succeeds or the policy gives up.
template <class Fn>
auto retry(Fn&& fn, const RetryOptions& o)
    -> RetryOutcome<typename std::invoke_result_t<Fn&, AttemptContext&>::value_type> {
  using T = typename std::invoke_result_t<Fn&, AttemptContext&>::value_type;
  Clock& clock = o.clock != nullptr ? *o.clock : steady_clock();
  Backoff backoff(o.policy, o.seed);
  RetryOutcome<T> out{tl::unexpected(Error{}), {}, StopReason::succeeded};
  const Duration first = clock.now();
  for (std::size_t n = 1;; ++n) {
    AttemptContext context{n, std::nullopt};
    Attempt attempt{n, clock.now() - first, Duration::zero(), std::nullopt, Duration::zero()};
    out.result = fn(context);
    attempt.duration = clock.now() - first - attempt.started;
    if (out.result) {
      out.attempts.push_back(attempt);
      out.reason = StopReason::succeeded;
      return out;
    }
    attempt.error = out.result.error();
    const bool last = o.policy.max_attempts != 0 && n >= o.policy.max_attempts;
    const Duration wait = last ? Duration::zero() : backoff.delay(n, context.retry_after);
    if (o.cancelled && o.cancelled())
      out.reason = StopReason::cancelled;
    else if (o.retry_if && !o.retry_if(*attempt.error))
      out.reason = StopReason::not_retryable;
    else if (last)
      out.reason = StopReason::attempts_exhausted;
    else if (o.policy.max_elapsed && clock.now() - first + wait >= *o.policy.max_elapsed)
      out.reason = StopReason::time_budget;
    else {
      attempt.wait = wait;
      out.attempts.push_back(attempt);
      if (o.on_retry) o.on_retry(out.attempts.back(), wait);
      clock.sleep_for(wait);
      if (o.cancelled && o.cancelled()) {
        out.reason = StopReason::cancelled;
        return out;
      }
      continue;
    }
    out.attempts.push_back(attempt);
    return out;
  }
}

}  // namespace kit::timing
