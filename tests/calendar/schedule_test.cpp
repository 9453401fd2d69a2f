#include "kit/calendar/schedule.hpp"

#include <gtest/gtest.h>

namespace {

namespace cal = kit::calendar;
using namespace std::chrono;

constexpr const char* tutorial_events = R"({
  "1":  ["Quarter kickoff"],
  "6":  ["Sprint planning", "Architecture review"],
  "8":  ["Team retrospective"],
  "13": ["Sprint review", "1:1s", "Product demo"],
  "15": ["Mid-month sync"],
  "20": ["Sprint planning"],
  "27": ["End-of-month report", "Sprint review"],
  "30": ["Deployment day"]
})";

// The tutorial's printed report, with one correction: it says "Total events: 11", but its events
// add up to 12 (1+2+1+3+1+1+2+1) and its own code prints 12. Everything else is as printed
// (its code's ordering bug, which moves the week headers, is not reproduced).
constexpr const char* tutorial_report =
    "=== April 2026 Schedule ===\n"
    "\n"
    "Week 1 (1-3):\n"
    "  Wed  1: Quarter kickoff\n"
    "\n"
    "Week 2 (6-10) [BUSY WEEK]:\n"
    "  Mon  6: Sprint planning, Architecture review\n"
    "  Wed  8: Team retrospective\n"
    "\n"
    "Week 3 (13-17) [BUSY WEEK]:\n"
    "  Mon 13: Sprint review, 1:1s, Product demo\n"
    "  Wed 15: Mid-month sync\n"
    "\n"
    "Week 4 (20-24):\n"
    "  Mon 20: Sprint planning\n"
    "\n"
    "Week 5 (27-30) [BUSY WEEK]:\n"
    "  Mon 27: End-of-month report, Sprint review\n"
    "  Thu 30: Deployment day\n"
    "\n"
    "Total working days: 22\n"
    "Total events: 12\n";

TEST(ScheduleReport, TutorialAprilExactly) {
  auto events = cal::parse_events(tutorial_events, cal::EventFormat::json, 2026y / April);
  ASSERT_TRUE(events) << events.error().message;
  EXPECT_EQ(events->size(), 12u);
  auto report = cal::schedule_report(2026y / April, *events);
  EXPECT_EQ(cal::format_report_text(report), tutorial_report);
}

TEST(ScheduleReport, BusyThresholdAndWeekendEvents) {
  std::vector<cal::Event> events = {{2026y / April / 4, "Saturday hike"},
                                    {2026y / April / 7, "Standup"},
                                    {2026y / May / 1, "Next month"}};
  auto report = cal::schedule_report(2026y / April, events, 1);
  EXPECT_EQ(report.total_events, 2u);  // the weekend counts, May does not
  EXPECT_FALSE(report.weeks[0].busy);  // its only event is on the Saturday
  EXPECT_TRUE(report.weeks[1].busy);
  EXPECT_EQ(report.working_days, 22u);
}

TEST(ScheduleReport, WeekOfWeekendOnlyKeepsNumbering) {
  // March 2026 starts on a Sunday: the first row holds no weekday, so the report starts at Week 2.
  auto report = cal::schedule_report(2026y / March, {});
  ASSERT_FALSE(report.weeks.empty());
  EXPECT_EQ(report.weeks[0].number, 2u);
  EXPECT_EQ(report.weeks[0].first_day, 2u);
}

TEST(ScheduleReport, HtmlPutsEventsInCells) {
  std::vector<cal::Event> events = {{2026y / April / 6, "Plan <Q2> & more"}};
  std::string html = cal::format_report_html(cal::schedule_report(2026y / April, events, 1));
  EXPECT_NE(
      html.find("<td class=\"mon busy events\">6<ul><li>Plan &lt;Q2&gt; &amp; more</li></ul></td>"),
      std::string::npos);
  EXPECT_NE(html.find("<title>April 2026 Schedule</title>"), std::string::npos);
}

TEST(EventsJson, Errors) {
  auto bad_day = cal::parse_events(R"({"31": ["x"]})", cal::EventFormat::json, 2026y / April);
  ASSERT_FALSE(bad_day);
  EXPECT_EQ(bad_day.error().message, "events JSON key '31' is not a day of April 2026 (1-30)");
  auto not_list = cal::parse_events(R"({"3": [1]})", cal::EventFormat::json, 2026y / April);
  ASSERT_FALSE(not_list);
  auto syntax = cal::parse_events("{\"3\": [\"x\"", cal::EventFormat::json, 2026y / April);
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, "calendar.bad_events");
  EXPECT_NE(syntax.error().message.find("line 1, column 11"), std::string::npos)
      << syntax.error().message;
  EXPECT_FALSE(cal::parse_events("[1, 2]", cal::EventFormat::json, 2026y / April));
  // A single name instead of a list is accepted.
  auto single = cal::parse_events(R"({"3": "Solo"})", cal::EventFormat::json, 2026y / April);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->at(0).title, "Solo");
}

