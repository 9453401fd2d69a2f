// kit cal — month and year calendars, weekday finders, working days, the schedule reporter.
//
// Standard: `python3 -m calendar` of CPython 3.11. `kit cal Y M`, `kit cal Y` and
// `kit cal -t html Y` print the same bytes with the same options.
// Table row: KIT_COMMAND(cal, …) in commands.def. Docs: docs/commands/cal.md.
//
// usage: kit cal [-w W] [-l L] [-s S] [-m M] [-t text|html] [-c CSS] [-f DAY] [-n N] [--json]
//                [--color WHEN] [YEAR [MONTH]]
//        kit cal find WEEKDAY YEAR [MONTH]
//        kit cal nth N WEEKDAY YEAR MONTH
//        kit cal workdays YEAR [MONTH] [--holidays FILE]
//        kit cal add-workdays DATE N [--holidays FILE]
//        kit cal weekday DATE
//        kit cal leap YEAR [Y2]
//        kit cal report YEAR MONTH --events FILE [--format json|csv|ics] [--busy N] [--html]
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cal_options.hpp"
#include "command.hpp"
#include "kit/calendar.hpp"
#include "kit/calendar/schedule.hpp"
#include "kit/core/clock.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/core/text.hpp"

namespace kit::cli {

namespace cal = kit::calendar;
using nlohmann::json;

namespace {

// Upper bounds that keep a typo from asking for gigabytes; CPython has none.
constexpr int max_layout_option = 100;

Result<int> checked(int value, int low, int high, std::string_view what) {
  if (value < low || value > high)
    return tl::unexpected(cal_usage_error(
        fmt::format("{} must be between {} and {}, got {}", what, low, high, value)));
  return value;
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

// What `kit cal [YEAR [MONTH]]` shows: count months from a month, or count years.
struct Span {
  cal::year first_year;
  std::optional<cal::month> first_month;
  int count;
  [[nodiscard]] cal::year_month month_at(int i) const {
    return cal::year_month{first_year, *first_month} + std::chrono::months{i};
  }
  [[nodiscard]] cal::year year_at(int i) const { return first_year + std::chrono::years{i}; }
};

Result<Span> span_of(const CalOptions& o, const core::LocalDate& today) {
  if (o.when.size() > 2) return tl::unexpected(cal_usage_error("expected at most YEAR and MONTH"));
  auto count = checked(o.count, 1, cal::max_year * 12, "--count");
  if (!count) return tl::unexpected(count.error());
  auto y = o.when.empty() ? cal::make_year(today.year) : cal::parse_year(o.when[0]);
  if (!y) return tl::unexpected(y.error());
  Span span{*y, std::nullopt, o.count};
  if (o.when.size() != 1) {  // no argument shows this month
    auto m = o.when.empty() ? cal::make_month(today.month) : cal::parse_month(o.when[1]);
    if (!m) return tl::unexpected(m.error());
    span.first_month = *m;
  }
  const bool past_end = span.first_month
                            ? span.month_at(o.count - 1).year() > cal::year{cal::max_year}
                            : span.year_at(o.count - 1) > cal::year{cal::max_year};
  if (past_end)
    return tl::unexpected(
        cal_usage_error(fmt::format("--count {} runs past the year {}", o.count, cal::max_year)));
  return span;
}

int run_show(const CalOptions& o) {
  auto first = cal::parse_weekday(o.first_weekday);
  if (!first) return core::report_error(o.name, first.error());
  for (auto check : {checked(o.width, -max_layout_option, max_layout_option, "--width"),
                     checked(o.lines, -max_layout_option, max_layout_option, "--lines"),
                     checked(o.spacing, -max_layout_option, max_layout_option, "--spacing"),
                     checked(o.months, 1, max_layout_option, "--months")})
    if (!check) return core::report_error(o.name, check.error());
  if (o.type != "text" && o.type != "html")
    return core::report_error(
        o.name, cal_usage_error(fmt::format("--type must be text or html, got '{}'", o.type)));
  auto color = core::parse_color_mode(o.color);
  if (!color) return core::report_error(o.name, color.error());
  const core::LocalDate today = core::local_today();
  auto span = span_of(o, today);
  if (!span) return core::report_error(o.name, span.error());

  core::Output out({.json = o.json, .color = *color, .command = o.name});
  if (o.json) {
    const cal::Calendar c(*first);
    json docs = json::array();
    for (int i = 0; i < span->count; ++i) {
      json doc = header_json(c);
      if (span->first_month) {
        doc.update(month_json(c, span->month_at(i)));
      } else {
        doc["year"] = static_cast<int>(span->year_at(i));
        doc["months"] = json::array();
        for (unsigned k = 1; k <= 12; ++k)
          doc["months"].push_back(month_json(c, span->year_at(i) / cal::month{k}));
      }
      docs.push_back(std::move(doc));
    }
    out.document(span->count == 1 ? docs[0] : docs);
    return out.finish();
  }

  auto emit = [&](std::string_view piece) { out.text(piece); };
  if (o.type == "html" && !span->first_month) {
    // python3 -m calendar ignores the text-only options (-m included) for HTML.
    cal::HtmlCalendar(*first).write_yearspage(emit, span->first_year, span->count, 3, o.css);
    return out.finish();
  }
  std::string text;
  auto flush_if_long = [&] {  // stream long runs instead of holding them
    if (text.size() < (1u << 16)) return;
    out.text(text);
    text.clear();
  };
  if (o.type == "html") {
    const cal::HtmlCalendar c(*first);
    for (int i = 0; i < span->count; ++i, flush_if_long()) c.append_month(text, span->month_at(i));
  } else {
    cal::TextCalendar c(*first);
    // Today in reverse video on a terminal, as cal(1) does; piped output stays CPython's.
    if (out.color())
      c.mark({cal::year{today.year} / cal::month{today.month} / cal::day{today.day}, "\x1b[7m",
              "\x1b[0m"});
    for (int i = 0; i < span->count; ++i, flush_if_long()) {
      if (i != 0) text += '\n';
      if (span->first_month)
        c.append_month(text, span->month_at(i), o.width, o.lines);
      else
        c.append_year(text, span->year_at(i), o.width, o.lines, o.spacing, o.months);
    }
  }
  out.text(text);
  return out.finish();
}

int run_cal(const CalOptions& o) {
  using Action = CalOptions::Action;
  if (o.action != Action::show && (!o.when.empty() || o.layout_options_given > 0))
    return core::report_error(
        "cal", cal_usage_error(fmt::format("'{}' takes its own arguments: YEAR, MONTH and the "
                                           "calendar options go with `kit cal` alone",
                                           o.name.substr(4))));
  switch (o.action) {
    case Action::show:
      return run_show(o);
    case Action::find:
      return run_cal_find(o);
    case Action::nth:
      return run_cal_nth(o);
    case Action::workdays:
      return run_cal_workdays(o);
    case Action::add_workdays:
      return run_cal_add_workdays(o);
    case Action::weekday:
      return run_cal_weekday(o);
    case Action::leap:
      return run_cal_leap(o);
    case Action::report:
      return run_cal_report(o);
  }
  return core::exit_usage;
}

}  // namespace

Runner register_cal(CLI::App& app) {
  auto o = std::make_shared<CalOptions>();
  std::vector<CLI::Option*> layout = {
      app.add_option("-w,--width", o->width, "Width of a date column (default 2)"),
      app.add_option("-l,--lines", o->lines, "Lines per week (default 1)"),
      app.add_option("-s,--spacing", o->spacing, "Spaces between months of a year (default 6)"),
      app.add_option("-m,--months", o->months, "Months per row of a year (default 3)"),
      app.add_option("-t,--type", o->type, "Output type: text or html (default text)"),
      app.add_option("-c,--css", o->css,
                     "CSS file linked from the HTML page (default calendar.css)"),
      app.add_option("-f,--first-weekday", o->first_weekday,
                     "First day of the week: mon..sun or 0-6 (0 = Monday; default mon)"),
      app.add_option("-n,--count", o->count,
                     "Print N consecutive months (or years) from the one given"),
  };
  add_json_flag(app, o->json);
  add_color_option(app, o->color);
  app.add_option("when", o->when, "The year, or the year and month; this month when omitted")
      ->type_name("YEAR [MONTH]");

  using Action = CalOptions::Action;
  std::vector<std::pair<CLI::App*, Action>> tools;
  auto tool = [&](const char* name, const char* help, Action action) {
    CLI::App* sub = app.add_subcommand(name, help);
    add_json_flag(*sub, o->json);
    tools.emplace_back(sub, action);
    return sub;
  };
  auto holidays = [&](CLI::App* sub) {
    sub->add_option("--holidays", o->holidays, "File of holiday dates, one YYYY-MM-DD a line");
  };

  CLI::App* find =
      tool("find", "Every date of a month or year on a weekday (kit cal find fri 2026 10)",
           Action::find);
  find->add_option("WEEKDAY", o->weekday, "mon..sun, a full name, or 0-6")->required();
  find->add_option("YEAR", o->year, "1-9999")->required();
  find->add_option("MONTH", o->month, "1-12; the whole year when omitted");

  CLI::App* nth =
      tool("nth", "The N-th weekday of a month, or with -1 the last (kit cal nth -1 fri 2026 10)",
           Action::nth);
  nth->add_option("N", o->n, "1 to 5, or -1 (the last) to -5")->required();
  nth->add_option("WEEKDAY", o->weekday, "mon..sun, a full name, or 0-6")->required();
  nth->add_option("YEAR", o->year, "1-9999")->required();
  nth->add_option("MONTH", o->month, "1-12")->required();

  CLI::App* workdays =
      tool("workdays", "Count of Monday-Friday days in a month or year, less holidays",
           Action::workdays);
  workdays->add_option("YEAR", o->year, "1-9999")->required();
  workdays->add_option("MONTH", o->month, "1-12; the whole year when omitted");
  holidays(workdays);

  CLI::App* add = tool("add-workdays", "DATE plus N working days, skipping weekends and holidays",
                       Action::add_workdays);
  add->add_option("DATE", o->date, "YYYY-MM-DD")->required();
  add->add_option("N", o->n, "working days to add (negative: go back)")->required();
  holidays(add);

  tool("weekday", "The weekday of a date (kit cal weekday 2026-07-04)", Action::weekday)
      ->add_option("DATE", o->date, "YYYY-MM-DD")
      ->required();

  CLI::App* leap =
      tool("leap", "Whether YEAR is a leap year, or the count of leap years in [YEAR, Y2)",
           Action::leap);
  leap->add_option("YEAR", o->year, "1-9999")->required();
  leap->add_option("Y2", o->year2, "end of the range, excluded (up to 10000)");

  CLI::App* report =
      tool("report", "The monthly schedule report from a JSON, CSV or .ics file", Action::report);
  report->add_option("YEAR", o->year, "1-9999")->required();
  report->add_option("MONTH", o->month, "1-12")->required();
  report->add_option("--events", o->events, "Events file (- for standard input)")->required();
  report->add_option("--format", o->events_format,
                     "Events format: json, csv or ics (default: by extension, then content)");
  report->add_option("--busy", o->busy, "Events that make a week busy (default 3)");
  report->add_flag("--html", o->html, "An HTML page with the events in the month's cells");

  return [o, layout, tools] {
    for (const auto& [sub, action] : tools)
      if (sub->parsed()) {
        o->action = action;
        o->name = "cal " + sub->get_name();
      }
    for (const CLI::Option* option : layout) o->layout_options_given += option->count();
    return run_cal(*o);
  };
}

}  // namespace kit::cli
