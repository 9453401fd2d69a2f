// kit/calendar/schedule.hpp — the monthly schedule reporter: a month's events, week by week.
//
// Events come from JSON ({"6": ["Sprint planning", "Architecture review"]}: day numbers of the
// month, as the tutorial's dict), CSV (header `date,event`, RFC 4180) or iCalendar (.ics,
// VEVENTs with their recurrences). The report lists every Monday-Friday week of the month with
// its weekday events and flags weeks holding at least `busy` events.
//
// Example:
//   using namespace std::chrono;
//   auto events = kit::calendar::parse_events(text, kit::calendar::EventFormat::json,
//                                             2026y / April);
//   auto report = kit::calendar::schedule_report(2026y / April, *events);
//   std::string s = kit::calendar::format_report_text(report);
//   // "=== April 2026 Schedule ===\n\nWeek 1 (1-3):\n  Wed  1: Quarter kickoff\n..."
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kit/calendar.hpp"

namespace kit::calendar {

struct Event {
  year_month_day date;
  std::string title;
};

enum class EventFormat { json, csv, ics };

// parse_event_format("csv"): json, csv or ics (calendar.bad_format otherwise).
[[nodiscard]] Result<EventFormat> parse_event_format(std::string_view name);
// detect_event_format(path, text): by the file's extension, else by its first bytes.
[[nodiscard]] EventFormat detect_event_format(std::string_view path, std::string_view text);

// parse_events(text, format, ym): the events that fall in ym, ordered by date (and, within a
// day, as the file lists them); a leading UTF-8 BOM is ignored.
// - JSON: days must exist in ym, and a day may appear once.
// - CSV: rows of other months are left out.
// - iCalendar: RRULEs are expanded within ym (one entry a day per event), EXDATEs and
//   overrides (RECURRENCE-ID, matched by UID) move or remove instances, cancelled events are
//   left out. A rule with more than 100,000 occurrences before the end of ym is an error.
// Malformed input is an Error (calendar.bad_events), with its line:column where known.
[[nodiscard]] Result<std::vector<Event>> parse_events(std::string_view text, EventFormat format,
                                                      year_month ym);

struct ScheduleDay {
  unsigned day = 0;
  weekday wd;
  std::vector<std::string> events;
};

struct ScheduleWeek {
  unsigned number = 0;     // row of monthcalendar(), from 1 (weeks start on Monday)
  unsigned first_day = 0;  // first and last Monday-Friday day of the month in this week
  unsigned last_day = 0;
  std::size_t event_count = 0;    // events on its weekdays
  bool busy = false;              // event_count >= the busy threshold
  std::vector<ScheduleDay> days;  // the weekdays that have events
};

struct ScheduleReport {
  year_month month;
  unsigned busy_threshold = 3;
  std::vector<ScheduleWeek> weeks;  // weeks with at least one weekday of the month
  unsigned working_days = 0;        // Monday-Friday days of the month
  std::size_t total_events = 0;     // every event of the month, weekends included
  std::vector<Event> events;        // every event of the month, as given
};

// schedule_report(ym, events, busy): events outside ym are ignored.
[[nodiscard]] ScheduleReport schedule_report(year_month ym, const std::vector<Event>& events,
                                             unsigned busy_threshold = 3);

// format_report_text(report): the tutorial's plain-text report, ending in "\n".
[[nodiscard]] std::string format_report_text(const ScheduleReport& report);

// format_report_html(report): an HTML page with the month's HTMLCalendar table, each day's
// events listed in its cell (class "events"; days in busy weeks get class "busy").
[[nodiscard]] std::string format_report_html(const ScheduleReport& report);

}  // namespace kit::calendar
