// CPython's HTMLCalendar layouts, plus a day hook in place of subclassing formatday.
#include <algorithm>
#include <cstdio>

#include <fmt/core.h>

#include "kit/calendar.hpp"
#include "layout.hpp"

namespace kit::calendar {

namespace {

// CSS classes of the day cells and headers, Monday first (HTMLCalendar.cssclasses).
constexpr std::array<std::string_view, 7> css_classes = {"mon", "tue", "wed", "thu",
                                                         "fri", "sat", "sun"};

void append_number(std::string& out, long long n) {
  char buf[24];
  auto len = std::snprintf(buf, sizeof buf, "%lld", n);
  out.append(buf, static_cast<std::size_t>(len));
}

}  // namespace

void HtmlCalendar::append_month(std::string& out, year_month ym, bool withyear) const {
  out += "<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" class=\"month\">\n";
  out += "<tr><th colspan=\"7\" class=\"month\">";
  out += month_name(ym.month());
  if (withyear) {
    out += ' ';
    append_number(out, static_cast<int>(ym.year()));
  }
  out += "</th></tr>\n<tr>";
  const std::array<weekday, 7> order = iterweekdays();
  for (weekday wd : order) {
    out += "<th class=\"";
    out += css_classes[weekday_number(wd)];
    out += "\">";
    out += day_abbr(wd);
    out += "</th>";
  }
  out += "</tr>\n";

  const unsigned before = days_before(ym), ndays = monthrange(ym).days;
  const unsigned cells = (before + ndays + 6) / 7 * 7;
  for (unsigned i = 0; i < cells; ++i) {
    if (i % 7 == 0) out += "<tr>";
    if (i < before || i >= before + ndays) {
      out += "<td class=\"noday\">&nbsp;</td>";
    } else {
      const unsigned d = i - before + 1;
      const weekday wd = order[i % 7];
      DayCell extra;
      if (hook_) extra = hook_(ym / day{d}, wd);
      out += "<td class=\"";
      out += css_classes[weekday_number(wd)];
      if (!extra.classes.empty()) {
        out += ' ';
        out += extra.classes;
      }
      out += "\">";
      append_number(out, d);
      out += extra.html;
      out += "</td>";
    }
    if (i % 7 == 6) out += "</tr>\n";
  }
  out += "</table>\n";
}

std::string HtmlCalendar::formatmonth(year_month ym, bool withyear) const {
  std::string out;
  append_month(out, ym, withyear);
  return out;
}

void HtmlCalendar::append_year(std::string& out, year y, int width) const {
  const auto per_row = static_cast<unsigned>(std::max(width, 1));
  out += "<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" class=\"year\">\n";
  out += "<tr><th colspan=\"";
  append_number(out, per_row);
  out += "\" class=\"year\">";
  append_number(out, static_cast<int>(y));
  out += "</th></tr>";
  auto lay_out = [&](std::string& body) {
    for (unsigned first = 1; first <= 12; first += per_row) {
      body += "<tr>";
      for (unsigned k = first; k <= std::min(first + per_row - 1, 12u); ++k) {
        body += "<td>";
        append_month(body, y / month{k}, false);
        body += "</td>";
      }
      body += "</tr>";
    }
    body += "</table>";
  };
  if (hook_) {
    lay_out(out);  // the hook may decorate each year differently
  } else {
    const int first = static_cast<int>(weekday_number(firstweekday()));
    detail::append_cached_body(out, detail::body_key(y, 1, first, static_cast<int>(per_row)),
                               lay_out);
  }
}

std::string HtmlCalendar::formatyear(year y, int width) const {
  std::string out;
  append_year(out, y, width);
  return out;
}

std::string HtmlCalendar::formatyearpage(year y, int width, std::optional<std::string_view> css,
                                         std::string_view encoding) const {
  return formatyearspage(y, 1, width, css, encoding);
}

std::string HtmlCalendar::formatyearspage(year first, int count, int width,
                                          std::optional<std::string_view> css,
                                          std::string_view encoding) const {
  std::string out;
  write_yearspage([&](std::string_view piece) { out += piece; }, first, count, width, css,
                  encoding);
  return out;
}

void HtmlCalendar::write_yearspage(const std::function<void(std::string_view)>& sink, year first,
                                   int count, int width, std::optional<std::string_view> css,
                                   std::string_view encoding) const {
  count = std::max(count, 1);
  const int first_year = static_cast<int>(first);
  std::string out = fmt::format("<?xml version=\"1.0\" encoding=\"{}\"?>\n", encoding);
  out +=
      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
      "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n";
  out += "<html>\n<head>\n";
  out += fmt::format("<meta http-equiv=\"Content-Type\" content=\"text/html; charset={}\" />\n",
                     encoding);
  if (css) out += fmt::format("<link rel=\"stylesheet\" type=\"text/css\" href=\"{}\" />\n", *css);
  if (count == 1)
    out += fmt::format("<title>Calendar for {}</title>\n", first_year);
  else
    out += fmt::format("<title>Calendar for {}-{}</title>\n", first_year, first_year + count - 1);
  out += "</head>\n<body>\n";
  for (int i = 0; i < count; ++i) {
    if (i != 0) out += '\n';
    append_year(out, year{first_year + i}, width);
    if (out.size() >= (1u << 16)) {
      sink(out);
      out.clear();
    }
  }
  out += "</body>\n</html>\n";
  sink(out);
}

}  // namespace kit::calendar
