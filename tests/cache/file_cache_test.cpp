#include "kit/cache/file_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kit/fs.hpp"

namespace {

using kit::cache::FileCache;
using kit::cache::FileCacheOptions;

class FileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = kit::fs::TempDir::create("kit-cache-test-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
  }
  std::string path(const std::string& name) const { return dir_->path() + "/" + name; }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary | std::ios::trunc) << bytes;
    return path(name);
  }
  // Sets a file's mtime to seconds.nanoseconds since the epoch.
  static void set_mtime(const std::string& p, time_t sec, long nsec) {
    struct timespec times[2] = {{sec, nsec}, {sec, nsec}};
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
  }
  static std::string read_fd(int fd, std::size_t size) {
    std::string out(size, '\0');
    const ssize_t n = ::pread(fd, out.data(), size, 0);
    out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    return out;
  }

  // Options: set field by field (g++ 12 warns about designated initializers that omit one).
  static FileCacheOptions options(std::size_t budget, std::size_t max_file,
                                  std::vector<std::string>* log = nullptr) {
    FileCacheOptions o;
    o.budget_bytes = budget;
    o.max_file_bytes = max_file;
    if (log) o.log = [log](std::string_view l) { log->emplace_back(l); };
    return o;
  }

  std::optional<kit::fs::TempDir> dir_;
};

TEST_F(FileCacheTest, SmallFilesAreSharedFromMemory) {
  std::vector<std::string> log;
  FileCache files(options(1000, 500, &log));
  const auto p = write("hero.png", std::string(100, 'h'));
  set_mtime(p, 1'700'000'000, 5);
  auto a = files.open(p);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(a->in_memory());
  EXPECT_FALSE(a->fd.valid());
  EXPECT_EQ(*a->bytes, std::string(100, 'h'));
  EXPECT_EQ(a->size, 100u);
  EXPECT_EQ(kit::cache::http_date(a->mtime), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(a->etag.front(), '"');
  EXPECT_EQ(a->etag.back(), '"');

  auto b = files.open(p);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->bytes.get(), b->bytes.get());  // one buffer for both
  EXPECT_EQ(a->etag, b->etag);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "  [cache miss] " + p + " -- loaded 100 bytes");
  EXPECT_EQ(log[1], "  [cache hit]  " + p);

  auto s = files.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.loads, 1u);
  EXPECT_EQ(s.bytes_in_memory, 100u);
  EXPECT_EQ(s.lru_bytes, 100u);

  // Released by every handle, the LRU tier keeps it: still a hit, no second read.
  a->bytes.reset();
  b->bytes.reset();
  auto c = files.open(p);
  ASSERT_TRUE(c && c->in_memory());
  EXPECT_EQ(files.stats().loads, 1u);

  // Without the LRU tier, released means gone.
  files.clear();
  EXPECT_EQ(files.stats().bytes_in_memory, 100u);  // c still holds it
  c->bytes.reset();
  EXPECT_EQ(files.stats().bytes_in_memory, 0u);
  EXPECT_EQ(files.stats().evictions, 1u);
}

