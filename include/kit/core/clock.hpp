// kit/core/clock.hpp — the one clock abstraction: monotonic time, sleeping, and the date.
//
// Code that waits, times or ages things takes a Clock& (default steady_clock()); tests pass a
// ManualClock, whose time moves only when told to or when someone sleeps on it: exact and
// instant, no real sleeping. system_now() is wall time for what outlives a process (a job's
// submission time in a database, today's date): SOURCE_DATE_EPOCH (reproducible-builds.org)
// fixes it, so that output that depends on today — `kit cal` with no argument, its
// highlighted day — can be tested and reproduced.
//
// Example:
//   kit::core::ManualClock clock;
//   kit::timing::Stopwatch watch(clock);
//   clock.advance(std::chrono::milliseconds(250));   // watch.elapsed() == 250ms
//   kit::core::LocalDate today = kit::core::local_today();   // {2026, 11, 25}
#pragma once

#include <chrono>
#include <vector>

namespace kit::core {

using Duration = std::chrono::nanoseconds;

// Clock: monotonic time and sleeping, injectable.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual Duration now() const = 0;  // since an arbitrary start; never goes back
  virtual void sleep_for(Duration d) = 0;
  // system_now(): wall time (system_clock, or SOURCE_DATE_EPOCH when it is set).
  [[nodiscard]] virtual std::chrono::system_clock::time_point system_now() const;
};
// steady_clock(): std::chrono::steady_clock (CLOCK_MONOTONIC) and nanosleep.
[[nodiscard]] Clock& steady_clock();

// ManualClock: time moves only when told to (advance) or when someone sleeps on it; its wall
// time is the Unix epoch plus the same amount.
class ManualClock final : public Clock {
 public:
  [[nodiscard]] Duration now() const override { return now_; }
  void sleep_for(Duration d) override {
    if (d > Duration::zero()) now_ += d;
    slept_.push_back(d);
  }
  [[nodiscard]] std::chrono::system_clock::time_point system_now() const override {
    return std::chrono::system_clock::time_point{
        std::chrono::duration_cast<std::chrono::system_clock::duration>(now_)};
  }
  void advance(Duration d) { now_ += d; }
  [[nodiscard]] const std::vector<Duration>& slept() const { return slept_; }

 private:
  Duration now_{0};
  std::vector<Duration> slept_;
};

// now(): steady_clock().system_now(): the system clock, or SOURCE_DATE_EPOCH (seconds since
// 1970, UTC) when it is set to a valid number.
[[nodiscard]] std::chrono::system_clock::time_point now();

struct LocalDate {
  int year;
  unsigned month;  // 1-12
  unsigned day;    // 1-31
};

// local_today(): the date of now() in the local time zone (TZ).
[[nodiscard]] LocalDate local_today();

}  // namespace kit::core
