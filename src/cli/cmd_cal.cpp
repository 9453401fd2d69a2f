// kit cal — month and year calendars, weekday finders, working days, the schedule reporter.
//
// Standard: `python3 -m calendar` of CPython 3.11. `kit cal Y M`, `kit cal Y` and
// `kit cal -t html Y` print the same bytes with the same options.
// Table row: KIT_COMMAND(cal, …) in commands.def. Docs: docs/commands/cal.md.
//
// usage: kit cal [-w W] [-l L] [-s S] [-m M] [-t text|html] [-c CSS] [-f DAY] [-n N] [--json]
//                [YEAR [MONTH]]
//        kit cal find WEEKDAY YEAR [MONTH]
//        kit cal nth N WEEKDAY YEAR MONTH
//        kit cal workdays YEAR [MONTH] [--holidays FILE]
//        kit cal add-workdays DATE N [--holidays FILE]
//        kit cal weekday DATE
//        kit cal leap YEAR | kit cal leap Y1 Y2
//        kit cal report YEAR MONTH --events FILE [--format json|csv|ics] [--busy N] [--html]
#include <ctime>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/calendar.hpp"
#include "kit/calendar/schedule.hpp"
#include "kit/core/output.hpp"
#include "kit/core/text.hpp"

namespace kit::cli {

namespace cal = kit::calendar;
using nlohmann::json;

namespace {

struct CalOptions {
  enum class Action { show, find, nth, workdays, add_workdays, weekday, leap, report };
  Action action = Action::show;
  std::vector<std::string> args;  // the action's positional arguments, checked by run_cal
  // show, as python3 -m calendar
  int width = 2, lines = 1, spacing = 6, months = 3, count = 1;
  std::string type = "text", css = "calendar.css", first_weekday = "mon", color = "auto";
  // date tools and report
  std::string holidays, events, events_format;
  int busy = 3;
  bool html = false;
  bool json = false;
};

// Upper bounds that keep a typo from asking for gigabytes; CPython has none.
constexpr int max_layout_option = 100;

struct Today {
  int year;
  unsigned month;
  unsigned day;
};

Today today() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return {local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
          static_cast<unsigned>(local.tm_mday)};
}

json weeks_json(const cal::Calendar& c, cal::year_month ym) {
  json weeks = json::array();
  for (const cal::Week& w : c.monthdayscalendar(ym)) weeks.push_back(w);
  return weeks;
}

json month_json(const cal::Calendar& c, cal::year_month ym) {
  return {{"year", static_cast<int>(ym.year())},
          {"month", static_cast<unsigned>(ym.month())},
          {"month_name", cal::month_name(ym.month())},
          {"weeks", weeks_json(c, ym)}};
}

json header_json(const cal::Calendar& c) {
  json names = json::array();
  for (cal::weekday wd : c.iterweekdays()) names.push_back(cal::day_abbr(wd));
  return {{"first_weekday", cal::day_name(c.firstweekday())}, {"weekdays", names}};
}

Result<int> checked(int value, int low, int high, std::string_view what) {
  if (value < low || value > high)
    return fail(ErrorKind::invalid_argument, "cal.bad_option",
                fmt::format("{} must be between {} and {}, got {}", what, low, high, value));
  return value;
}

int run_show(const CalOptions& o) {
  auto first = cal::parse_weekday(o.first_weekday);
  if (!first) return core::report_error("cal", first.error());
  if (o.args.size() > 2)
    return core::report_error(
        "cal",
        Error{ErrorKind::invalid_argument, "cal.usage", "expected at most YEAR and MONTH", {}, {}});
  for (auto check : {checked(o.width, -max_layout_option, max_layout_option, "--width"),
                     checked(o.lines, -max_layout_option, max_layout_option, "--lines"),
                     checked(o.spacing, -max_layout_option, max_layout_option, "--spacing"),
                     checked(o.months, 1, max_layout_option, "--months"),
                     checked(o.count, 1, cal::max_year * 12, "--count")})
    if (!check) return core::report_error("cal", check.error());
  if (o.type != "text" && o.type != "html")
    return core::report_error("cal",
                              Error{ErrorKind::invalid_argument,
                                    "cal.bad_type",
                                    fmt::format("--type must be text or html, got '{}'", o.type),
                                    {},
                                    {}});

  const Today now = today();
  Result<cal::year> y = o.args.empty() ? cal::make_year(now.year) : cal::parse_year(o.args[0]);
  if (!y) return core::report_error("cal", y.error());
  // No argument shows this month; a year alone shows the year.
  std::optional<cal::month> m;
  if (o.args.size() == 2 || o.args.empty()) {
    auto parsed = o.args.empty() ? cal::make_month(now.month) : cal::parse_month(o.args[1]);
    if (!parsed) return core::report_error("cal", parsed.error());
    m = *parsed;
  }
  const int last_index =
      m ? static_cast<int>(*y) * 12 + static_cast<int>(unsigned{*m}) - 1 + o.count - 1
        : static_cast<int>(*y) + o.count - 1;
  if ((m && last_index >= (cal::max_year + 1) * 12) || (!m && last_index > cal::max_year))
    return core::report_error(
        "cal", Error{ErrorKind::invalid_argument,
                     "cal.bad_count",
                     fmt::format("--count {} runs past the year {}", o.count, cal::max_year),
                     {},
                     {}});
  auto nth_month = [&](int i) {
    const int index = static_cast<int>(*y) * 12 + static_cast<int>(unsigned{*m}) - 1 + i;
    return cal::year{index / 12} / cal::month{static_cast<unsigned>(index % 12 + 1)};
  };
  auto nth_year = [&](int i) { return cal::year{static_cast<int>(*y) + i}; };

  auto color = core::parse_color_mode(o.color);
  if (!color) return core::report_error("cal", color.error());
  core::Output out({.json = o.json, .color = *color});
  if (o.json) {
    const cal::Calendar c(*first);
    json docs = json::array();
    for (int i = 0; i < o.count; ++i) {
      json doc = header_json(c);
      if (m) {
        doc.update(month_json(c, nth_month(i)));
      } else {
        doc["year"] = static_cast<int>(nth_year(i));
        doc["months"] = json::array();
        for (unsigned k = 1; k <= 12; ++k)
          doc["months"].push_back(month_json(c, nth_year(i) / cal::month{k}));
      }
      docs.push_back(std::move(doc));
    }
    out.document(o.count == 1 ? docs[0] : docs);
    return out.finish();
  }

  std::string text;
  if (o.type == "html") {
    const cal::HtmlCalendar c(*first);
    if (m) {
      for (int i = 0; i < o.count; ++i) c.append_month(text, nth_month(i));
    } else {
      // python3 -m calendar ignores the text-only options (-m included) for HTML.
      c.write_yearspage([&](std::string_view piece) { out.text(piece); }, *y, o.count, 3, o.css);
    }
  } else {
    cal::TextCalendar c(*first);
    // Today in reverse video on a terminal, as cal(1) does; piped output stays CPython's.
    if (out.color())
      c.mark({cal::year{now.year} / cal::month{now.month} / cal::day{now.day}, "\x1b[7m",
              "\x1b[0m"});
    for (int i = 0; i < o.count; ++i) {
      if (i != 0) text += '\n';
      if (m)
        c.append_month(text, nth_month(i), o.width, o.lines);
      else
        c.append_year(text, nth_year(i), o.width, o.lines, o.spacing, o.months);
      if (text.size() >= (1u << 16)) {  // stream long runs instead of holding them
        out.text(text);
        text.clear();
      }
    }
  }
  out.text(text);
  return out.finish();
}

Result<cal::Holidays> load_holidays(const std::string& path) {
  if (path.empty()) return cal::Holidays{};
  auto text = core::read_file(path);
  if (!text) return tl::unexpected(text.error());
  auto holidays = cal::parse_holidays(*text);
  if (!holidays) holidays.error().message = path + ": " + holidays.error().message;
  return holidays;
}

// Prints one ISO date a line, or {"dates": [...]}.
int print_dates(const CalOptions& o, const std::vector<cal::year_month_day>& dates) {
  core::Output out({.json = o.json});
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

int run_find(const CalOptions& o) {
  auto wd = cal::parse_weekday(o.args[0]);
  if (!wd) return core::report_error("cal find", wd.error());
  auto y = cal::parse_year(o.args[1]);
  if (!y) return core::report_error("cal find", y.error());
  if (o.args.size() == 2) return print_dates(o, cal::weekdays_in(*y, *wd));
  auto m = cal::parse_month(o.args[2]);
  if (!m) return core::report_error("cal find", m.error());
  return print_dates(o, cal::weekdays_in(*y / *m, *wd));
}

int run_nth(const CalOptions& o) {
  auto n = core::parse_int(o.args[0]);
  if (!n || *n == 0 || *n < -5 || *n > 5)
    return core::report_error("cal nth", Error{ErrorKind::invalid_argument,
                                               "cal.bad_nth",
                                               fmt::format("N must be 1-5 or -1 to -5 (-1 is "
                                                           "the last), got '{}'",
                                                           o.args[0]),
                                               {},
                                               {}});
  auto wd = cal::parse_weekday(o.args[1]);
  if (!wd) return core::report_error("cal nth", wd.error());
  auto y = cal::parse_year(o.args[2]);
  if (!y) return core::report_error("cal nth", y.error());
  auto m = cal::parse_month(o.args[3]);
  if (!m) return core::report_error("cal nth", m.error());
  auto date = cal::nth_weekday(*y / *m, *wd, static_cast<int>(*n));
  if (!date) {
    const long long k = *n < 0 ? -*n : *n;
    const char* suffix = k == 1 ? "st" : k == 2 ? "nd" : k == 3 ? "rd" : "th";
    return core::report_error(
        "cal nth",
        Error{ErrorKind::not_found,
              "cal.no_such_day",
              fmt::format("{} {} has no {}{}{} {}", cal::month_name(*m), static_cast<int>(*y), k,
                          suffix, *n < 0 ? "-to-last" : "", cal::day_name(*wd)),
              {},
              {}});
  }
  return print_dates(o, {*date});
}

int run_workdays(const CalOptions& o) {
  auto y = cal::parse_year(o.args[0]);
  if (!y) return core::report_error("cal workdays", y.error());
  std::optional<cal::month> m;
  if (o.args.size() == 2) {
    auto parsed = cal::parse_month(o.args[1]);
    if (!parsed) return core::report_error("cal workdays", parsed.error());
    m = *parsed;
  }
  auto holidays = load_holidays(o.holidays);
  if (!holidays) return core::report_error("cal workdays", holidays.error());
  unsigned count = 0;
  for (unsigned k = 1; k <= 12; ++k)
    if (!m || *m == cal::month{k}) count += cal::workdays(*y / cal::month{k}, *holidays);
  core::Output out({.json = o.json});
  if (o.json) {
    json doc = {{"year", static_cast<int>(*y)}, {"workdays", count}};
    if (m) doc["month"] = static_cast<unsigned>(*m);
    out.document(doc);
  } else {
    out.text(fmt::format("{}\n", count));
  }
  return out.finish();
}

int run_add_workdays(const CalOptions& o) {
  auto date = cal::parse_iso_date(o.args[0]);
  if (!date) return core::report_error("cal add-workdays", date.error());
  auto n = core::parse_int(o.args[1]);
  if (!n) return core::report_error("cal add-workdays", n.error());
  auto holidays = load_holidays(o.holidays);
  if (!holidays) return core::report_error("cal add-workdays", holidays.error());
  auto result = cal::add_workdays(*date, *n, *holidays);
  if (!result) return core::report_error("cal add-workdays", result.error());
  return print_dates(o, {*result});
}

int run_weekday(const CalOptions& o) {
  auto date = cal::parse_iso_date(o.args[0]);
  if (!date) return core::report_error("cal weekday", date.error());
  const cal::weekday wd = cal::weekday_of(*date);
  core::Output out({.json = o.json});
  if (o.json)
    out.document({{"date", cal::format_iso_date(*date)},
                  {"weekday", cal::day_name(wd)},
                  {"number", cal::weekday_number(wd)}});
  else
    out.text(fmt::format("{}\n", cal::day_name(wd)));
  return out.finish();
}

int run_leap(const CalOptions& o) {
  auto y1 = cal::parse_year(o.args[0]);
  if (!y1) return core::report_error("cal leap", y1.error());
  core::Output out({.json = o.json});
  if (o.args.size() == 1) {
    const bool leap = cal::isleap(*y1);
    if (o.json)
      out.document({{"year", static_cast<int>(*y1)}, {"leap", leap}});
    else
      out.text(
          fmt::format("{}: {}\n", static_cast<int>(*y1), leap ? "leap year" : "not a leap year"));
    return out.finish();
  }
  // The end of [Y1, Y2) may be 10000, one past the last year.
  auto y2 = core::parse_int(o.args[1]);
  if (!y2 || *y2 < cal::min_year || *y2 > cal::max_year + 1)
    return core::report_error("cal leap",
                              Error{ErrorKind::invalid_argument,
                                    "calendar.bad_year",
                                    fmt::format("Y2 must be {}-{}, got '{}'", cal::min_year,
                                                cal::max_year + 1, o.args[1]),
                                    {},
                                    {}});
  const int count = cal::leapdays(static_cast<int>(*y1), static_cast<int>(*y2));
  if (o.json)
    out.document({{"from", static_cast<int>(*y1)}, {"to", *y2}, {"leap_years", count}});
  else
    out.text(fmt::format("{}\n", count));
  return out.finish();
}

json report_json(const cal::ScheduleReport& r) {
  json weeks = json::array();
  for (const cal::ScheduleWeek& w : r.weeks) {
    json days = json::array();
    for (const cal::ScheduleDay& d : w.days)
      days.push_back({{"day", d.day}, {"weekday", cal::day_abbr(d.wd)}, {"events", d.events}});
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

int run_report(const CalOptions& o) {
  auto y = cal::parse_year(o.args[0]);
  if (!y) return core::report_error("cal report", y.error());
  auto m = cal::parse_month(o.args[1]);
  if (!m) return core::report_error("cal report", m.error());
  if (o.busy < 1)
    return core::report_error("cal report",
                              Error{ErrorKind::invalid_argument,
                                    "cal.bad_busy",
                                    fmt::format("--busy must be at least 1, got {}", o.busy),
                                    {},
                                    {}});
  auto text = core::read_file(o.events);
  if (!text) return core::report_error("cal report", text.error());
  auto format = o.events_format.empty()
                    ? Result<cal::EventFormat>(cal::detect_event_format(o.events, *text))
                    : cal::parse_event_format(o.events_format);
  if (!format) return core::report_error("cal report", format.error());
  auto events = cal::parse_events(*text, *format, *y / *m);
  if (!events) {
    events.error().message = o.events + ": " + events.error().message;
    return core::report_error("cal report", events.error());
  }
  const cal::ScheduleReport report =
      cal::schedule_report(*y / *m, *events, static_cast<unsigned>(o.busy));
  core::Output out({.json = o.json});
  if (o.json)
    out.document(report_json(report));
  else
    out.text(o.html ? cal::format_report_html(report) : cal::format_report_text(report));
  return out.finish();
}

int run_cal(const CalOptions& o) {
  using Action = CalOptions::Action;
  switch (o.action) {
    case Action::show:
      return run_show(o);
    case Action::find:
      return run_find(o);
    case Action::nth:
      return run_nth(o);
    case Action::workdays:
      return run_workdays(o);
    case Action::add_workdays:
      return run_add_workdays(o);
    case Action::weekday:
      return run_weekday(o);
    case Action::leap:
      return run_leap(o);
    case Action::report:
      return run_report(o);
  }
  return core::exit_usage;
}

}  // namespace

Runner register_cal(CLI::App& app) {
  auto o = std::make_shared<CalOptions>();
  app.add_option("-w,--width", o->width, "Width of a date column (default 2)");
  app.add_option("-l,--lines", o->lines, "Lines per week (default 1)");
  app.add_option("-s,--spacing", o->spacing, "Spaces between months of a year (default 6)");
  app.add_option("-m,--months", o->months, "Months per row of a year (default 3)");
  app.add_option("-t,--type", o->type, "Output type: text or html (default text)");
  app.add_option("-c,--css", o->css, "CSS file linked from the HTML page (default calendar.css)");
  app.add_option("-f,--first-weekday", o->first_weekday,
                 "First day of the week: mon..sun or 0-6 (0 = Monday; default mon)");
  app.add_option("-n,--count", o->count,
                 "Print N consecutive months (or years) from the one given");
  add_json_flag(app, o->json);
  add_color_option(app, o->color);
  app.add_option("when", o->args, "The year, or the year and month; this month when omitted")
      ->type_name("YEAR [MONTH]");

  using Action = CalOptions::Action;
  auto tool = [&](const char* name, const char* help, Action action, const char* args_help,
                  std::size_t min_args, std::size_t max_args) {
    CLI::App* sub = app.add_subcommand(name, help);
    sub->add_option("args", o->args, "Arguments, as the usage line shows")
        ->type_name(args_help)
        ->expected(static_cast<int>(min_args), static_cast<int>(max_args))
        ->required();
    sub->callback([o, action] { o->action = action; });
    add_json_flag(*sub, o->json);
    return sub;
  };
  tool("find", "Every date of a month or year on a weekday (kit cal find fri 2026 10)",
       Action::find, "WEEKDAY YEAR [MONTH]", 2, 3);
  tool("nth", "The N-th (or with -1, the last) weekday of a month (kit cal nth -1 fri 2026 10)",
       Action::nth, "N WEEKDAY YEAR MONTH", 4, 4);
  tool("workdays", "Count of Monday-Friday days in a month or year, less holidays",
       Action::workdays, "YEAR [MONTH]", 1, 2)
      ->add_option("--holidays", o->holidays, "File of holiday dates, one YYYY-MM-DD a line");
  tool("add-workdays", "DATE plus N working days, skipping weekends and holidays",
       Action::add_workdays, "DATE N", 2, 2)
      ->add_option("--holidays", o->holidays, "File of holiday dates, one YYYY-MM-DD a line");
  tool("weekday", "The weekday of a date (kit cal weekday 2026-07-04)", Action::weekday, "DATE", 1,
       1);
  tool("leap", "Whether YEAR is a leap year, or the count of leap years in [Y1, Y2)", Action::leap,
       "YEAR | Y1 Y2", 1, 2);
  CLI::App* report = tool("report", "The monthly schedule report from a JSON, CSV or .ics file",
                          Action::report, "YEAR MONTH", 2, 2);
  report->add_option("--events", o->events, "Events file (- for standard input)")->required();
  report->add_option("--format", o->events_format,
                     "Events format: json, csv or ics (default: "
                     "by extension, then content)");
  report->add_option("--busy", o->busy, "Events that make a week busy (default 3)");
  report->add_flag("--html", o->html, "An HTML page with the events in the month's cells");
  return [o] { return run_cal(*o); };
}

}  // namespace kit::cli
