// kit/calendar.hpp — month and year calendars, as in Python's calendar module.
//
// Proleptic Gregorian, years 1-9999 (as CPython's datetime). Weeks, weekdays and leap years come
// from <chrono>; text and HTML layouts are byte-identical to CPython 3.11's TextCalendar and
// HTMLCalendar. Unlike calendar.setfirstweekday(), the first weekday belongs to a Calendar
// object: there is no global state.
//
// Example:
//   using namespace std::chrono;
//   auto weeks = kit::calendar::monthcalendar(2024y / February);
//   // weeks[0] == {0, 0, 0, 1, 2, 3, 4}   (weeks start on Monday)
//   std::string s = kit::calendar::TextCalendar().formatmonth(2024y / February);
//   // s is what `python3 -m calendar 2024 2` prints
//   auto fridays = kit::calendar::weekdays_in(2026y / October, Friday);
//   // 2026-10-02, 2026-10-09, 2026-10-16, 2026-10-23, 2026-10-30
//
// Functions taking chrono values expect valid ones (year 1-9999, month 1-12, an existing day);
// check untrusted numbers and strings with make_year, make_month and parse_iso_date first.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::calendar {

using std::chrono::day;
using std::chrono::month;
using std::chrono::weekday;
using std::chrono::year;
using std::chrono::year_month;
using std::chrono::year_month_day;

inline constexpr int min_year = 1;
inline constexpr int max_year = 9999;

// --- Checked construction from untrusted input -------------------------------------------------

// make_year(2026): the year, or "year must be 1-9999, got 0" (calendar.bad_year).
[[nodiscard]] Result<year> make_year(long long y);
// make_month(4): the month, or "month must be 1-12, got 13" (calendar.bad_month).
[[nodiscard]] Result<month> make_month(long long m);
// parse_year("2026") and parse_month("4"): the same from text ("abc" is an error too).
[[nodiscard]] Result<year> parse_year(std::string_view s);
[[nodiscard]] Result<month> parse_month(std::string_view s);
// parse_weekday("fri"): accepts names and 3-letter abbreviations in any case, and Python's
// numbers 0 (Monday) to 6 (Sunday).
[[nodiscard]] Result<weekday> parse_weekday(std::string_view s);
// parse_iso_date("2026-07-04"): YYYY-MM-DD exactly, a real day of years 1-9999.
[[nodiscard]] Result<year_month_day> parse_iso_date(std::string_view s);
// format_iso_date(d): "YYYY-MM-DD", the year zero-padded to 4 digits ("0042-03-05").
[[nodiscard]] std::string format_iso_date(year_month_day d);

// --- Module-level functions, as in Python's calendar ---------------------------------------------

// isleap(2024y) == true; isleap(2100y) == false.
[[nodiscard]] bool isleap(year y);
// leapdays(2000, 2100) == 25: leap years in [y1, y2); negative when y2 < y1, as CPython's.
[[nodiscard]] int leapdays(int y1, int y2);
// weekday_number(d): 0 (Monday) to 6 (Sunday), Python's numbering.
[[nodiscard]] unsigned weekday_number(weekday wd);
// weekday_from_number(0) == Monday.
[[nodiscard]] weekday weekday_from_number(unsigned n);
// weekday_of(2026y / July / 4) == Saturday; weekday_number() of it is CPython's
// calendar.weekday(2026, 7, 4) == 5.
[[nodiscard]] weekday weekday_of(year_month_day d);

struct MonthRange {
  weekday first;  // weekday of the 1st
  unsigned days;  // 28-31
};
// monthrange(2024y / February) == {Thursday, 29}.
[[nodiscard]] MonthRange monthrange(year_month ym);

// Names in English (CPython under the C locale). Index by weekday or month.
[[nodiscard]] std::string_view day_name(weekday wd);  // "Monday"
[[nodiscard]] std::string_view day_abbr(weekday wd);  // "Mon"
[[nodiscard]] std::string_view month_name(month m);   // "January"
[[nodiscard]] std::string_view month_abbr(month m);   // "Jan"

