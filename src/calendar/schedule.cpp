// The tutorial's Monthly Schedule Reporter, as data first and text or HTML second.
#include "kit/calendar/schedule.hpp"

#include <algorithm>
#include <map>

#include <fmt/core.h>

#include "kit/core/text.hpp"

namespace kit::calendar {

ScheduleReport schedule_report(year_month ym, const std::vector<Event>& events,
                               unsigned busy_threshold) {
  ScheduleReport report;
  report.month = ym;
  report.busy_threshold = busy_threshold;
  std::map<unsigned, std::vector<std::string>> by_day;
  for (const Event& e : events) {
    if (e.date.year() / e.date.month() != ym) continue;
    by_day[static_cast<unsigned>(e.date.day())].push_back(e.title);
    report.events.push_back(e);
    ++report.total_events;
  }

  const std::vector<Week> weeks = monthcalendar(ym);
  for (std::size_t row = 0; row < weeks.size(); ++row) {
    ScheduleWeek week;
    week.number = static_cast<unsigned>(row + 1);
    for (unsigned col = 0; col < 5; ++col) {  // Monday to Friday
      const unsigned d = weeks[row][col];
      if (d == 0) continue;
      ++report.working_days;
      if (week.first_day == 0) week.first_day = d;
      week.last_day = d;
      if (auto it = by_day.find(d); it != by_day.end()) {
        week.event_count += it->second.size();
        week.days.push_back({d, weekday_from_number(col), it->second});
      }
    }
    if (week.first_day == 0) continue;  // a week of the month's weekend only
    week.busy = week.event_count >= busy_threshold;
    report.weeks.push_back(std::move(week));
  }
  return report;
}

std::string format_report_text(const ScheduleReport& report) {
  std::string out = fmt::format("=== {} {} Schedule ===\n", month_name(report.month.month()),
                                static_cast<int>(report.month.year()));
  for (const ScheduleWeek& week : report.weeks) {
    out += fmt::format("\nWeek {} ({}-{}){}:\n", week.number, week.first_day, week.last_day,
                       week.busy ? " [BUSY WEEK]" : "");
    for (const ScheduleDay& d : week.days) {
      out += fmt::format("  {} {:2}: ", day_abbr(d.wd), d.day);
      for (std::size_t i = 0; i < d.events.size(); ++i) {
        if (i != 0) out += ", ";
        out += d.events[i];
      }
      out += '\n';
    }
  }
  out += fmt::format("\nTotal working days: {}\nTotal events: {}\n", report.working_days,
                     report.total_events);
  return out;
}

std::string format_report_html(const ScheduleReport& report) {
  std::map<unsigned, std::vector<const Event*>> by_day;
  for (const Event& e : report.events) by_day[static_cast<unsigned>(e.date.day())].push_back(&e);
  std::vector<bool> busy_day(32, false);
  for (const ScheduleWeek& week : report.weeks)
    if (week.busy)
      for (unsigned d = week.first_day; d <= week.last_day; ++d) busy_day[d] = true;

  HtmlCalendar cal;
  cal.on_day([&](year_month_day date, weekday) {
    const auto d = static_cast<unsigned>(date.day());
    DayCell cell;
    if (busy_day[d]) cell.classes = "busy";
    auto it = by_day.find(d);
    if (it == by_day.end()) return cell;
    cell.classes += cell.classes.empty() ? "events" : " events";
    cell.html = "<ul>";
    for (const Event* e : it->second) cell.html += "<li>" + core::html_escape(e->title) + "</li>";
    cell.html += "</ul>";
    return cell;
  });

  const std::string title = fmt::format("{} {} Schedule", month_name(report.month.month()),
                                        static_cast<int>(report.month.year()));
  std::string out =
      "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\" />\n<title>" + title +
      "</title>\n"
      "<style>\n"
      "table.month { border-collapse: collapse; }\n"
      "table.month td { vertical-align: top; border: 1px solid #ccc; padding: 4px; width: 8em; }\n"
      "td.noday { background: #f4f4f4; }\n"
      "td.busy { background: #fff4e0; }\n"
      "td.events ul { margin: 4px 0 0 0; padding-left: 1.2em; }\n"
      "</style>\n</head>\n<body>\n<h1>" +
      title + "</h1>\n";
  out += cal.formatmonth(report.month);
  out += fmt::format("<p>Total working days: {}<br />\nTotal events: {}</p>\n</body>\n</html>\n",
                     report.working_days, report.total_events);
  return out;
}

}  // namespace kit::calendar
