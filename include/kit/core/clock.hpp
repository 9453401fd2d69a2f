// kit/core/clock.hpp — "now" for commands that show it, reproducible when asked to be.
//
// SOURCE_DATE_EPOCH (reproducible-builds.org) fixes the current time, so that output that
// depends on today — `kit cal` with no argument, its highlighted day — can be tested and
// reproduced.
//
// Example:
//   kit::core::LocalDate today = kit::core::local_today();   // {2026, 11, 25}
#pragma once

#include <chrono>

namespace kit::core {

// now(): the system clock, or SOURCE_DATE_EPOCH (seconds since 1970, UTC) when it is set to a
// valid number.
[[nodiscard]] std::chrono::system_clock::time_point now();

struct LocalDate {
  int year;
  unsigned month;  // 1-12
  unsigned day;    // 1-31
};

// local_today(): the date of now() in the local time zone (TZ).
[[nodiscard]] LocalDate local_today();

}  // namespace kit::core