// A week as day numbers; 0 pads days of the neighbouring months.
using Week = std::array<unsigned, 7>;
struct DayOfWeek {
  unsigned day;  // 0 outside the month
  weekday wd;
};
using Week2 = std::array<DayOfWeek, 7>;
using DateWeek = std::array<year_month_day, 7>;

// --- Calendar: weeks of a month with a chosen first weekday -------------------------------------

class Calendar {
 public:
  explicit Calendar(weekday first = std::chrono::Monday) : first_(first) {}

  [[nodiscard]] weekday firstweekday() const { return first_; }
  // iterweekdays(): the seven weekdays in display order, starting with firstweekday().
  [[nodiscard]] std::array<weekday, 7> iterweekdays() const;
  // monthdayscalendar(ym): weeks of day numbers (CPython's monthdayscalendar).
  [[nodiscard]] std::vector<Week> monthdayscalendar(year_month ym) const;
  // monthdays2calendar(ym): weeks of (day, weekday) pairs.
  [[nodiscard]] std::vector<Week2> monthdays2calendar(year_month ym) const;
  // monthdatescalendar(ym): whole weeks of dates, including days of the neighbouring months.
  [[nodiscard]] std::vector<DateWeek> monthdatescalendar(year_month ym) const;

 protected:
  // Days of the previous month shown before the 1st.
  [[nodiscard]] unsigned days_before(year_month ym) const;

 private:
  weekday first_;
};

// monthcalendar(ym): Calendar().monthdayscalendar(ym), weeks starting on Monday.
[[nodiscard]] std::vector<Week> monthcalendar(year_month ym);

// --- Text and HTML layouts, byte-identical to CPython 3.11 -------------------------------------

// One day of a text calendar to set apart, as cal(1) shows today in reverse video on a
// terminal: the day's cell is written between `on` and `off`.
struct DayMark {
  year_month_day date;
  std::string on;
  std::string off;
};

class TextCalendar : public Calendar {
 public:
  using Calendar::Calendar;
  // mark(m): set apart one day (CPython has no such option; unmarked output is CPython's).
  void mark(DayMark m) { mark_ = std::move(m); }
  [[nodiscard]] const std::optional<DayMark>& marked() const { return mark_; }
  // formatmonth(ym, w, l): TextCalendar.formatmonth; w is the day column width (at least 2),
  // l the lines per week (at least 1).
  [[nodiscard]] std::string formatmonth(year_month ym, int w = 0, int l = 0) const;
  // formatyear(y, w, l, c, m): TextCalendar.formatyear; c spaces between month columns
  // (at least 2), m months per row (at least 1).
  [[nodiscard]] std::string formatyear(year y, int w = 2, int l = 1, int c = 6, int m = 3) const;
  // The same, appending to out (no temporary strings when formatting many years).
  void append_month(std::string& out, year_month ym, int w = 0, int l = 0) const;
  void append_year(std::string& out, year y, int w = 2, int l = 1, int c = 6, int m = 3) const;

 private:
  std::optional<DayMark> mark_;
};

// What a day hook adds to one <td> of an HTML calendar.
struct DayCell {
  std::string classes;  // appended to the cell's class attribute, space-separated
  std::string html;     // appended after the day number, inside the cell (not escaped)
};
// A day hook sees every day of the month shown (never the padding cells).
using DayHook = std::function<DayCell(year_month_day date, weekday wd)>;

class HtmlCalendar : public Calendar {
 public:
  using Calendar::Calendar;
  // on_day(hook): decorate day cells — the C++ form of overriding HTMLCalendar.formatday:
  //   cal.on_day([](year_month_day d, weekday) {
  //     return d.day() == day{15} ? DayCell{"payday", ""} : DayCell{}; });
  void on_day(DayHook hook) { hook_ = std::move(hook); }