TEST(EventsCsv, FiltersToTheMonthAndKeepsQuotes) {
  auto events = cal::parse_events(
      "date,event\n2026-04-06,\"Planning, Q2\"\n2026-05-01,May Day\n2026-04-01,Kickoff\n",
      cal::EventFormat::csv, 2026y / April);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(events->at(0).title, "Kickoff");  // sorted by date
  EXPECT_EQ(events->at(1).title, "Planning, Q2");
}

TEST(EventsCsv, Errors) {
  auto header = cal::parse_events("day,what\n", cal::EventFormat::csv, 2026y / April);
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().message, "events CSV must start with the header 'date,event'");
  auto fields =
      cal::parse_events("date,event\n2026-04-01,a,b\n", cal::EventFormat::csv, 2026y / April);
  ASSERT_FALSE(fields);
  EXPECT_EQ(fields.error().position->line, 2u);
  auto date = cal::parse_events("date,event\n2026-04-31,x\n", cal::EventFormat::csv, 2026y / April);
  ASSERT_FALSE(date);
  auto quote =
      cal::parse_events("date,event\n2026-04-01,\"x\n", cal::EventFormat::csv, 2026y / April);
  ASSERT_FALSE(quote);
  EXPECT_EQ(quote.error().code, "calendar.bad_events");
}

constexpr const char* weekly_ics =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kit//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1@kit\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260401\r\n"
    "SUMMARY:Quarter kickoff\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:2@kit\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T090000\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=MO\r\nEXDATE:20260413T090000\r\nSUMMARY:Standup\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

TEST(EventsIcs, ExpandsRecurrencesWithinTheMonth) {
  auto events = cal::parse_events(weekly_ics, cal::EventFormat::ics, 2026y / April);
  ASSERT_TRUE(events) << events.error().message;
  std::vector<std::string> got;
  for (const auto& e : *events) got.push_back(cal::format_iso_date(e.date) + " " + e.title);
  EXPECT_EQ(got, (std::vector<std::string>{"2026-04-01 Quarter kickoff", "2026-04-06 Standup",
                                           "2026-04-20 Standup", "2026-04-27 Standup"}));
}

TEST(EventsIcs, Errors) {
  EXPECT_FALSE(cal::parse_events("hello", cal::EventFormat::ics, 2026y / April));
  auto no_start = cal::parse_events(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
      cal::EventFormat::ics, 2026y / April);
  ASSERT_FALSE(no_start);
  EXPECT_EQ(no_start.error().message, "iCalendar event 1 ('x') has no valid DTSTART");
}

TEST(EventFormat, DetectedByExtensionThenContent) {
  EXPECT_EQ(cal::detect_event_format("x.JSON", ""), cal::EventFormat::json);
  EXPECT_EQ(cal::detect_event_format("x.ics", ""), cal::EventFormat::ics);
  EXPECT_EQ(cal::detect_event_format("-", "  {\"1\": []}"), cal::EventFormat::json);
  EXPECT_EQ(cal::detect_event_format("-", "BEGIN:VCALENDAR"), cal::EventFormat::ics);
  EXPECT_EQ(cal::detect_event_format("-", "date,event"), cal::EventFormat::csv);
  EXPECT_FALSE(cal::parse_event_format("xml"));
}

}  // namespace

namespace {

TEST(EventsIcs, OldFrequentRuleStillReachesTheMonth) {
  // Daily since 2020, and hourly since 2010: the latter has ~143,000 occurrences before April
  // 2026, more than the step cap, so it reaches April only because the iterator skips ahead.
  auto events = cal::parse_events(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20200101T000000\r\n"
      "RRULE:FREQ=DAILY\r\nSUMMARY:Daily\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
      cal::EventFormat::ics, 2026y / April);
  ASSERT_TRUE(events) << events.error().message;
  EXPECT_EQ(events->size(), 30u);
  auto hourly = cal::parse_events(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20100101T000000\r\n"
      "RRULE:FREQ=HOURLY\r\nSUMMARY:Hourly\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
      cal::EventFormat::ics, 2026y / April);
  ASSERT_TRUE(hourly) << hourly.error().message;
  EXPECT_EQ(hourly->size(), 30u);  // one entry a day
  EXPECT_EQ(hourly->front().date, 2026y / April / 1);
}

}  // namespace

