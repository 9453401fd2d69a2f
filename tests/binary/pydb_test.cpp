#include <gtest/gtest.h>

#include "kit/binary.hpp"
#include "kit/binary/pydb.hpp"

namespace {

namespace bin = kit::binary;
using bin::Value;

// The tutorial's readings.pydb: four ">If" records after the 16-byte header, 48 bytes.
std::string tutorial_file() {
  auto record = bin::Struct::compile(">If");
  std::string records;
  for (auto [id, value] : std::vector<std::pair<std::int64_t, double>>{
           {1001, 98.6}, {1002, 37.2}, {1003, 100.1}, {1004, 36.9}})
    records += *record->pack({Value{id}, Value{value}});
  bin::PydbHeader header;
  header.record_size = static_cast<std::uint16_t>(record->size());
  return *bin::write_pydb(header, records);
}

TEST(Pydb, TutorialFileIs48Bytes) {
  const std::string file = tutorial_file();
  EXPECT_EQ(file.size(), 48u);
  EXPECT_EQ(bin::to_hex(file.substr(0, 16)),
            "5059444200010000000400080000"
            "0000");
  auto read = bin::read_pydb(file);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->header.version, 1);
  EXPECT_EQ(read->header.record_count, 4u);
  EXPECT_EQ(read->header.record_size, 8);
  auto records = bin::Struct::compile(">If")->iter_unpack(read->records);
  std::vector<std::string> seen;
  for (const auto& r : *records) seen.push_back(bin::repr(r));
  EXPECT_EQ(seen.front(), "(1001, 98.5999984741211)");
  EXPECT_EQ(seen.back(), "(1004, 36.900001525878906)");
}

TEST(Pydb, ErrorsSayWhere) {
  const std::string file = tutorial_file();
  auto short_header = bin::read_pydb(file.substr(0, 10));
  ASSERT_FALSE(short_header);
  EXPECT_EQ(short_header.error().code, "binary.truncated");
  EXPECT_EQ(*short_header.error().offset, 10u);
  std::string other = file;
  other[0] = 'X';
  auto magic = bin::read_pydb(other);
  ASSERT_FALSE(magic);
  EXPECT_EQ(magic.error().code, "binary.bad_magic");
  EXPECT_EQ(*magic.error().offset, 0u);
  auto cut = bin::read_pydb(file.substr(0, 47));
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code, "binary.truncated");
  EXPECT_EQ(*cut.error().offset, 47u);
  bin::PydbHeader header;
  header.record_size = 8;
  EXPECT_FALSE(bin::write_pydb(header, "123"));
}

TEST(Pydb, HeaderExample) {
  // The example at the top of kit/binary/pydb.hpp.
  const std::string records(30, 'r');
  auto file = bin::write_pydb({.record_size = 10}, records);
  ASSERT_TRUE(file) << file.error().message;
  auto pydb = bin::read_pydb(*file);
  ASSERT_TRUE(pydb) << pydb.error().message;
  EXPECT_EQ(pydb->header.record_count, 3u);
  EXPECT_EQ(pydb->records, records);
  EXPECT_EQ(pydb->records.data(), file->data() + bin::pydb_header_size);
}

}  // namespace
