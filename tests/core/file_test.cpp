// Buffer, BufferPool, FileDescriptor, InputFile (mapped and copied), LinePieces, LineReader.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kit/core/buffer.hpp"
#include "kit/core/file.hpp"

namespace {

using kit::core::Buffer;
using kit::core::InputFile;
using kit::core::LinePieces;

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    path_ = (std::filesystem::temp_directory_path() /
             ("kit_file_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_++)))
                .string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int next_ = 0;
  std::string path_;
};

TEST(Buffer, GrowsKeepingItsBytesSmallAndMapped) {
  Buffer b;
  b.append("abc");
  EXPECT_EQ(b.view(), "abc");
  // Past the size where it maps huge pages, and again past that capacity (mremap).
  std::string big(3 << 20, 'x');
  b.append(big);
  b.append(big);
  EXPECT_EQ(b.size(), 3 + 2 * big.size());
  EXPECT_EQ(b.view().substr(0, 4), "abcx");
  EXPECT_EQ(b.view().back(), 'x');
  char* at = b.extend(2);
  at[0] = 'y';
  at[1] = 'z';
  EXPECT_EQ(b.view().substr(b.size() - 3), "xyz");
  Buffer moved = std::move(b);
  EXPECT_EQ(moved.size(), 3 + 2 * big.size() + 2);
  EXPECT_EQ(b.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
}

TEST(PodVector, GrowsFromSmallToMappedKeepingItsElements) {
  struct Pair {
    std::int64_t a;
    std::uint32_t b;
  };
  kit::core::PodVector<Pair> v;
  EXPECT_TRUE(v.empty());
  for (std::int64_t i = 0; i < 300000; ++i) v.push_back({i, static_cast<std::uint32_t>(i * 3)});
  ASSERT_EQ(v.size(), 300000u);  // 4.8 MB: past the 1 MiB where a Buffer maps huge pages
  bool intact = true;
  for (std::size_t i = 0; i < v.size(); ++i)
    intact = intact && v[i].a == static_cast<std::int64_t>(i) && v[i].b == i * 3;
  EXPECT_TRUE(intact);
  EXPECT_EQ(v.back().a, 299999);
  v.pop_back();
  EXPECT_EQ(v.size(), 299999u);
  v.resize(300001, Pair{-1, 7});
  EXPECT_EQ(v[299999].a, -1);
  EXPECT_EQ(v[300000].b, 7u);
  EXPECT_EQ(v.end() - v.begin(), 300001);
  v.clear();
  EXPECT_TRUE(v.empty());
}

TEST(BufferPool, GivesBackWhatWasReturnedEmpty) {
  kit::core::BufferPool pool;
  Buffer first = pool.take();
  first.append(std::string(2 << 20, 'a'));
  const std::size_t capacity = first.capacity();
  pool.give(std::move(first));
  Buffer again = pool.take();
  EXPECT_EQ(again.size(), 0u);
  EXPECT_EQ(again.capacity(), capacity);
  EXPECT_EQ(pool.take().capacity(), 0u);  // none left: a new one
}

TEST(InputFile, CopiedAndMappedHoldTheSameBytes) {
  std::string text;
  for (int i = 0; text.size() < (9u << 20); ++i) text += std::to_string(i) + ",line\n";
  TempFile file(text);
  for (auto access : {InputFile::Access::mapped, InputFile::Access::copied}) {
    auto in = InputFile::load(file.path(), access);
    ASSERT_TRUE(in);
    EXPECT_EQ(in->bytes(), text);
    InputFile moved = std::move(*in);
    EXPECT_EQ(moved.bytes(), text);
  }
  TempFile small("a\nb\n");
  auto in = InputFile::load(small.path(), InputFile::Access::copied);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->bytes(), "a\nb\n");
  EXPECT_FALSE(InputFile::load(small.path() + ".missing"));
}

// Every piece is whole lines, and the pieces in order are the text.
void expect_pieces(const std::string& path, const std::string& text, std::size_t size) {
  auto pieces = LinePieces::of_file(path, size);
  ASSERT_TRUE(pieces) << pieces.error().message;
  EXPECT_EQ(pieces->count(), (text.size() + size - 1) / size);
  std::string joined;
  Buffer buffer;
  for (std::size_t i = 0; i < pieces->count(); ++i) {
    auto piece = pieces->read(i, i + 1, buffer);
    ASSERT_TRUE(piece);
    if (!piece->empty() && joined.size() + piece->size() < text.size()) {
      EXPECT_EQ(piece->back(), '\n') << "piece " << i << " of " << size;
    }
    if (!piece->empty()) {  // it holds the lines that start in its bytes
      EXPECT_LT(joined.size(), (i + 1) * size);
    }
    joined += *piece;
  }
  EXPECT_EQ(joined, text) << "size " << size;
  for (std::size_t first = 0; first < pieces->count(); first += 3) {
    auto rest = pieces->read(first, pieces->count(), buffer);
    ASSERT_TRUE(rest);
    EXPECT_EQ(text.substr(text.size() - rest->size()), *rest);
  }
}

TEST(LinePieces, CutsAfterLineEndsWhateverTheLines) {
  std::mt19937 rng(7);
  for (int round = 0; round < 60; ++round) {
    std::string text;
    const int lines = static_cast<int>(rng() % 40);
    for (int l = 0; l < lines; ++l) {
      // Empty lines, short ones, and some longer than many pieces.
      const std::size_t length = rng() % 5 == 0 ? rng() % 300 : rng() % 12;
      for (std::size_t c = 0; c < length; ++c) text += static_cast<char>('a' + rng() % 26);
      if (l + 1 < lines || rng() % 2 == 0) text += '\n';
    }
    TempFile file(text);
    for (std::size_t size :
         {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}, std::size_t{1000}})
      expect_pieces(file.path(), text, size);
  }
}

TEST(LinePieces, ALineLongerThanTheReadAhead) {
  const std::string text = "a\n" + std::string(200000, 'x') + "\nb\nc";
  TempFile file(text);
  expect_pieces(file.path(), text, 10);
  expect_pieces(file.path(), text, 4096);
}

TEST(LinePieces, EmptyMissingAndNotSeekable) {
  TempFile empty("");
  auto none = LinePieces::of_file(empty.path(), 16);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->count(), 0u);
  EXPECT_FALSE(LinePieces::of_file(empty.path() + ".missing", 16));

