// Clocks, CPU time and strftime.
#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "kit/timing.hpp"

namespace kit::timing {

namespace {

Duration from_timeval(const timeval& t) {
  return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
}

}  // namespace

void InterruptibleClock::sleep_for(Duration d) {
  const Deadline deadline(d);
  while (!deadline.expired()) {
    pollfd fd{cancel_fd_, POLLIN, 0};  // a negative fd is ignored: poll only sleeps
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline.remaining()).count();
    if (::poll(&fd, 1, static_cast<int>(std::min<std::int64_t>(ms, 1 << 30))) > 0 &&
        (fd.revents & POLLIN) != 0)
      return;
  }
}

CpuTime process_cpu_time() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return {from_timeval(usage.ru_utime), from_timeval(usage.ru_stime)};
}

Result<Duration> parse_duration(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorKind::invalid_argument, "timing.bad_duration",
                fmt::format("'{}' is not a duration (seconds, or a number with ns, us, ms, s, "
                            "m, h or d)",
                            text));
  };
  static constexpr std::pair<std::string_view, double> units[] = {
      {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
  std::string_view number = text;
  double scale = 1;
  for (const auto& [suffix, seconds] : units)
    if (number.ends_with(suffix) && number.size() > suffix.size() &&
        !(suffix == "s" &&
          (number.ends_with("ms") || number.ends_with("us") || number.ends_with("ns")))) {
      number.remove_suffix(suffix.size());
      scale = seconds;
      break;
    }
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string_view::npos)
    return bad();
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  const double ns = value * scale * 1e9;
  if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(ns) || ns > 9e18)
    return bad();
  return Duration(static_cast<Duration::rep>(std::llround(ns)));
}

std::string format_seconds(Duration d) {
  const double s = std::chrono::duration<double>(d).count();
  return s == 0 || s >= 0.1 ? fmt::format("{:.1f}s", s) : fmt::format("{:.3g}s", s);
}

Result<std::string> strftime(std::string_view format, std::chrono::system_clock::time_point when,
                             bool utc) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  if ((utc ? ::gmtime_r(&t, &tm) : ::localtime_r(&t, &tm)) == nullptr)
    return fail(ErrorKind::invalid_argument, "timing.bad_time", "the time is out of range");
  // {fmt}'s chrono formatter checks every directive (std::strftime would print junk); braces,
  // which would end its spec, are copied around it.
  try {
    std::string out;
    while (!format.empty()) {
      const std::size_t brace = std::min(format.find_first_of("{}"), format.size());
      if (brace != 0)
        out += fmt::format(fmt::runtime(fmt::format("{{:{}}}", format.substr(0, brace))), tm);
      if (brace < format.size()) out += format[brace];
      format.remove_prefix(std::min(format.size(), brace + 1));
    }
    return out;
  } catch (const fmt::format_error& e) {
    return fail(ErrorKind::invalid_argument, "timing.bad_format",
                fmt::format("bad time format '{}': {}", format, e.what()));
  }
}

}  // namespace kit::timing
