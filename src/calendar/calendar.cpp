// Month grids, weekdays and leap years on <chrono>; never prints.
#include "kit/calendar.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "kit/core/text.hpp"

namespace kit::calendar {

namespace {

constexpr std::array<std::string_view, 7> day_names = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> month_names = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

unsigned month_index(month m) {
  return static_cast<unsigned>(m) - 1;
}

}  // namespace

Result<year> make_year(long long y) {
  if (y < min_year || y > max_year)
    return fail(ErrorKind::invalid_argument, "calendar.bad_year",
                fmt::format("year must be {}-{}, got {}", min_year, max_year, y));
  return year{static_cast<int>(y)};
}

Result<month> make_month(long long m) {
  if (m < 1 || m > 12)
    return fail(ErrorKind::invalid_argument, "calendar.bad_month",
                fmt::format("month must be 1-12, got {}", m));
  return month{static_cast<unsigned>(m)};
}

Result<year> parse_year(std::string_view s) {
  auto n = core::parse_int(s);
  if (!n)
    return fail(ErrorKind::invalid_argument, "calendar.bad_year",
                fmt::format("year must be a number {}-{}, got '{}'", min_year, max_year, s));
  return make_year(*n);
}

Result<month> parse_month(std::string_view s) {
  auto n = core::parse_int(s);
  if (!n)
    return fail(ErrorKind::invalid_argument, "calendar.bad_month",
                fmt::format("month must be a number 1-12, got '{}'", s));
  return make_month(*n);
}

Result<weekday> parse_weekday(std::string_view s) {
  std::string name = core::ascii_lower(core::trim(s));
  if (name.size() == 1 && name[0] >= '0' && name[0] <= '6')
    return weekday_from_number(static_cast<unsigned>(name[0] - '0'));
  for (unsigned i = 0; i < 7; ++i) {
    std::string full = core::ascii_lower(day_names[i]);
    if (name == full || name == std::string_view(full).substr(0, 3)) return weekday_from_number(i);
  }
  return fail(ErrorKind::invalid_argument, "calendar.bad_weekday",
              fmt::format("unknown weekday '{}' (use mon..sun, a full name, or 0-6 for "
                          "Monday-Sunday)",
                          s));
}

Result<year_month_day> parse_iso_date(std::string_view s) {
  auto bad = [&] {
    return fail(ErrorKind::invalid_argument, "calendar.bad_date",
                fmt::format("'{}' is not a date in YYYY-MM-DD form", s));
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad();
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return bad();
  auto digits = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < min_year)
    return fail(ErrorKind::invalid_argument, "calendar.bad_date",
                fmt::format("'{}': year must be {}-{}", s, min_year, max_year));
  if (m < 1 || m > 12)
    return fail(ErrorKind::invalid_argument, "calendar.bad_date",
                fmt::format("'{}': month must be 1-12", s));
  year_month_day date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!date.ok())
    return fail(ErrorKind::invalid_argument, "calendar.bad_date",
                fmt::format("'{}': {} {} has {} days", s, month_names[static_cast<unsigned>(m) - 1],
                            y, monthrange(date.year() / date.month()).days));
  return date;
}

std::string format_iso_date(year_month_day d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

bool isleap(year y) {
  return y.is_leap();
}

int leapdays(int y1, int y2) {
  // Floor division, as CPython's // (the range may start below year 1); long long so that no
  // int year can overflow.
  auto floordiv = [](long long a, long long b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
  };
  const long long a = y1 - 1LL, b = y2 - 1LL;
  return static_cast<int>((floordiv(b, 4) - floordiv(a, 4)) -
                          (floordiv(b, 100) - floordiv(a, 100)) +
                          (floordiv(b, 400) - floordiv(a, 400)));
}

unsigned weekday_number(weekday wd) {
  return wd.iso_encoding() - 1;
}

weekday weekday_from_number(unsigned n) {
  return weekday{(n % 7) + 1};
}

weekday weekday_of(year_month_day d) {
  return weekday{std::chrono::sys_days{d}};
}

MonthRange monthrange(year_month ym) {
  return {weekday{std::chrono::sys_days{ym / 1}},
          static_cast<unsigned>((ym / std::chrono::last).day())};
}

std::string_view day_name(weekday wd) {
  return day_names[weekday_number(wd)];
}
std::string_view day_abbr(weekday wd) {
  return day_names[weekday_number(wd)].substr(0, 3);
}
std::string_view month_name(month m) {
  return month_names[month_index(m)];
}
std::string_view month_abbr(month m) {
  return month_names[month_index(m)].substr(0, 3);
}

std::array<weekday, 7> Calendar::iterweekdays() const {
  std::array<weekday, 7> days;
  for (unsigned i = 0; i < 7; ++i) days[i] = first_ + std::chrono::days{i};
  return days;
}

unsigned Calendar::days_before(year_month ym) const {
  return static_cast<unsigned>((monthrange(ym).first - first_).count());
}

std::vector<Week> Calendar::monthdayscalendar(year_month ym) const {
  std::vector<Week> weeks;
  for (const Week2& w : monthdays2calendar(ym)) {
    Week days;
    for (std::size_t i = 0; i < 7; ++i) days[i] = w[i].day;
    weeks.push_back(days);
  }
  return weeks;
}

std::vector<Week2> Calendar::monthdays2calendar(year_month ym) const {
  const unsigned before = days_before(ym), ndays = monthrange(ym).days;
  const unsigned cells = (before + ndays + 6) / 7 * 7;
  std::vector<Week2> weeks(cells / 7);
  for (unsigned i = 0; i < cells; ++i) {
    unsigned d = (i >= before && i < before + ndays) ? i - before + 1 : 0;
    weeks[i / 7][i % 7] = {d, first_ + std::chrono::days{i % 7}};
  }
  return weeks;
}

std::vector<DateWeek> Calendar::monthdatescalendar(year_month ym) const {
  const unsigned before = days_before(ym), ndays = monthrange(ym).days;
  const unsigned cells = (before + ndays + 6) / 7 * 7;
  const std::chrono::sys_days start = std::chrono::sys_days{ym / 1} - std::chrono::days{before};
  std::vector<DateWeek> weeks(cells / 7);
  for (unsigned i = 0; i < cells; ++i) weeks[i / 7][i % 7] = start + std::chrono::days{i};
  return weeks;
}

std::vector<Week> monthcalendar(year_month ym) {
  return Calendar().monthdayscalendar(ym);
}

}  // namespace kit::calendar