  // A FIFO is read whole at open, then cut the same way.
  const std::string fifo = empty.path() + ".fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string text = "one\ntwo\nthree\n";
  std::thread writer([&] { std::ofstream(fifo) << text; });
  auto pieces = LinePieces::of_file(fifo, 5);
  writer.join();
  std::remove(fifo.c_str());
  ASSERT_TRUE(pieces);
  std::string joined;
  Buffer buffer;
  for (std::size_t i = 0; i < pieces->count(); ++i) joined += *pieces->read(i, i + 1, buffer);
  EXPECT_EQ(joined, text);
}

}  // namespace

namespace {

using kit::core::FileDescriptor;
using kit::core::LineReader;

std::vector<std::string> all_lines(LineReader& reader, std::vector<bool>* newlines = nullptr) {
  std::vector<std::string> lines;
  while (true) {
    auto line = reader.next();
    EXPECT_TRUE(line.has_value());
    if (!line || !*line) break;
    lines.emplace_back(**line);
    if (newlines != nullptr) newlines->push_back(reader.had_newline());
  }
  return lines;
}

TEST(FileDescriptor, ClosesWhatItOwnsAndNotWhatItBorrows) {
  TempFile file("x");
  int fd = -1;
  {
    auto opened = kit::core::open_for_reading(file.path());
    ASSERT_TRUE(opened.has_value());
    fd = opened->get();
    EXPECT_EQ(opened->regular_size(), std::size_t{1});
    FileDescriptor moved = std::move(*opened);
    EXPECT_FALSE(opened->valid());
    EXPECT_EQ(moved.get(), fd);
  }
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);  // closed once, when `moved` went
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  {
    FileDescriptor borrowed = FileDescriptor::borrow(pipe_fds[0]);
    EXPECT_EQ(borrowed.regular_size(), std::nullopt);
  }
  EXPECT_NE(::fcntl(pipe_fds[0], F_GETFD), -1);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  auto missing = kit::core::open_for_reading("/nonexistent/kit-file");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "core.open");
  EXPECT_NE(missing.error().message.find("cannot open '/nonexistent/kit-file'"), std::string::npos);
}

TEST(LineReader, LinesWithAndWithoutAFinalNewline) {
  TempFile file("a\n\nlong line\r\nlast");
  auto reader = LineReader::of_file(file.path());
  ASSERT_TRUE(reader.has_value());
  std::vector<bool> newlines;
  EXPECT_EQ(all_lines(*reader, &newlines),
            (std::vector<std::string>{"a", "", "long line\r", "last"}));
  EXPECT_EQ(newlines, (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(reader->offset(), std::size_t{18});
  TempFile empty("");
  auto none = LineReader::of_file(empty.path());
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(all_lines(*none).empty());
  EXPECT_FALSE(LineReader::of_file("/nonexistent/kit-file").has_value());
}

TEST(LineReader, RandomLinesAcrossBlocksFromAPipe) {
  // Lines of every length around the 64 KiB block, written by another thread into a pipe in
  // odd-sized writes, come back whole and in order.
  std::mt19937 rng(7);
  std::vector<std::string> expected;
  std::string text;
  for (int i = 0; i < 300; ++i) {
    const std::size_t length = i % 50 == 0 ? 70000 + rng() % 70000 : rng() % 300;
    std::string line(length, static_cast<char>('a' + i % 26));
    expected.push_back(line);
    text += line + "\n";
  }
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t n = std::min<std::size_t>(text.size() - at, 1 + rng() % 10000);
      const ssize_t wrote = ::write(fds[1], text.data() + at, n);
      if (wrote <= 0) break;
      at += static_cast<std::size_t>(wrote);
    }
    ::close(fds[1]);
  });
  LineReader reader{FileDescriptor(fds[0]), "pipe"};
  EXPECT_EQ(all_lines(reader), expected);
  EXPECT_EQ(reader.offset(), text.size());
  writer.join();
}

}  // namespace

namespace {

TEST(FileDescriptor, OpenForAppendingAddsToTheEndAndBorrowsStdout) {
  TempFile file("first\n");
  {
    auto opened = kit::core::open_for_appending(file.path());
    ASSERT_TRUE(opened.has_value());
    ASSERT_EQ(::write(opened->get(), "second\n", 7), 7);
  }
  auto again = kit::core::read_file(file.path());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, "first\nsecond\n");
  {
    auto out = kit::core::open_for_appending("-");
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->get(), STDOUT_FILENO);
  }
  EXPECT_NE(::fcntl(STDOUT_FILENO, F_GETFD), -1);  // borrowed: still open
  const auto missing = kit::core::open_for_appending("/nonexistent/kit-dir/log");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "core.open");
}

}  // namespace
