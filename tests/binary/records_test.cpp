// Struct::parse_values, pack_csv and pack_csv_file, RecordReader, format_records.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kit/binary.hpp"
#include "kit/binary/records.hpp"

namespace {

namespace bin = kit::binary;
using bin::Value;
using kit::Result;

class TempFile {
 public:
  explicit TempFile(const std::string& bytes) {
    path_ = (std::filesystem::temp_directory_path() /
             ("kit_records_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_++)))
                .string();
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int next_ = 0;
  std::string path_;
};

bin::Struct compiled(std::string_view format) {
  auto s = bin::Struct::compile(format);
  EXPECT_TRUE(s) << format;
  return *s;
}

// packed(s, rows): the records Struct::pack makes of rows of literals (the reference).
std::string packed(const bin::Struct& s, const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  std::vector<Value> values;
  for (const auto& row : rows) {
    auto read = s.parse_values(row, values);
    EXPECT_TRUE(read) << read.error().message;
    out += *s.pack(values);
  }
  return out;
}

// ---- Struct::parse_values ---------------------------------------------------------------------

TEST(ParseValues, OneLiteralPerValueByItsFieldsCode) {
  const bin::Struct s = compiled("<Ih?3sd");
  std::vector<Value> values{Value{1.5}};  // cleared first
  const std::vector<std::string_view> texts{"0x10", "-2", "True", "b'ab'", "1e-3"};
  ASSERT_TRUE(s.parse_values(texts, values));
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(bin::repr(values), "(16, -2, True, b'ab', 0.001)");
  const std::vector<std::string> strings{"1", "2", "False", "616263", "inf"};
  ASSERT_TRUE(s.parse_values(strings, values));
  EXPECT_EQ(bin::repr(values), "(1, 2, False, b'abc', inf)");
}

TEST(ParseValues, CountAndItemErrors) {
  const bin::Struct s = compiled("<IH");
  std::vector<Value> values;
  auto few = s.parse_values(std::vector<std::string>{"1"}, values);
  ASSERT_FALSE(few);
  EXPECT_EQ(few.error().code, "binary.bad_count");
  EXPECT_EQ(few.error().message, "pack expected 2 items for packing (got 1)");
  auto bad = s.parse_values(std::vector<std::string>{"1", "x"}, values);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "binary.bad_value");
  EXPECT_EQ(bad.error().message.rfind("item 2: ", 0), 0u) << bad.error().message;
}

// ---- pack_csv -----------------------------------------------------------------------------------

TEST(PackCsv, PlainRowsAsStructPacksThem) {
  const bin::Struct s = compiled("<IHff");
  auto records = bin::pack_csv(s, "1,2,0.5,1.5\n3,4,2.5,3.5\n");
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(records->size(), 28u);
  EXPECT_EQ(records->view(), packed(s, {{"1", "2", "0.5", "1.5"}, {"3", "4", "2.5", "3.5"}}));
}

TEST(PackCsv, QuotesBytesBlankLinesCrlfAndABom) {
  // None of these rows is plain: all go through the CSV reader and parse_literal.
  const bin::Struct s = compiled("<5sbd?");
  const std::string csv =
      "\xEF\xBB\xBF\"b'a,\"\"b'\",-1,-inf,True\r\n"
      "\r\n"
      "\"b'\\x00\\n'\",+5,1e-3,False\r\n";
  auto records = bin::pack_csv(s, csv);
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(records->view(), packed(s, {{"b'a,\"b'", "-1", "-inf", "True"},
                                        {"b'\\x00\\n'", "+5", "1e-3", "False"}}));
}

TEST(PackCsv, FastAndGeneralPathsAgreeWithinOneText) {
  const bin::Struct s = compiled(">hq");
  // Plain lines, one with a sign + (general path), then plain again.
  auto records = bin::pack_csv(s, "1,2\n+3,4\n-5,-6");
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(records->view(), packed(s, {{"1", "2"}, {"3", "4"}, {"-5", "-6"}}));
}

TEST(PackCsv, AppendsToTheBufferItIsGiven) {
  const bin::Struct s = compiled("<B");
  kit::core::Buffer into;
  into.append("head");
  auto records = bin::pack_csv(s, "65\n66\n", std::move(into));
  ASSERT_TRUE(records);
  EXPECT_EQ(records->view(), "headAB");
}

TEST(PackCsv, TheFirstBadRowWithItsLine) {
  const bin::Struct s = compiled("<IH");
  auto count = bin::pack_csv(s, "1,2\n3,4\n5\n6,7\n");
  ASSERT_FALSE(count);
  EXPECT_EQ(count.error().code, "binary.bad_count");
  ASSERT_TRUE(count.error().position);
  EXPECT_EQ(count.error().position->line, 3u);
  EXPECT_EQ(count.error().position->column, 1u);
  auto range = bin::pack_csv(s, "1,2\n1,70000\n");
  ASSERT_FALSE(range);
  EXPECT_EQ(range.error().position->line, 2u);
  EXPECT_TRUE(bin::pack_csv(s, ""));
  EXPECT_EQ(bin::pack_csv(s, "")->size(), 0u);
}

// ---- pack_csv_file ------------------------------------------------------------------------------

// rows(n, from): n plain rows of "<IHf", numbered from `from`.
std::string rows(std::size_t n, std::size_t from = 0) {
  std::string csv;
  for (std::size_t i = from; i < from + n; ++i)
    csv += std::to_string(i * 7919 % 4000000000u) + "," + std::to_string(i % 65536) + "," +
           std::to_string(static_cast<double>(i % 1000) / 8) + "\n";
  return csv;
}

std::string pack_file(const bin::Struct& s, const std::string& path, Result<void>* status) {
  std::string out;
  *status = bin::pack_csv_file(s, path, [&](std::string_view records) { out += records; });
  return out;
}

TEST(PackCsvFile, ManyPiecesInFileOrder) {
  // About 10 MB: three pieces of 4 MiB, packed on every core and written in order.
  const bin::Struct s = compiled("<IHf");
  const std::string csv = rows(450000);
  ASSERT_GT(csv.size(), std::size_t{9} << 20);
  TempFile file(csv);
  Result<void> status;
  const std::string out = pack_file(s, file.path(), &status);
  ASSERT_TRUE(status) << status.error().message;
  auto whole = bin::pack_csv(s, csv);
  ASSERT_TRUE(whole);
  EXPECT_EQ(out.size(), 450000u * s.size());
  EXPECT_TRUE(out == whole->view());
}

TEST(PackCsvFile, AQuotedLineEndAcrossAPieceCut) {
  // Quoted fields holding a line end (hex digits with a newline between them) around the end
  // of the first piece, so that a cut falls inside one: from that piece on, the text is
  // packed again as one piece and every field is read whole.
  const bin::Struct s = compiled("<I2s");
  const std::size_t piece = (std::size_t{4} << 20) - (std::size_t{8} << 10);
  std::string csv;
  std::vector<std::vector<std::string>> expect;
  for (std::size_t i = 0; csv.size() < piece - 200; ++i) {
    csv += std::to_string(i) + ",6162\n";
    expect.push_back({std::to_string(i), "6162"});
  }
  for (std::size_t i = 0; i < 40; ++i) {
    csv += "7,\"61\n62\"\n";
    expect.push_back({"7", "6162"});
  }
  for (std::size_t i = 0; i < 100000; ++i) {
    csv += "9,7a7a\n";
    expect.push_back({"9", "7a7a"});
  }
  TempFile file(csv);
  Result<void> status;
  const std::string out = pack_file(s, file.path(), &status);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(out.size(), expect.size() * s.size());
  EXPECT_TRUE(out == packed(s, expect));
}

TEST(PackCsvFile, AnErrorInALaterPieceCountsLinesFromTheStart) {
  const bin::Struct s = compiled("<IHf");
  std::string csv = rows(300000);
  const auto lines_before = static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n'));
  csv += "1,2\n" + rows(10);
  TempFile file(csv);
  Result<void> status;
  const std::string out = pack_file(s, file.path(), &status);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, "binary.bad_count");
  ASSERT_TRUE(status.error().position);
  EXPECT_EQ(status.error().position->line, lines_before + 1);
  // The pieces before the bad one were written, and nothing after it.
  EXPECT_EQ(out.size() % s.size(), 0u);
  EXPECT_LE(out.size(), lines_before * s.size());
  EXPECT_EQ(std::string_view(out), bin::pack_csv(s, rows(300000))->view().substr(0, out.size()));
  EXPECT_FALSE(bin::pack_csv_file(s, file.path() + ".missing", [](std::string_view) {}));
}

// ---- RecordReader ------------------------------------------------------------------------------

struct ReadAll {
  std::string bytes;
  std::size_t runs = 0;
  std::optional<kit::Error> error;
};

ReadAll read_all(bin::RecordReader& reader) {
  ReadAll all;
  while (true) {
    auto run = reader.next();
    if (!run) {
      all.error = run.error();
      break;
    }
    if (run->empty()) break;
    EXPECT_EQ(run->size() % reader.record_size(), 0u);
    all.bytes += *run;
    ++all.runs;
  }
  // After the end (or its error), nothing more.
  auto after = reader.next();
  EXPECT_TRUE(after && after->empty());
  return all;
}

TEST(RecordReader, AFileInRunsOfWholeRecordsFromTheOffset) {
  std::string bytes;
  for (int i = 0; i < 3000000; ++i) bytes += static_cast<char>('a' + i % 26);  // 3 MB
  bytes = "xyz" + bytes + "12";  // 3 bytes to skip, 2 after the last record of 6
  TempFile file(bytes);
  auto reader = bin::RecordReader::of_file(file.path(), 6, 3);
  ASSERT_TRUE(reader) << reader.error().message;
  ReadAll all = read_all(*reader);
  EXPECT_EQ(all.bytes, bytes.substr(3, 3000000));
  ASSERT_TRUE(all.error);
  EXPECT_EQ(all.error->code, "binary.bad_size");
  EXPECT_EQ(all.error->message, "'" + file.path() + "' ends with 2 bytes, not a whole record of 6");
}

TEST(RecordReader, RunsOfAtMostAWindow) {
  // 20 MB of 10-byte records: a regular file is read whole and handed out 8 MiB at a time.
  TempFile file(std::string(20'000'000, 'r'));
  auto reader = bin::RecordReader::of_file(file.path(), 10);
  ASSERT_TRUE(reader);
  ReadAll all = read_all(*reader);
  EXPECT_FALSE(all.error);
  EXPECT_EQ(all.bytes.size(), 20'000'000u);
  EXPECT_EQ(all.runs, 3u);
}

TEST(RecordReader, OffsetAtAndPastTheEnd) {
  TempFile file("abcdef");
  auto at_end = bin::RecordReader::of_file(file.path(), 3, 6);
  ASSERT_TRUE(at_end);
  ReadAll none = read_all(*at_end);
  EXPECT_TRUE(none.bytes.empty());
  EXPECT_FALSE(none.error);
  auto past = bin::RecordReader::of_file(file.path(), 3, 7);
  ASSERT_TRUE(past);
  ReadAll error = read_all(*past);
  ASSERT_TRUE(error.error);
  EXPECT_EQ(error.error->code, "binary.bad_size");
  EXPECT_EQ(error.error->message, "offset 7 is past the end of '" + file.path() + "' (6 bytes)");
}

TEST(RecordReader, OpenErrors) {
  auto missing = bin::RecordReader::of_file("/nonexistent/records.bin", 4);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "core.open");
  EXPECT_EQ(missing.error().message,
            "cannot open '/nonexistent/records.bin': No such file or directory");
  TempFile file("abcd");
  auto zero = bin::RecordReader::of_file(file.path(), 0);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().kind, kit::ErrorKind::invalid_argument);
}