TEST_F(FileCacheTest, EditsShowThroughSizeMtimeAndInode) {
  FileCache files;
  const auto p = write("page.html", "version 1");
  set_mtime(p, 1'000'000'000, 0);
  auto v1 = files.open(p);
  ASSERT_TRUE(v1 && v1->in_memory());
  EXPECT_EQ(*v1->bytes, "version 1");

  write("page.html", "version two");  // size changes
  set_mtime(p, 1'000'000'000, 0);
  auto v2 = files.open(p);
  ASSERT_TRUE(v2 && v2->in_memory());
  EXPECT_EQ(*v2->bytes, "version two");
  EXPECT_EQ(*v1->bytes, "version 1");  // a handle keeps the version it got
  EXPECT_NE(v1->etag, v2->etag);

  write("page.html", "version 333");  // same size, only the mtime (one nanosecond) differs
  set_mtime(p, 1'000'000'000, 1);
  auto v3 = files.open(p);
  ASSERT_TRUE(v3 && v3->in_memory());
  EXPECT_EQ(*v3->bytes, "version 333");
  EXPECT_NE(v2->etag, v3->etag);

  const auto tmp = write("page.html.new", "version 444");  // same size and mtime, new inode
  set_mtime(tmp, 1'000'000'000, 1);
  ASSERT_EQ(std::rename(tmp.c_str(), p.c_str()), 0);
  auto v4 = files.open(p);
  ASSERT_TRUE(v4 && v4->in_memory());
  EXPECT_EQ(*v4->bytes, "version 444");
  EXPECT_NE(v3->etag, v4->etag);

  // Old versions leave the LRU tier at once and memory when their handles go.
  v1->bytes.reset();
  v2->bytes.reset();
  v3->bytes.reset();
  EXPECT_EQ(files.stats().bytes_in_memory, 11u);
  EXPECT_EQ(files.stats().loads, 4u);
}

TEST_F(FileCacheTest, LargeFilesAndAFullBudgetStreamFromDisk) {
  std::vector<std::string> log;
  FileCache files(options(250, 200, &log));
  const auto big = write("big.bin", std::string(201, 'b'));
  auto h = files.open(big);
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->in_memory());
  ASSERT_TRUE(h->fd.valid());
  EXPECT_EQ(h->size, 201u);
  EXPECT_EQ(read_fd(h->fd.get(), 201), std::string(201, 'b'));
  EXPECT_EQ(log.back(), "  [cache disk] " + big + " -- streaming 201 bytes");

  // Two held buffers of 100 fill 200 of 250; a third of 100 does not fit while they are held.
  const auto a = write("a", std::string(100, 'a'));
  const auto b = write("b", std::string(100, 'b'));
  const auto c = write("c", std::string(100, 'c'));
  auto ha = files.open(a);
  auto hb = files.open(b);
  ASSERT_TRUE(ha && ha->in_memory() && hb && hb->in_memory());
  auto hc = files.open(c);
  ASSERT_TRUE(hc);
  EXPECT_FALSE(hc->in_memory());
  EXPECT_EQ(read_fd(hc->fd.get(), 100), std::string(100, 'c'));
  EXPECT_EQ(files.stats().bytes_in_memory, 200u);
  EXPECT_EQ(files.stats().streamed, 2u);

  // Released, they are only cached: the LRU lets the oldest go to make room.
  ha->bytes.reset();
  hb->bytes.reset();
  hc = files.open(c);
  ASSERT_TRUE(hc && hc->in_memory());
  EXPECT_EQ(*hc->bytes, std::string(100, 'c'));
  auto s = files.stats();
  EXPECT_LE(s.bytes_in_memory, 250u);
  EXPECT_EQ(s.bytes_in_memory, 200u);  // b and c; a went
  EXPECT_EQ(s.evictions, 1u);
}

TEST_F(FileCacheTest, ConcurrentOpensReadOnce) {
  FileCache files;
  const auto p = write("shared.css", std::string(4096, 's'));
  constexpr int threads = 8;
  std::vector<std::shared_ptr<const std::string>> got(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto h = files.open(p);
      ASSERT_TRUE(h && h->in_memory());
      got[static_cast<std::size_t>(t)] = h->bytes;
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(files.stats().loads, 1u);  // a file read once, whatever the interleaving
  for (auto& g : got) EXPECT_EQ(g.get(), got[0].get());
}

TEST_F(FileCacheTest, TheBudgetHoldsUnderConcurrentOpens) {
  constexpr std::size_t budget = 500;
  FileCache files(options(budget, 150));
  std::vector<std::string> paths;
  for (int i = 0; i < 20; ++i)
    paths.push_back(write("f" + std::to_string(i), std::string(static_cast<std::size_t>(50 + i * 5),
                                                               static_cast<char>('a' + i))));
  std::atomic<bool> over{false}, wrong{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) {
    pool.emplace_back([&, t] {
      std::vector<kit::cache::FileHandle> held;  // each thread keeps its last two "responses"
      for (int i = 0; i < 300; ++i) {
        const std::size_t f = static_cast<std::size_t>((i * 7 + t * 3) % 20);
        auto h = files.open(paths[f]);
        if (!h) {
          wrong = true;
          return;
        }
        const std::string want(50 + f * 5, static_cast<char>('a' + f));
        const std::string got = h->in_memory() ? *h->bytes : read_fd(h->fd.get(), h->size);
        if (got != want) wrong = true;
        if (files.stats().bytes_in_memory > budget) over = true;
        held.push_back(std::move(*h));
        if (held.size() > 2) held.erase(held.begin());
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_FALSE(wrong.load());
  EXPECT_FALSE(over.load());
  auto s = files.stats();
  EXPECT_GT(s.loads, 0u);
  EXPECT_GT(s.hits, 0u);
  files.clear();  // nothing holds a buffer now: all of them go
  s = files.stats();
  EXPECT_EQ(s.bytes_in_memory, 0u);
  EXPECT_EQ(s.evictions, s.loads);
}

TEST_F(FileCacheTest, Errors) {
  FileCache files;
  auto missing = files.open(path("nope.txt"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, kit::ErrorKind::not_found);
  EXPECT_EQ(missing.error().code, "cache.not_found");
  auto under_file = files.open(write("f", "x") + "/sub");
  ASSERT_FALSE(under_file);
  EXPECT_EQ(under_file.error().code, "cache.not_found");
  auto folder = files.open(dir_->path());
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().code, "cache.not_a_file");
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  auto fifo = files.open(path("fifo"));  // refused without opening (that would wait)
  ASSERT_FALSE(fifo);
  EXPECT_EQ(fifo.error().code, "cache.not_a_file");
  const auto secret = write("secret", "s");
  ::chmod(secret.c_str(), 0);
  if (::access(secret.c_str(), R_OK) != 0) {  // root reads it anyway
    auto denied = files.open(secret);
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().kind, kit::ErrorKind::io);
  }
  auto empty = files.open(write("empty", ""));
  ASSERT_TRUE(empty && empty->in_memory());
  EXPECT_EQ(*empty->bytes, "");
}

TEST(HttpDate, ImfFixdate) {
  using namespace std::chrono;
  EXPECT_EQ(kit::cache::http_date(system_clock::time_point{}), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(kit::cache::http_date(sys_days{2026y / December / 8} + 1h + 5min + 1s + 999ms),
            "Tue, 08 Dec 2026 01:05:01 GMT");
}

}  // namespace
