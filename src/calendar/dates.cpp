// Date tools the tutorial asks for: weekday finders, working days, business-day arithmetic.
#include <algorithm>

#include <fmt/core.h>

#include "kit/calendar.hpp"
#include "kit/core/text.hpp"

namespace kit::calendar {

using std::chrono::days;
using std::chrono::sys_days;

std::vector<year_month_day> weekdays_in(year_month ym, weekday wd) {
  std::vector<year_month_day> dates;
  const sys_days first{ym / 1};
  const unsigned ndays = monthrange(ym).days;
  for (auto d = static_cast<unsigned>((wd - weekday{first}).count()); d < ndays; d += 7)
    dates.emplace_back(first + days{d});
  return dates;
}

std::vector<year_month_day> weekdays_in(year y, weekday wd) {
  std::vector<year_month_day> dates;
  for (unsigned m = 1; m <= 12; ++m) {
    auto month_dates = weekdays_in(y / month{m}, wd);
    dates.insert(dates.end(), month_dates.begin(), month_dates.end());
  }
  return dates;
}

std::optional<year_month_day> nth_weekday(year_month ym, weekday wd, int n) {
  if (n == 0 || n < -5 || n > 5) return std::nullopt;
  const std::vector<year_month_day> dates = weekdays_in(ym, wd);
  const auto count = static_cast<int>(dates.size());
  if (n >= 1 && n <= count) return dates[static_cast<std::size_t>(n - 1)];
  if (n <= -1 && -n <= count) return dates[static_cast<std::size_t>(count + n)];
  return std::nullopt;
}

Holidays::Holidays(std::vector<year_month_day> dates) {
  days_.reserve(dates.size());
  for (year_month_day d : dates) days_.emplace_back(d);
  std::sort(days_.begin(), days_.end());
  days_.erase(std::unique(days_.begin(), days_.end()), days_.end());
}

bool Holidays::contains(year_month_day d) const {
  return std::binary_search(days_.begin(), days_.end(), sys_days{d});
}

Result<Holidays> parse_holidays(std::string_view text) {
  std::vector<year_month_day> dates;
  std::size_t line_number = 0;
  for (std::string_view line : core::split_lines(core::strip_bom(text))) {
    ++line_number;
    std::string_view content = core::trim(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    auto date = parse_iso_date(content);
    if (!date)
      return fail_at(ErrorKind::malformed_input, "calendar.bad_holiday", date.error().message,
                     {line_number, 1});
    dates.push_back(*date);
  }
  return Holidays(std::move(dates));
}

bool is_workday(year_month_day d, const Holidays& holidays) {
  return weekday_number(weekday_of(d)) < 5 && !holidays.contains(d);
}

unsigned workdays(year_month ym, const Holidays& holidays) {
  unsigned count = 0;
  const sys_days first{ym / 1};
  const unsigned ndays = monthrange(ym).days;
  for (unsigned i = 0; i < ndays; ++i)
    if (is_workday(first + days{i}, holidays)) ++count;
  return count;
}

unsigned workdays(year y, const Holidays& holidays) {
  unsigned count = 0;
  for (unsigned m = 1; m <= 12; ++m) count += workdays(y / month{m}, holidays);
  return count;
}

Result<year_month_day> add_workdays(year_month_day d, long long n, const Holidays& holidays) {
  const sys_days lowest{year{min_year} / 1 / 1}, highest{year{max_year} / 12 / 31};
  auto out_of_range = [&] {
    return fail(ErrorKind::invalid_argument, "calendar.out_of_range",
                fmt::format("{} {:+} workdays is outside years {}-{}", format_iso_date(d), n,
                            min_year, max_year));
  };
  // More workdays than the whole range holds can never land inside it (and, checked first,
  // -n cannot overflow below).
  const long long span = (highest - lowest).count();
  if (n > span || n < -span) return out_of_range();
  const days step{n < 0 ? -1 : 1};
  sys_days at{d};
  for (long long left = n < 0 ? -n : n; left > 0;) {
    at += step;
    if (at < lowest || at > highest) return out_of_range();
    if (is_workday(at, holidays)) --left;
  }
  return year_month_day{at};
}

}  // namespace kit::calendar
