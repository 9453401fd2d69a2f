#include <gtest/gtest.h>

#include "kit/config/json.hpp"

namespace kit::config {
namespace {

TEST(ParseDocument, AcceptsCrlfAndByteOrderMark) {
  auto doc = parse_document("\xEF\xBB\xBF{\r\n  \"a\": 1,\r\n  \"b\": [true]\r\n}\r\n", "x.json");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)["a"], 1);
}

TEST(ParseDocument, KeepsKeyOrder) {
  auto doc = parse_document(R"({"z": 1, "a": 2, "m": 3})", "x.json");
  ASSERT_TRUE(doc);
  EXPECT_EQ(to_text(*doc), "{\n  \"z\": 1,\n  \"a\": 2,\n  \"m\": 3\n}\n");
}

TEST(ParseDocument, CorruptNamesFileLineAndColumn) {
  auto doc = parse_document("{\n  \"a\": 1,\n  \"b\": ,\n}\n", "/etc/app.json");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "config.corrupt");
  ASSERT_TRUE(doc.error().position);
  EXPECT_EQ(doc.error().position->line, 3u);
  EXPECT_EQ(doc.error().position->column, 8u);
  EXPECT_NE(doc.error().message.find("/etc/app.json:3:8"), std::string::npos)
      << doc.error().message;
}

TEST(ParseDocument, EmptyFileIsCorrupt) {
  auto doc = parse_document("", "empty.json");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "config.corrupt");
}

}  // namespace
}  // namespace kit::config

namespace kit::config {
namespace {

// Found by config_document_fuzz: nlohmann throws out_of_range (not parse_error) for a number
// past double's range; it escaped parse_document.
TEST(ParseDocument, NumberPastDoubleIsCorruptNotAnException) {
  auto doc = parse_document(R"({"n": -1e373705596100})", "big.json");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "config.corrupt");
  EXPECT_NE(doc.error().message.find("big.json: not valid JSON: number overflow"),
            std::string::npos)
      << doc.error().message;
  EXPECT_EQ(loose_value("1e400"), "1e400");  // not a number kit can hold: kept as text
}

}  // namespace
}  // namespace kit::config
