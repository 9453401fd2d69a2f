// LineOrder's read-once lines, top_lines and merge_lines against sorting everything.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "kit/sched/lines.hpp"

namespace sc = kit::sched;

namespace {

// random_line(rng): numbers (some negative, some with fractions, some padded), words and
// fields, so that every option of LineOrder has ties and differences to find.
std::string random_line(std::mt19937& rng) {
  static const char* words[] = {"a", "b", "ab", "-", "0", "00", "-0", "1.50", "1.5", " 7", "x,y"};
  std::string line;
  for (std::size_t n = rng() % 4; n > 0; --n) {
    if (!line.empty()) line += rng() % 2 ? ' ' : ',';
    if (rng() % 2)
      line += std::to_string(static_cast<int>(rng() % 200) - 100);
    else
      line += words[rng() % std::size(words)];
  }
  return line;
}

std::vector<sc::LineOrder> all_orders() {
  std::vector<sc::LineOrder> orders;
  for (bool numeric : {false, true})
    for (bool reverse : {false, true})
      for (std::size_t field : {0u, 1u, 2u})
        for (bool comma : {false, true}) {
          if (comma && field == 0) continue;
          orders.push_back({.numeric = numeric,
                            .reverse = reverse,
                            .field = field,
                            .separator = comma ? std::optional<char>(',') : std::nullopt});
        }
  return orders;
}

std::string join(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

// A scratch folder, removed with everything in it.
struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kit-lines-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) const {
    const auto path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
};

}  // namespace

TEST(LineOrder, ALineReadOnceComparesAsReadEachTime) {
  std::mt19937 rng(7);
  std::vector<std::string> lines(300);
  for (auto& l : lines) l = random_line(rng);
  for (const sc::LineOrder& order : all_orders())
    for (std::size_t i = 0; i < lines.size(); ++i)
      for (std::size_t j = i; j < lines.size(); j += 7) {
        const int want = order.compare(lines[i], lines[j]);
        ASSERT_EQ(order.compare(order.line(lines[i]), order.line(lines[j])), want)
            << lines[i] << " | " << lines[j];
        EXPECT_EQ(order.line(lines[i]).key, order.key(lines[i]));
      }
}

TEST(LineOrder, SortsAsSortDoes) {
  const sc::LineOrder numeric{.numeric = true};
  EXPECT_LT(numeric.compare("9", "10"), 0);
  EXPECT_LT(numeric.compare("-1", "0"), 0);
  EXPECT_EQ(numeric.compare("1.50", "1.50"), 0);
  EXPECT_LT(numeric.compare("1.5", "1.50"), 0);        // equal numbers: then the bytes
  EXPECT_GT(sc::LineOrder{}.compare("\xff", "a"), 0);  // unsigned bytes
  const sc::LineOrder second{.field = 2, .separator = ','};
  EXPECT_EQ(second.key("a,b,c"), "b");
  EXPECT_LT(second.compare("z,a", "a,b"), 0);
  EXPECT_EQ(sc::LineOrder{.field = 2}.key("  x  y z"), "  y");  // blanks lead a field
  EXPECT_EQ(sc::compare_numbers("  007", "7.000"), 0);
}

// Many texts, every order, every n from 0 to past the line count: the first n of a sort.
TEST(TopLines, AgainstASortOfEverything) {
  std::mt19937 rng(1);
  for (int round = 0; round < 40; ++round) {
    std::vector<std::string> texts(1 + rng() % 4);
    std::vector<std::string> all;
    for (auto& t : texts) {
      std::vector<std::string> lines(rng() % 30);
      for (auto& l : lines) l = random_line(rng);
      all.insert(all.end(), lines.begin(), lines.end());
      t = join(lines);
      if (!lines.empty() && !lines.back().empty() && rng() % 3 == 0)
        t.pop_back();  // a last line without '\n'
    }
    const std::vector<std::string_view> views(texts.begin(), texts.end());
    for (const sc::LineOrder& order : all_orders()) {
      std::vector<std::string> sorted = all;
      std::sort(sorted.begin(), sorted.end(), order);
      for (std::size_t n :
           {std::size_t{0}, std::size_t{1}, std::size_t{3}, all.size(), all.size() + 5}) {
        const auto got = sc::top_lines(views, n, order);
        const std::vector<std::string> want(
            sorted.begin(), sorted.begin() + static_cast<long>(std::min(n, sorted.size())));
        ASSERT_EQ(std::vector<std::string>(got.begin(), got.end()), want)
            << "round " << round << " n " << n;
      }
    }
  }
}