namespace {

TEST(EventsJson, ADayGivenTwiceIsAnErrorNotALoss) {
  auto same_key =
      cal::parse_events(R"({"6": ["a"], "6": ["b"]})", cal::EventFormat::json, 2026y / April);
  ASSERT_FALSE(same_key);
  EXPECT_EQ(same_key.error().message, "events JSON has the day '6' twice");
  auto same_day =
      cal::parse_events(R"({"6": ["a"], "06": ["b"]})", cal::EventFormat::json, 2026y / April);
  ASSERT_FALSE(same_day);
}

TEST(Events, ByteOrderMarkIsIgnored) {
  auto csv = cal::parse_events(
      "\xEF\xBB\xBF"
      "date,event\r\n2026-04-01,x\r\n",
      cal::EventFormat::csv, 2026y / April);
  ASSERT_TRUE(csv) << csv.error().message;
  EXPECT_EQ(csv->size(), 1u);
  EXPECT_EQ(cal::detect_event_format("-", "\xEF\xBB\xBF{}"), cal::EventFormat::json);
}

TEST(EventsIcs, OverridesMoveAndCancelInstances) {
  auto events = cal::parse_events(
      "BEGIN:VCALENDAR\r\n"
      "BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20260302T093000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n"
      "SUMMARY:Standup\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20260406T093000\r\nDTSTART:20260407T100000\r\n"
      "SUMMARY:Standup (moved)\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20260420T093000\r\nDTSTART:20260420T093000\r\n"
      "STATUS:CANCELLED\r\nSUMMARY:Standup\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:p\r\nDTSTART;VALUE=DATE:20260424\r\nSTATUS:CANCELLED\r\n"
      "SUMMARY:Party\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
      cal::EventFormat::ics, 2026y / April);
  ASSERT_TRUE(events) << events.error().message;
  std::vector<std::string> got;
  for (const auto& e : *events) got.push_back(cal::format_iso_date(e.date) + " " + e.title);
  EXPECT_EQ(got, (std::vector<std::string>{"2026-04-07 Standup (moved)", "2026-04-13 Standup",
                                           "2026-04-27 Standup"}));
}

TEST(EventsIcs, TooFrequentRuleIsAnError) {
  auto events = cal::parse_events(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260401T000000\r\nRRULE:FREQ=SECONDLY\r\n"
      "SUMMARY:Tick\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
      cal::EventFormat::ics, 2026y / April);
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().code, "calendar.bad_events");
}

}  // namespace

namespace {

// Found by the events fuzzer: nlohmann throws out_of_range, not parse_error, for a number too
// large for a double (tests/corpus/events/json-number-overflow).
TEST(EventsJson, NumberOverflowIsAnErrorNotACrash) {
  auto events = cal::parse_events("1E400", cal::EventFormat::json, 2026y / April);
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().code, "calendar.bad_events");
}

}  // namespace

namespace {

// libical warns on stderr for an END without a BEGIN (found by the events fuzzer) and accepts a
// file cut short; kit checks the nesting first and says where it breaks.
TEST(EventsIcs, BeginAndEndMustNest) {
  auto stray = cal::parse_events("END:VEVENT\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                 cal::EventFormat::ics, 2026y / April);
  ASSERT_FALSE(stray);
  EXPECT_EQ(stray.error().message, "iCalendar END:VEVENT without a BEGIN");
  EXPECT_EQ(stray.error().position->line, 1u);
  auto cut = cal::parse_events("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260401\r\n",
                               cal::EventFormat::ics, 2026y / April);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().position->line, 2u);
  auto crossed = cal::parse_events("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n",
                                   cal::EventFormat::ics, 2026y / April);
  ASSERT_FALSE(crossed);
  EXPECT_EQ(crossed.error().message, "iCalendar END:VCALENDAR does not close the BEGIN of line 2");
  // Read as libical reads lines: parameters after the name, folded lines joined.
  auto params = cal::parse_events("END;X=1:VEVENT\r\n", cal::EventFormat::ics, 2026y / April);
  ASSERT_FALSE(params);
  auto folded = cal::parse_events("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nEN\r\n D:VEVENT\r\n",
                                  cal::EventFormat::ics, 2026y / April);
  ASSERT_FALSE(folded);
  EXPECT_EQ(folded.error().position->line, 3u);
}

}  // namespace