  // formatmonth(ym, withyear): HTMLCalendar.formatmonth, a <table> ending in "\n".
  [[nodiscard]] std::string formatmonth(year_month ym, bool withyear = true) const;
  // formatyear(y, width): HTMLCalendar.formatyear, width months per row (at least 1).
  [[nodiscard]] std::string formatyear(year y, int width = 3) const;
  // formatyearpage(y, width, css, encoding): HTMLCalendar.formatyearpage; no css link when css
  // is nullopt. The page is UTF-8; encoding is only the name written into it (CPython would
  // also re-encode the page, which matters only for a non-ASCII css name).
  [[nodiscard]] std::string formatyearpage(year y, int width = 3,
                                           std::optional<std::string_view> css = "calendar.css",
                                           std::string_view encoding = "utf-8") const;
  // formatyearspage(first, count, ...): one page with `count` consecutive years' tables; with
  // count 1 it is formatyearpage.
  [[nodiscard]] std::string formatyearspage(year first, int count, int width = 3,
                                            std::optional<std::string_view> css = "calendar.css",
                                            std::string_view encoding = "utf-8") const;
  // write_yearspage(sink, first, count, ...): formatyearspage in pieces of about 64 KiB passed
  // to sink, so that a long run of years streams instead of piling up in memory.
  void write_yearspage(const std::function<void(std::string_view)>& sink, year first, int count,
                       int width = 3, std::optional<std::string_view> css = "calendar.css",
                       std::string_view encoding = "utf-8") const;
  void append_month(std::string& out, year_month ym, bool withyear = true) const;
  void append_year(std::string& out, year y, int width = 3) const;

 private:
  DayHook hook_;
};

// --- Date tools ---------------------------------------------------------------------------------

// weekdays_in(2026y / October, Friday): every date of the month on that weekday.
[[nodiscard]] std::vector<year_month_day> weekdays_in(year_month ym, weekday wd);
// weekdays_in(2026y, Friday): every date of the year on that weekday.
[[nodiscard]] std::vector<year_month_day> weekdays_in(year y, weekday wd);
// nth_weekday(ym, wd, n): the n-th (1-5) or, for negative n, the n-th last (-1 = last) such
// weekday; nullopt when the month has none (a 5th Friday) or n is not in ±1..5.
[[nodiscard]] std::optional<year_month_day> nth_weekday(year_month ym, weekday wd, int n);

// A set of holiday dates (one ISO date a line in files).
class Holidays {
 public:
  Holidays() = default;
  explicit Holidays(std::vector<year_month_day> dates);
  [[nodiscard]] bool contains(year_month_day d) const;
  [[nodiscard]] std::size_t size() const { return days_.size(); }

 private:
  std::vector<std::chrono::sys_days> days_;  // sorted, unique
};
// parse_holidays(text): one YYYY-MM-DD a line (LF or CRLF, a UTF-8 BOM allowed); blank lines
// and '#' comments ignored; an error names the line (calendar.bad_holiday).
[[nodiscard]] Result<Holidays> parse_holidays(std::string_view text);

// is_workday(d, holidays): Monday to Friday and not a holiday.
[[nodiscard]] bool is_workday(year_month_day d, const Holidays& holidays = {});
// workdays(ym, holidays): how many days of the month are workdays (July 2026: 23).
[[nodiscard]] unsigned workdays(year_month ym, const Holidays& holidays = {});
// workdays(y, holidays): the same for the whole year.
[[nodiscard]] unsigned workdays(year y, const Holidays& holidays = {});
// add_workdays(d, n, holidays): steps one day at a time from d (backwards for n < 0), counting
// only workdays, and returns the day where the count reaches |n| (d itself when n == 0). From a
// Saturday, +1 is the Monday. An error when the walk leaves years 1-9999.
[[nodiscard]] Result<year_month_day> add_workdays(year_month_day d, long long n,
                                                  const Holidays& holidays = {});

}  // namespace kit::calendar