// A text of many pieces (cut after the line end past each 8 MiB) gives what one piece would.
TEST(TopLines, LargeTextInPieces) {
  std::mt19937 rng(2);
  std::string text;
  std::vector<std::string> lines;
  while (text.size() < (std::size_t{19} << 20)) {
    lines.push_back(std::to_string(rng() % 100000000) + " item " + std::to_string(lines.size()));
    text += lines.back() + "\n";
  }
  const sc::LineOrder order{.numeric = true, .reverse = true};
  std::partial_sort(lines.begin(), lines.begin() + 25, lines.end(), order);
  lines.resize(25);
  const std::vector<std::string_view> views{text, "100000000 extra\n"};
  const auto got = sc::top_lines(views, 25, order);
  EXPECT_EQ(got.front(), "100000000 extra");
  EXPECT_EQ(std::vector<std::string>(got.begin() + 1, got.end()),
            std::vector<std::string>(lines.begin(), lines.end() - 1));
}

// Sorted files of any length (some past a piece of ~1 MiB, some empty, one without its last
// '\n') merged as a sort of everything; the output comes in blocks of whole lines.
TEST(MergeLines, AgainstASortOfEverything) {
  Scratch scratch;
  std::mt19937 rng(3);
  for (const sc::LineOrder& order :
       {sc::LineOrder{}, sc::LineOrder{.numeric = true},
        sc::LineOrder{.numeric = true, .reverse = true}, sc::LineOrder{.reverse = true}}) {
    std::vector<std::string> paths, all;
    for (std::size_t f = 0; f < 5; ++f) {
      std::vector<std::string> lines(f == 0 ? 0 : f == 1 ? 300000 : rng() % 500);
      for (auto& l : lines) l = random_line(rng);
      std::sort(lines.begin(), lines.end(), order);
      all.insert(all.end(), lines.begin(), lines.end());
      std::string text = join(lines);
      if (f == 2 && !lines.empty() && !lines.back().empty()) text.pop_back();
      paths.push_back(scratch.write("in" + std::to_string(f), text));
    }
    std::sort(all.begin(), all.end(), order);
    std::string got;
    std::size_t blocks = 0;
    auto merged = sc::merge_lines(paths, order, [&](std::string_view block) {
      EXPECT_TRUE(block.empty() || block.back() == '\n');
      got += block;
      ++blocks;
    });
    ASSERT_TRUE(merged) << merged.error().message;
    const std::string want = join(all);
    // Where they part, not the whole megabytes (gtest's diff of two long strings is huge).
    const auto at = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
    const auto offset = static_cast<std::size_t>(at.first - got.begin());
    ASSERT_TRUE(got == want) << "sizes " << got.size() << " and " << want.size()
                             << ", first difference at " << offset << ": got '"
                             << got.substr(offset > 20 ? offset - 20 : 0, 60) << "' want '"
                             << want.substr(offset > 20 ? offset - 20 : 0, 60) << "'";
    EXPECT_GE(blocks, 2u);  // more than a piece's worth of output
  }
}

TEST(MergeLines, AFileThatCannotBeOpenedWritesNothing) {
  Scratch scratch;
  const std::string good = scratch.write("good", "a\nb\n");
  std::string got;
  auto merged = sc::merge_lines({good, (scratch.dir / "missing").string()}, {},
                                [&](std::string_view block) { got += block; });
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().kind, kit::ErrorKind::io);
  EXPECT_NE(merged.error().message.find("missing"), std::string::npos);
  EXPECT_EQ(got, "");
  auto none = sc::merge_lines({}, {}, [&](std::string_view block) { got += block; });
  EXPECT_TRUE(none);
  EXPECT_EQ(got, "");
}
