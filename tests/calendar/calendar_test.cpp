#include "kit/calendar.hpp"

#include <gtest/gtest.h>

namespace {

namespace cal = kit::calendar;
using namespace std::chrono;

TEST(LeapYears, CenturyRules) {
  EXPECT_TRUE(cal::isleap(2024y));
  EXPECT_FALSE(cal::isleap(2025y));
  EXPECT_FALSE(cal::isleap(2100y));
  EXPECT_TRUE(cal::isleap(2000y));
  EXPECT_TRUE(cal::isleap(4y));
  EXPECT_FALSE(cal::isleap(1y));
}

TEST(LeapYears, LeapdaysIsHalfOpenLikeCPython) {
  EXPECT_EQ(cal::leapdays(2000, 2100), 25);  // the tutorial's count
  EXPECT_EQ(cal::leapdays(2000, 2000), 0);
  EXPECT_EQ(cal::leapdays(2000, 2001), 1);
  EXPECT_EQ(cal::leapdays(2001, 2004), 0);
  EXPECT_EQ(cal::leapdays(1, 10000), 2424);
  EXPECT_EQ(cal::leapdays(2100, 2000), -25);  // CPython's arithmetic, reversed range
}

TEST(Weekday, PythonNumbering) {
  EXPECT_EQ(cal::weekday_of(2026y / July / 4), Saturday);  // the tutorial's July 4
  EXPECT_EQ(cal::weekday_number(Monday), 0u);
  EXPECT_EQ(cal::weekday_number(Sunday), 6u);
  EXPECT_EQ(cal::weekday_from_number(0), Monday);
  EXPECT_EQ(cal::weekday_from_number(6), Sunday);
  EXPECT_EQ(cal::weekday_of(1y / January / 1), Monday);  // proleptic Gregorian
  EXPECT_EQ(cal::weekday_of(9999y / December / 31), Friday);
}

TEST(MonthRange, LeapFebruary) {
  auto r = cal::monthrange(2024y / February);
  EXPECT_EQ(r.first, Thursday);
  EXPECT_EQ(r.days, 29u);
  EXPECT_EQ(cal::monthrange(2100y / February).days, 28u);
  EXPECT_EQ(cal::monthrange(2026y / April).days, 30u);
}

TEST(Names, EnglishAsCPythonUnderC) {
  EXPECT_EQ(cal::day_name(Wednesday), "Wednesday");
  EXPECT_EQ(cal::day_abbr(Sunday), "Sun");
  EXPECT_EQ(cal::month_name(September), "September");
  EXPECT_EQ(cal::month_abbr(May), "May");
}

TEST(MonthCalendar, TutorialAprilMondays) {
  auto weeks = cal::monthcalendar(2026y / April);
  ASSERT_EQ(weeks.size(), 5u);
  EXPECT_EQ(weeks[0], (cal::Week{0, 0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(weeks[4], (cal::Week{27, 28, 29, 30, 0, 0, 0}));
  std::vector<unsigned> mondays;
  for (const auto& w : weeks)
    if (w[0] != 0) mondays.push_back(w[0]);
  EXPECT_EQ(mondays, (std::vector<unsigned>{6, 13, 20, 27}));
}

TEST(MonthCalendar, SixWeekMonthAndFebruaryInFourWeeks) {
  EXPECT_EQ(cal::monthcalendar(2026y / August).size(), 6u);    // starts on a Saturday
  EXPECT_EQ(cal::monthcalendar(2027y / February).size(), 4u);  // 1 Feb 2027 is a Monday
}

TEST(Calendar, FirstWeekdayIsPerObject) {
  cal::Calendar sunday(Sunday), monday;
  EXPECT_EQ(sunday.iterweekdays()[0], Sunday);
  EXPECT_EQ(sunday.iterweekdays()[6], Saturday);
  EXPECT_EQ(monday.firstweekday(), Monday);  // unaffected by the other calendar
  auto weeks = sunday.monthdayscalendar(2026y / April);
  EXPECT_EQ(weeks[0], (cal::Week{0, 0, 0, 1, 2, 3, 4}));
}

TEST(Calendar, Monthdays2CarriesWeekdays) {
  auto weeks = cal::Calendar(Tuesday).monthdays2calendar(2026y / April);
  EXPECT_EQ(weeks[0][0].wd, Tuesday);
  EXPECT_EQ(weeks[0][0].day, 0u);
  EXPECT_EQ(weeks[0][1].day, 1u);
  EXPECT_EQ(weeks[0][1].wd, Wednesday);
}

TEST(Calendar, MonthdatesIncludeNeighbouringMonths) {
  auto weeks = cal::Calendar().monthdatescalendar(2026y / April);
  EXPECT_EQ(weeks.front()[0], 2026y / March / 30);
  EXPECT_EQ(weeks.back()[6], 2026y / May / 3);
  // The first week of year 1 reaches back into year 0 without failing.
  auto first = cal::Calendar(Sunday).monthdatescalendar(1y / January);
  EXPECT_EQ(first.front()[0], 0y / December / 31);
}

TEST(Checked, YearsOneTo9999) {
  EXPECT_TRUE(cal::make_year(1));
  EXPECT_TRUE(cal::make_year(9999));
  auto zero = cal::make_year(0);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, "calendar.bad_year");
  EXPECT_EQ(zero.error().message, "year must be 1-9999, got 0");
  EXPECT_FALSE(cal::make_year(10000));
  EXPECT_EQ(cal::parse_year("abc").error().message, "year must be a number 1-9999, got 'abc'");
}

TEST(Checked, Months) {
  EXPECT_EQ(*cal::make_month(12), December);
  auto bad = cal::make_month(13);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "month must be 1-12, got 13");
  EXPECT_EQ(bad.error().kind, kit::ErrorKind::invalid_argument);
  EXPECT_FALSE(cal::parse_month("0"));
  EXPECT_FALSE(cal::parse_month("4x"));
}

TEST(Checked, Weekdays) {
  EXPECT_EQ(*cal::parse_weekday("fri"), Friday);
  EXPECT_EQ(*cal::parse_weekday("FRIDAY"), Friday);
  EXPECT_EQ(*cal::parse_weekday("Sun"), Sunday);
  EXPECT_EQ(*cal::parse_weekday("0"), Monday);
  EXPECT_EQ(*cal::parse_weekday("6"), Sunday);
  for (const char* bad : {"", "7", "fr", "frid", "funday", "-1"}) {
    auto r = cal::parse_weekday(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "calendar.bad_weekday");
  }
}

TEST(IsoDates, ParseAndFormat) {
  EXPECT_EQ(*cal::parse_iso_date("2026-07-04"), 2026y / July / 4);
  EXPECT_EQ(*cal::parse_iso_date("0042-03-05"), 42y / March / 5);
  EXPECT_EQ(cal::format_iso_date(42y / March / 5), "0042-03-05");
  EXPECT_EQ(cal::format_iso_date(9999y / December / 31), "9999-12-31");
  EXPECT_EQ(cal::parse_iso_date("2026-02-30").error().message,
            "'2026-02-30': February 2026 has 28 days");
  for (const char* bad : {"2026-7-4", "2026/07/04", "0000-01-01", "2026-13-01", "2026-00-10",
                          "2026-07-04T", "", "abcd-ef-gh", "2026-07-00"})
    EXPECT_FALSE(cal::parse_iso_date(bad)) << bad;
}

}  // namespace
