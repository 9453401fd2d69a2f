// CPython's TextCalendar layouts, built by appending into one string (no per-cell temporaries).
#include <algorithm>
#include <cstdio>

#include "kit/calendar.hpp"
#include "layout.hpp"

namespace kit::calendar {

namespace detail {

void append_centered(std::string& out, std::string_view s, std::size_t width) {
  if (s.size() >= width) {
    out += s;
    return;
  }
  // str.center() puts the odd space on the left when both the margin and the width are odd.
  const std::size_t margin = width - s.size();
  const std::size_t left = margin / 2 + (margin & width & 1);
  out.append(left, ' ');
  out += s;
  out.append(margin - left, ' ');
}

void rstrip_from(std::string& out, std::size_t start) {
  std::size_t end = out.size();
  while (end > start && out[end - 1] == ' ') --end;
  out.resize(end);
}

BodyKey body_key(year y, int kind, int a, int b, int c, int d, int e) {
  const auto jan1 = static_cast<int>(weekday_number(weekday{std::chrono::sys_days{y / 1 / 1}}));
  return {jan1, y.is_leap() ? 1 : 0, kind, a, b, c, d, e};
}

}  // namespace detail

namespace {

using detail::append_cached_body;
using detail::append_centered;
using detail::body_key;
using detail::BodyKey;
using detail::rstrip_from;

// One week's cells for a month: day numbers, 0 for padding.
struct MonthGrid {
  unsigned before = 0;  // padding cells before the 1st
  unsigned days = 0;
  unsigned weeks = 0;
  unsigned marked = 0;  // the day to set apart, 0 for none
  const DayMark* mark = nullptr;
  [[nodiscard]] unsigned day_at(unsigned week, unsigned col) const {
    const unsigned i = week * 7 + col;
    return (i >= before && i < before + days) ? i - before + 1 : 0;
  }
};

MonthGrid grid_of(year_month ym, const TextCalendar& cal) {
  const MonthRange r = monthrange(ym);
  const weekday first = cal.firstweekday();
  MonthGrid g;
  if (const auto& mark = cal.marked(); mark && mark->date.year() / mark->date.month() == ym) {
    g.marked = static_cast<unsigned>(mark->date.day());
    g.mark = &*mark;
  }
  g.before = static_cast<unsigned>((r.first - first).count());
  g.days = r.days;
  g.weeks = (g.before + g.days + 6) / 7;
  return g;
}

void append_newlines(std::string& out, int l) {
  out.append(static_cast<std::size_t>(l), '\n');
}

// formatday: '%2i' % day centered in w; blank for padding.
void append_day(std::string& out, unsigned d, std::size_t w) {
  char digits[2] = {' ', ' '};
  std::size_t len = 2;
  if (d == 0) {
    len = 0;
  } else {
    digits[0] = d >= 10 ? static_cast<char>('0' + d / 10) : ' ';
    digits[1] = static_cast<char>('0' + d % 10);
  }
  if (w == 2) {
    out.append(2 - len, ' ');
    out.append(digits, len);
  } else {
    append_centered(out, std::string_view(digits, len), w);
  }
}

// formatweek: the week's days joined by one space (no strip).
void append_week(std::string& out, const MonthGrid& g, unsigned week, std::size_t w) {
  for (unsigned col = 0; col < 7; ++col) {
    if (col != 0) out += ' ';
    const unsigned d = g.day_at(week, col);
    if (d != 0 && d == g.marked) {
      out += g.mark->on;
      append_day(out, d, w);
      out += g.mark->off;
    } else {
      append_day(out, d, w);
    }
  }
}

// formatweekheader: names cut to w (full names from w >= 9) and centered.
std::string week_header(const Calendar& cal, std::size_t w) {
  std::string out;
  bool firstcol = true;
  for (weekday wd : cal.iterweekdays()) {
    if (!firstcol) out += ' ';
    firstcol = false;
    std::string_view name = w >= 9 ? day_name(wd) : day_abbr(wd);
    append_centered(out, name.substr(0, w), w);
  }
  return out;
}

// Everything of formatyear below the line naming the year; w, l, c and m are already clamped.
void append_year_body(std::string& out, const TextCalendar& cal, year y, int w, int l, int c,
                      int m) {
  const auto width = static_cast<std::size_t>(w);
  const auto per_row = static_cast<unsigned>(m);
  const std::size_t colwidth = (width + 1) * 7 - 1;
  const std::string spacing(static_cast<std::size_t>(c), ' ');
  std::size_t start = 0;
  const std::string header = week_header(cal, width);

  for (unsigned first = 1; first <= 12; first += per_row) {
    const unsigned last = std::min(first + per_row - 1, 12u);
    append_newlines(out, l);

    start = out.size();
    for (unsigned k = first; k <= last; ++k) {
      if (k != first) out += spacing;
      append_centered(out, month_name(month{k}), colwidth);
    }
    rstrip_from(out, start);
    append_newlines(out, l);

    start = out.size();
    for (unsigned k = first; k <= last; ++k) {
      if (k != first) out += spacing;
      out += header;
    }
    rstrip_from(out, start);
    append_newlines(out, l);

    MonthGrid grids[12];
    unsigned height = 0;
    for (unsigned k = first; k <= last; ++k) {
      grids[k - first] = grid_of(y / month{k}, cal);
      height = std::max(height, grids[k - first].weeks);
    }
    for (unsigned week = 0; week < height; ++week) {
      start = out.size();
      for (unsigned k = first; k <= last; ++k) {
        if (k != first) out += spacing;
        const MonthGrid& g = grids[k - first];
        if (week < g.weeks)
          append_week(out, g, week, width);
        else
          out.append(colwidth, ' ');
      }
      rstrip_from(out, start);
      append_newlines(out, l);
    }
  }
}

}  // namespace

void TextCalendar::append_month(std::string& out, year_month ym, int w, int l) const {
  w = std::max(2, w);
  l = std::max(1, l);
  const auto width = static_cast<std::size_t>(w);
  const std::size_t line_width = 7 * (width + 1) - 1;

  std::size_t start = out.size();
  char title[32];
  auto n = static_cast<std::size_t>(
      std::snprintf(title, sizeof title, "%.*s %d", static_cast<int>(month_name(ym.month()).size()),
                    month_name(ym.month()).data(), static_cast<int>(ym.year())));
  append_centered(out, std::string_view(title, n), line_width);
  rstrip_from(out, start);
  append_newlines(out, l);

  start = out.size();
  out += week_header(*this, width);
  rstrip_from(out, start);
  append_newlines(out, l);

  const MonthGrid g = grid_of(ym, *this);
  for (unsigned week = 0; week < g.weeks; ++week) {
    start = out.size();
    append_week(out, g, week, width);
    rstrip_from(out, start);
    append_newlines(out, l);
  }
}

std::string TextCalendar::formatmonth(year_month ym, int w, int l) const {
  std::string out;
  append_month(out, ym, w, l);
  return out;
}

void TextCalendar::append_year(std::string& out, year y, int w, int l, int c, int m) const {
  w = std::max(2, w);
  l = std::max(1, l);
  c = std::max(2, c);
  m = std::max(1, m);
  const auto per_row = static_cast<unsigned>(m);
  const std::size_t colwidth = (static_cast<std::size_t>(w) + 1) * 7 - 1;

  std::size_t start = out.size();
  char title[16];
  auto n = static_cast<std::size_t>(std::snprintf(title, sizeof title, "%d", static_cast<int>(y)));
  append_centered(out, std::string_view(title, n),
                  colwidth * per_row + static_cast<std::size_t>(c) * (per_row - 1));
  rstrip_from(out, start);
  append_newlines(out, l);

  if (mark_ && mark_->date.year() == y) {  // a marked year is not the shared body
    append_year_body(out, *this, y, w, l, c, m);
    return;
  }
  const BodyKey key = body_key(y, 0, static_cast<int>(weekday_number(firstweekday())), w, l, c, m);
  append_cached_body(out, key,
                     [&](std::string& body) { append_year_body(body, *this, y, w, l, c, m); });
}

std::string TextCalendar::formatyear(year y, int w, int l, int c, int m) const {
  std::string out;
  append_year(out, y, w, l, c, m);
  return out;
}

}  // namespace kit::calendar
