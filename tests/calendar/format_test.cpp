// The text and HTML layouts on fixed cases; tests/diff/cal_vs_python.py covers every month.
#include <gtest/gtest.h>

#include "kit/calendar.hpp"

namespace {

namespace cal = kit::calendar;
using namespace std::chrono;

TEST(TextCalendar, TutorialApril2026) {
  EXPECT_EQ(cal::TextCalendar().formatmonth(2026y / April),
            "     April 2026\n"
            "Mo Tu We Th Fr Sa Su\n"
            "       1  2  3  4  5\n"
            " 6  7  8  9 10 11 12\n"
            "13 14 15 16 17 18 19\n"
            "20 21 22 23 24 25 26\n"
            "27 28 29 30\n");
}

TEST(TextCalendar, TutorialDecemberSundayFirst) {
  EXPECT_EQ(cal::TextCalendar(Sunday).formatmonth(2026y / December),
            "   December 2026\n"
            "Su Mo Tu We Th Fr Sa\n"
            "       1  2  3  4  5\n"
            " 6  7  8  9 10 11 12\n"
            "13 14 15 16 17 18 19\n"
            "20 21 22 23 24 25 26\n"
            "27 28 29 30 31\n");
}

TEST(TextCalendar, WideColumnsUseFullNamesAndExtraLines) {
  std::string s = cal::TextCalendar().formatmonth(2026y / February, 9, 2);
  EXPECT_EQ(s.substr(0, s.find('\n')), "                            February 2026");
  EXPECT_NE(s.find("\n\n  Monday   Tuesday  Wednesday  Thursday   Friday   Saturday   Sunday\n\n"),
            std::string::npos);
}

TEST(TextCalendar, WidthAndLinesClampLikeCPython) {
  cal::TextCalendar c;
  EXPECT_EQ(c.formatmonth(2026y / April, -5, -1), c.formatmonth(2026y / April, 2, 1));
  EXPECT_EQ(c.formatyear(2026y, 0, 0, 0, 3), c.formatyear(2026y, 2, 1, 2, 3));
}

TEST(TextCalendar, YearHeaderAndRowShape) {
  std::string s = cal::TextCalendar().formatyear(2026y);
  EXPECT_EQ(s.substr(0, s.find('\n')), "                                  2026");
  EXPECT_NE(s.find("\n      January                   February                   March\n"),
            std::string::npos);
  EXPECT_EQ(s.back(), '\n');
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 36);  // 2 + 4 rows of (2 + 6 weeks + 1)
}

TEST(TextCalendar, AppendMatchesFormat) {
  cal::TextCalendar c(Wednesday);
  std::string out = "prefix";
  c.append_year(out, 1752y, 3, 2, 4, 4);
  EXPECT_EQ(out, "prefix" + c.formatyear(1752y, 3, 2, 4, 4));
}

TEST(HtmlCalendar, MonthTable) {
  std::string s = cal::HtmlCalendar().formatmonth(2026y / June);
  EXPECT_EQ(s.substr(0, s.find("<tr><td")),
            "<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" class=\"month\">\n"
            "<tr><th colspan=\"7\" class=\"month\">June 2026</th></tr>\n"
            "<tr><th class=\"mon\">Mon</th><th class=\"tue\">Tue</th><th class=\"wed\">Wed</th>"
            "<th class=\"thu\">Thu</th><th class=\"fri\">Fri</th><th class=\"sat\">Sat</th>"
            "<th class=\"sun\">Sun</th></tr>\n");
  EXPECT_NE(
      s.find(
          "<tr><td class=\"mon\">29</td><td class=\"tue\">30</td><td class=\"noday\">&nbsp;</td>"),
      std::string::npos);
  EXPECT_TRUE(s.ends_with("</table>\n"));
}

TEST(HtmlCalendar, DayHookDecoratesCells) {
  // The tutorial's payday highlighter: the 15th and the last day of June 2026.
  cal::HtmlCalendar c;
  c.on_day([](year_month_day d, weekday) {
    bool payday = d.day() == day{15} || d == d.year() / d.month() / last;
    return payday ? cal::DayCell{"payday", "<b>$</b>"} : cal::DayCell{};
  });
  std::string s = c.formatmonth(2026y / June);
  EXPECT_NE(s.find("<td class=\"mon payday\">15<b>$</b></td>"), std::string::npos);
  EXPECT_NE(s.find("<td class=\"tue payday\">30<b>$</b></td>"), std::string::npos);
  EXPECT_NE(s.find("<td class=\"tue\">16</td>"), std::string::npos);
}

TEST(HtmlCalendar, YearPageHeadAndCss) {
  cal::HtmlCalendar c;
  std::string page = c.formatyearpage(2026y);
  EXPECT_TRUE(page.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"));
  EXPECT_NE(page.find("<link rel=\"stylesheet\" type=\"text/css\" href=\"calendar.css\" />\n"
                      "<title>Calendar for 2026</title>\n"),
            std::string::npos);
  EXPECT_NE(page.find("<body>\n" + c.formatyear(2026y) + "</body>\n</html>\n"), std::string::npos);
  EXPECT_EQ(c.formatyearpage(2026y, 3, std::nullopt).find("<link"), std::string::npos);
}

TEST(HtmlCalendar, YearsPageTitleSpansTheRange) {
  cal::HtmlCalendar c;
  std::string page = c.formatyearspage(2024y, 3);
  EXPECT_NE(page.find("<title>Calendar for 2024-2026</title>"), std::string::npos);
  EXPECT_NE(page.find(c.formatyear(2024y) + "\n" + c.formatyear(2025y) + "\n" +
                      c.formatyear(2026y) + "</body>"),
            std::string::npos);
  EXPECT_EQ(c.formatyearspage(2026y, 1), c.formatyearpage(2026y));
}

}  // namespace

namespace {

TEST(TextCalendar, MarkSetsApartOneDay) {
  cal::TextCalendar plain, marked;
  marked.mark({2026y / April / 15, "[", "]"});
  std::string s = marked.formatmonth(2026y / April);
  EXPECT_NE(s.find("13 14 [15] 16 17 18 19\n"), std::string::npos);
  EXPECT_EQ(marked.formatmonth(2026y / May), plain.formatmonth(2026y / May));
  EXPECT_NE(marked.formatyear(2026y).find("[15]"), std::string::npos);
  // Years that share 2026's shape still come out unmarked (the body cache is not poisoned).
  EXPECT_EQ(marked.formatyear(2037y), plain.formatyear(2037y));
  EXPECT_EQ(plain.formatyear(2026y).find('['), std::string::npos);
}

}  // namespace
