// kit cal's tools: find, nth, workdays, add-workdays, weekday, leap and the schedule report
// (options and calendars: cmd_cal.cpp).
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cal_options.hpp"
#include "kit/calendar.hpp"
#include "kit/calendar/schedule.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/core/text.hpp"

namespace kit::cli {

namespace cal = kit::calendar;
using nlohmann::json;

namespace {

Result<cal::Holidays> load_holidays(const std::optional<std::string>& path) {
  if (!path) return cal::Holidays{};
  auto text = core::read_file(*path);
  if (!text) return tl::unexpected(text.error());
  auto holidays = cal::parse_holidays(*text);
  if (!holidays) holidays.error().message = *path + ": " + holidays.error().message;
  return holidays;
}

// Prints one ISO date a line, or {"dates": [...]}.

int print_dates(const CalOptions& o, const std::vector<cal::year_month_day>& dates) {
  core::Output out({.json = o.json, .command = o.name});
  if (o.json) {
    json list = json::array();
    for (auto d : dates) list.push_back(cal::format_iso_date(d));
    out.document({{"dates", list}});
  } else {
    std::string text;
    for (auto d : dates) text += cal::format_iso_date(d) + '\n';
    out.text(text);
  }
  return out.finish();
}

json report_json(const cal::ScheduleReport& r) {
  json weeks = json::array();
  for (const cal::ScheduleWeek& w : r.weeks) {
    json days = json::array();
    for (const cal::ScheduleDay& d : w.days) {
      json names = json::array();
      for (const std::string& e : d.events) names.push_back(core::json_text(e));
      days.push_back({{"day", d.day}, {"weekday", cal::day_abbr(d.wd)}, {"events", names}});
    }
    weeks.push_back({{"week", w.number},
                     {"first_day", w.first_day},
                     {"last_day", w.last_day},
                     {"events", w.event_count},
                     {"busy", w.busy},
                     {"days", days}});
  }
  return {{"year", static_cast<int>(r.month.year())},
          {"month", static_cast<unsigned>(r.month.month())},
          {"month_name", cal::month_name(r.month.month())},
          {"busy_threshold", r.busy_threshold},
          {"weeks", weeks},
          {"working_days", r.working_days},
          {"total_events", r.total_events}};
}

}  // namespace

int run_cal_find(const CalOptions& o) {
  auto wd = cal::parse_weekday(o.weekday);
  if (!wd) return core::report_error(o.name, wd.error());
  auto y = cal::parse_year(o.year);
  if (!y) return core::report_error(o.name, y.error());
  if (!o.month) return print_dates(o, cal::weekdays_in(*y, *wd));
  auto m = cal::parse_month(*o.month);
  if (!m) return core::report_error(o.name, m.error());
  return print_dates(o, cal::weekdays_in(*y / *m, *wd));
}

int run_cal_nth(const CalOptions& o) {
  auto n = core::parse_int(o.n);
  if (!n || *n == 0 || *n < -5 || *n > 5)
    return core::report_error(
        o.name,
        cal_usage_error(fmt::format("N must be 1-5 or -1 to -5 (-1 is the last), got '{}'", o.n)));
  auto wd = cal::parse_weekday(o.weekday);
  if (!wd) return core::report_error(o.name, wd.error());
  auto y = cal::parse_year(o.year);
  if (!y) return core::report_error(o.name, y.error());
  auto m = cal::parse_month(o.month.value_or(""));
  if (!m) return core::report_error(o.name, m.error());
  auto date = cal::nth_weekday(*y / *m, *wd, static_cast<int>(*n));
  if (!date) {
    const long long k = *n < 0 ? -*n : *n;
    const char* suffix = k == 1 ? "st" : k == 2 ? "nd" : k == 3 ? "rd" : "th";
    return core::report_error(
        o.name,
        make_error(ErrorKind::not_found, "cal.no_such_day",
                   fmt::format("{} {} has no {}{}{} {}", cal::month_name(*m), static_cast<int>(*y),
                               k, suffix, *n < 0 ? "-to-last" : "", cal::day_name(*wd))));
  }
  return print_dates(o, {*date});
}

int run_cal_workdays(const CalOptions& o) {
  auto y = cal::parse_year(o.year);
  if (!y) return core::report_error(o.name, y.error());
  std::optional<cal::month> m;
  if (o.month) {
    auto parsed = cal::parse_month(*o.month);
    if (!parsed) return core::report_error(o.name, parsed.error());
    m = *parsed;
  }
  auto holidays = load_holidays(o.holidays);
  if (!holidays) return core::report_error(o.name, holidays.error());
  const unsigned count = m ? cal::workdays(*y / *m, *holidays) : cal::workdays(*y, *holidays);
  core::Output out({.json = o.json, .command = o.name});
  if (o.json) {
    json doc = {{"year", static_cast<int>(*y)}, {"workdays", count}};
    if (m) doc["month"] = static_cast<unsigned>(*m);
    out.document(doc);
  } else {
    out.text(fmt::format("{}\n", count));
  }
  return out.finish();
}

int run_cal_add_workdays(const CalOptions& o) {
  auto date = cal::parse_iso_date(o.date);
  if (!date) return core::report_error(o.name, date.error());
  auto n = core::parse_int(o.n);
  if (!n) return core::report_error(o.name, n.error());
  auto holidays = load_holidays(o.holidays);
  if (!holidays) return core::report_error(o.name, holidays.error());
  auto result = cal::add_workdays(*date, *n, *holidays);
  if (!result) return core::report_error(o.name, result.error());
  return print_dates(o, {*result});
}

int run_cal_weekday(const CalOptions& o) {
  auto date = cal::parse_iso_date(o.date);
  if (!date) return core::report_error(o.name, date.error());
  const cal::weekday wd = cal::weekday_of(*date);
  core::Output out({.json = o.json, .command = o.name});
  if (o.json)
    out.document({{"date", cal::format_iso_date(*date)},
                  {"weekday", cal::day_name(wd)},
                  {"number", cal::weekday_number(wd)}});
  else
    out.text(fmt::format("{}\n", cal::day_name(wd)));
  return out.finish();
}

int run_cal_leap(const CalOptions& o) {
  auto y1 = cal::parse_year(o.year);
  if (!y1) return core::report_error(o.name, y1.error());
  core::Output out({.json = o.json, .command = o.name});
  if (!o.year2) {
    const bool leap = cal::isleap(*y1);
    if (o.json)
      out.document({{"year", static_cast<int>(*y1)}, {"leap", leap}});
    else
      out.text(
          fmt::format("{}: {}\n", static_cast<int>(*y1), leap ? "leap year" : "not a leap year"));
    return out.finish();
  }
  // The end of [Y1, Y2) may be 10000, one past the last year.
  auto y2 = core::parse_int(*o.year2);
  if (!y2 || *y2 < cal::min_year || *y2 > cal::max_year + 1)
    return core::report_error(o.name,
                              make_error(ErrorKind::invalid_argument, "calendar.bad_year",
                                         fmt::format("Y2 must be {}-{}, got '{}'", cal::min_year,
                                                     cal::max_year + 1, *o.year2)));
  const int count = cal::leapdays(static_cast<int>(*y1), static_cast<int>(*y2));
  if (o.json)
    out.document({{"from", static_cast<int>(*y1)}, {"to", *y2}, {"leap_years", count}});
  else
    out.text(fmt::format("{}\n", count));
  return out.finish();
}

int run_cal_report(const CalOptions& o) {
  auto y = cal::parse_year(o.year);
  if (!y) return core::report_error(o.name, y.error());
  auto m = cal::parse_month(o.month.value_or(""));
  if (!m) return core::report_error(o.name, m.error());
  if (o.busy < 1)
    return core::report_error(
        o.name, cal_usage_error(fmt::format("--busy must be at least 1, got {}", o.busy)));
  auto text = core::read_file(o.events);
  if (!text) return core::report_error(o.name, text.error());
  auto format = o.events_format.empty()
                    ? Result<cal::EventFormat>(cal::detect_event_format(o.events, *text))
                    : cal::parse_event_format(o.events_format);
  if (!format) return core::report_error(o.name, format.error());
  auto events = cal::parse_events(*text, *format, *y / *m);
  if (!events) {
    events.error().message = o.events + ": " + events.error().message;
    return core::report_error(o.name, events.error());
  }
  const cal::ScheduleReport report =
      cal::schedule_report(*y / *m, *events, static_cast<unsigned>(o.busy));
  core::Output out({.json = o.json, .command = o.name});
  if (o.json)
    out.document(report_json(report));
  else
    out.text(o.html ? cal::format_report_html(report) : cal::format_report_text(report));
  return out.finish();
}

}  // namespace kit::cli