TEST(RecordReader, ADirectoryCannotBeRead) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  auto reader = bin::RecordReader::of_file(dir, 4);
  ASSERT_TRUE(reader);
  ReadAll all = read_all(*reader);
  ASSERT_TRUE(all.error);
  EXPECT_EQ(all.error->code, "core.read");
  EXPECT_EQ(all.error->message, "cannot read '" + dir + "'");
}

// stream(bytes, size, offset): the records of bytes written into a FIFO in small pieces.
ReadAll stream(const std::string& bytes, std::size_t size, std::size_t offset) {
  TempFile name("");
  const std::string fifo = name.path() + ".fifo";
  EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    for (std::size_t at = 0; at < bytes.size(); at += 4093) {
      out << bytes.substr(at, 4093);
      out.flush();
    }
  });
  auto reader = bin::RecordReader::of_file(fifo, size, offset);
  ReadAll all;
  if (reader) all = read_all(*reader);
  writer.join();
  std::remove(fifo.c_str());
  EXPECT_TRUE(reader);
  return all;
}

TEST(RecordReader, AStreamKeepsThePartialRecordBetweenReads) {
  std::string bytes;
  for (int i = 0; i < 3'000'000; ++i) bytes += static_cast<char>(i % 251);
  ReadAll all = stream(bytes + "x", 7, 5);  // 7 does not divide the pipe's pieces
  const std::size_t whole = (bytes.size() + 1 - 5) / 7 * 7;
  EXPECT_EQ(all.bytes, (bytes + "x").substr(5, whole));
  ASSERT_TRUE(all.error);
  EXPECT_EQ(all.error->code, "binary.bad_size");
  const std::size_t carry = bytes.size() + 1 - 5 - whole;
  ASSERT_NE(carry, 0u);
  EXPECT_NE(all.error->message.find("ends with " + std::to_string(carry) +
                                    " bytes, not a whole record of 7"),
            std::string::npos)
      << all.error->message;
}

