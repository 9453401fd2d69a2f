#include "kit/core/csv.hpp"

#include <gtest/gtest.h>

namespace {

using kit::core::parse_csv;
using Fields = std::vector<std::string>;

TEST(Csv, ReadsPlainAndQuotedFields) {
  auto rows =
      parse_csv("date,event\r\n2026-04-01,\"Kickoff, Q2\"\n2026-04-02,\"say \"\"hi\"\"\"\n");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].fields, (Fields{"date", "event"}));
  EXPECT_EQ((*rows)[1].fields, (Fields{"2026-04-01", "Kickoff, Q2"}));
  EXPECT_EQ((*rows)[2].fields, (Fields{"2026-04-02", "say \"hi\""}));
  EXPECT_EQ((*rows)[2].line, 3u);
}

TEST(Csv, QuotedLineBreaksAndLineNumbers) {
  auto rows = parse_csv("a,\"two\nlines\"\n\nb,c");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].fields, (Fields{"a", "two\nlines"}));
  EXPECT_EQ((*rows)[1].fields, (Fields{"b", "c"}));
  EXPECT_EQ((*rows)[1].line, 4u);
}

TEST(Csv, EmptyFieldsCount) {
  auto rows = parse_csv(",\n\"\"\n");
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0].fields, (Fields{"", ""}));
  EXPECT_EQ((*rows)[1].fields, (Fields{""}));
}

TEST(Csv, UnterminatedQuoteIsReportedWhereItOpens) {
  auto rows = parse_csv("a,b\nc,\"oops\n");
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().code, "core.bad_csv");
  ASSERT_TRUE(rows.error().position);
  EXPECT_EQ(rows.error().position->line, 2u);
  EXPECT_EQ(rows.error().position->column, 3u);
}

TEST(Csv, TextAfterClosingQuoteIsAnError) {
  auto rows = parse_csv("\"a\"b,c\n");
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().position->column, 4u);
}

TEST(Csv, StrayQuoteInUnquotedField) {
  auto rows = parse_csv("ab\"c\n");
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().position->column, 3u);
}

TEST(Csv, FastPathCallersSkipLinesAndTheReaderCarriesOn) {
  kit::core::CsvReader reader("\n\r\na,b\r\n\"x\ny\",z\nlast");
  EXPECT_EQ(reader.rest(), "a,b\r\n\"x\ny\",z\nlast");  // blank lines skipped
  EXPECT_EQ(reader.line(), 3u);
  reader.skip_line(5);  // the caller took "a,b\r\n" itself
  kit::core::CsvRecordView row;
  ASSERT_TRUE(*reader.next(row));  // a quoted line end: the reader's job
  EXPECT_EQ(row.line, 4u);
  ASSERT_EQ(row.fields.size(), 2u);
  EXPECT_EQ(row.fields[0], "x\ny");
  EXPECT_EQ(reader.rest(), "last");
  ASSERT_TRUE(*reader.next(row));
  EXPECT_EQ(row.line, 6u);
  EXPECT_EQ(reader.rest(), "");
  EXPECT_FALSE(*reader.next(row));
}

TEST(Csv, WritingQuotesOnlyWhenNeeded) {
  EXPECT_EQ(kit::core::csv_field("plain"), "plain");
  EXPECT_EQ(kit::core::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(kit::core::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(kit::core::csv_record({"x", "a\nb"}), "x,\"a\nb\"");
  EXPECT_EQ(kit::core::csv_record({""}), "\"\"");
}

}  // namespace
