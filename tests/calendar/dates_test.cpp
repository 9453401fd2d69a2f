#include <gtest/gtest.h>

#include <limits>

#include "kit/calendar.hpp"

namespace {

namespace cal = kit::calendar;
using namespace std::chrono;

std::vector<unsigned> days_of(const std::vector<year_month_day>& dates) {
  std::vector<unsigned> out;
  for (auto d : dates) out.push_back(static_cast<unsigned>(d.day()));
  return out;
}

TEST(WeekdaysIn, TutorialFridaysAndSaturdays) {
  EXPECT_EQ(days_of(cal::weekdays_in(2026y / July, Friday)),
            (std::vector<unsigned>{3, 10, 17, 24, 31}));
  EXPECT_EQ(days_of(cal::weekdays_in(2026y / July, Saturday)),
            (std::vector<unsigned>{4, 11, 18, 25}));
  EXPECT_EQ(days_of(cal::weekdays_in(2026y / October, Friday)),
            (std::vector<unsigned>{2, 9, 16, 23, 30}));
}

TEST(WeekdaysIn, WholeYear) {
  auto fridays = cal::weekdays_in(2026y, Friday);
  EXPECT_EQ(fridays.size(), 52u);
  EXPECT_EQ(fridays.front(), 2026y / January / 2);
  EXPECT_EQ(fridays.back(), 2026y / December / 25);
  EXPECT_EQ(cal::weekdays_in(2026y, Thursday).size(), 53u);  // starts on a Thursday
}

TEST(NthWeekday, FirstLastAndMissing) {
  EXPECT_EQ(*cal::nth_weekday(2026y / October, Friday, 1), 2026y / October / 2);
  EXPECT_EQ(*cal::nth_weekday(2026y / October, Friday, -1), 2026y / October / 30);
  EXPECT_EQ(*cal::nth_weekday(2026y / October, Friday, 5), 2026y / October / 30);
  EXPECT_EQ(*cal::nth_weekday(2026y / October, Friday, -5), 2026y / October / 2);
  EXPECT_FALSE(cal::nth_weekday(2026y / October, Monday, 5));  // four Mondays
  EXPECT_FALSE(cal::nth_weekday(2026y / October, Friday, 0));
  EXPECT_FALSE(cal::nth_weekday(2026y / October, Friday, 6));
  EXPECT_EQ(*cal::nth_weekday(2026y / November, Thursday, 4),
            2026y / November / 26);  // Thanksgiving
}

TEST(Workdays, TutorialJuly) {
  EXPECT_EQ(cal::workdays(2026y / July), 23u);
  EXPECT_EQ(cal::workdays(2026y / April), 22u);
  cal::Holidays independence({2026y / July / 3, 2026y / July / 4});  // Friday and Saturday
  EXPECT_EQ(cal::workdays(2026y / July, independence), 22u);
}

TEST(Holidays, ParseSkipsCommentsAndBlanks) {
  auto h =
      cal::parse_holidays("# US 2026\n2026-07-03\n\n  2026-12-25  # Christmas\r\n2026-07-03\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->size(), 2u);
  EXPECT_TRUE(h->contains(2026y / December / 25));
  EXPECT_FALSE(h->contains(2026y / December / 24));
}

TEST(Holidays, BadLineIsNamed) {
  auto h = cal::parse_holidays("2026-07-03\nnot a date\n");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, "calendar.bad_holiday");
  EXPECT_EQ(h.error().position->line, 2u);
}

TEST(AddWorkdays, StepsOverWeekendsAndHolidays) {
  EXPECT_EQ(*cal::add_workdays(2026y / July / 4, 1), 2026y / July / 6);  // Saturday + 1 = Monday
  EXPECT_EQ(*cal::add_workdays(2026y / July / 3, 1), 2026y / July / 6);  // Friday + 1 = Monday
  EXPECT_EQ(*cal::add_workdays(2026y / July / 1, 10), 2026y / July / 15);
  EXPECT_EQ(*cal::add_workdays(2026y / July / 4, 0), 2026y / July / 4);   // no step at all
  EXPECT_EQ(*cal::add_workdays(2026y / July / 6, -1), 2026y / July / 3);  // backwards
  cal::Holidays h({2026y / July / 6});
  EXPECT_EQ(*cal::add_workdays(2026y / July / 3, 1, h), 2026y / July / 7);
}

TEST(AddWorkdays, LeavingTheRangeIsAnError) {
  auto r = cal::add_workdays(9999y / December / 30, 5);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "calendar.out_of_range");
  EXPECT_FALSE(cal::add_workdays(1y / January / 3, -5));
  EXPECT_FALSE(cal::add_workdays(2026y / July / 4, 1'000'000'000'000LL));
}

}  // namespace

namespace {

TEST(Extremes, NoOverflowAtTheEdgesOfTheIntegers) {
  EXPECT_FALSE(cal::add_workdays(1y / January / 1, std::numeric_limits<long long>::min()));
  EXPECT_FALSE(cal::add_workdays(1y / January / 1, std::numeric_limits<long long>::max()));
  EXPECT_FALSE(cal::nth_weekday(2026y / October, Friday, std::numeric_limits<int>::min()));
  EXPECT_EQ(cal::leapdays(std::numeric_limits<int>::min(), std::numeric_limits<int>::min()), 0);
}

TEST(Workdays, WholeYear) {
  EXPECT_EQ(cal::workdays(2026y), 261u);
  cal::Holidays h({2026y / December / 25, 2026y / December / 26});  // a Friday and a Saturday
  EXPECT_EQ(cal::workdays(2026y, h), 260u);
}

TEST(Holidays, ByteOrderMarkAndCrlf) {
  auto h = cal::parse_holidays(
      "\xEF\xBB\xBF"
      "2026-07-03\r\n\r\n2026-07-06\r\n");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->size(), 2u);
}

}  // namespace