TEST(RecordReader, AStreamShorterThanTheOffset) {
  ReadAll all = stream("abcdef", 2, 9);
  EXPECT_TRUE(all.bytes.empty());
  ASSERT_TRUE(all.error);
  EXPECT_NE(all.error->message.find("(6 bytes)"), std::string::npos) << all.error->message;
  ReadAll exact = stream("abcdef", 2, 2);
  EXPECT_EQ(exact.bytes, "cdef");
  EXPECT_FALSE(exact.error);
}

// ---- format_records ----------------------------------------------------------------------------

TEST(FormatRecords, ReprOrCsvLines) {
  const bin::Struct s = compiled("<h2sf?");
  std::string bytes =
      *s.pack({Value{std::int64_t{-3}}, Value{std::string("a\0", 2)}, Value{0.1}, Value{true}});
  bytes += *s.pack({Value{std::int64_t{7}}, Value{std::string("zz")}, Value{2.5}, Value{false}});
  auto repr = bin::format_records(s, bytes + "junk", bin::RecordText::repr);
  EXPECT_EQ(repr.view(), "(-3, b'a\\x00', 0.10000000149011612, True)\n(7, b'zz', 2.5, False)\n");
  auto csv = bin::format_records(s, bytes, bin::RecordText::csv);
  EXPECT_EQ(csv.view(), "-3,6100,0.10000000149011612,True\n7,7a7a,2.5,False\n");
  std::string line;
  bin::append_csv_record(line, std::vector<Value>{Value{std::uint64_t{1}}, Value{-0.0}});
  EXPECT_EQ(line, "1,-0.0\n");
}

}  // namespace
