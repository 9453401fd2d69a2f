#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kit/cache.hpp"

namespace {

using kit::cache::WeakCache;
using Cache = WeakCache<std::string, std::string>;

std::shared_ptr<std::string> text(std::size_t n, char c = 'x') {
  return std::make_shared<std::string>(n, c);
}

TEST(WeakCache, HitWhileHeldMissAfterRelease) {
  Cache cache;
  int loads = 0;
  auto loader = [&] {
    ++loads;
    return text(10);
  };
  auto a = cache.get_or_load("hero.png", loader);
  ASSERT_TRUE(a);
  auto b = cache.get_or_load("hero.png", loader);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->get(), b->get());  // one value shared
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(cache.size(), 1u);

  a->reset();
  EXPECT_NE(cache.get("hero.png"), nullptr);  // b still holds it
  b->reset();
  EXPECT_EQ(cache.get("hero.png"), nullptr);  // gone with its last holder
  EXPECT_EQ(cache.size(), 0u);
  auto c = cache.get_or_load("hero.png", loader);
  ASSERT_TRUE(c);
  EXPECT_EQ(loads, 2);

  auto s = cache.stats();
  EXPECT_EQ(s.hits, 2u);    // the second get_or_load and the first get
  EXPECT_EQ(s.misses, 3u);  // two loads and the get after release
  EXPECT_EQ(s.loads, 2u);
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.entries, 1u);
}

TEST(WeakCache, LoaderForms) {
  WeakCache<int, std::string> cache;
  auto by_value = cache.get_or_load(1, [] { return std::string("one"); });
  ASSERT_TRUE(by_value);
  EXPECT_EQ(**by_value, "one");
  auto by_result = cache.get_or_load(2, []() -> kit::Result<std::shared_ptr<std::string>> {
    return std::make_shared<std::string>("two");
  });
  ASSERT_TRUE(by_result);
  EXPECT_EQ(**by_result, "two");
}

TEST(WeakCache, FailedLoadsAreNotCached) {
  Cache cache;
  auto err = cache.get_or_load("a", []() -> kit::Result<std::shared_ptr<std::string>> {
    return kit::fail(kit::ErrorKind::io, "test.io", "no disk");
  });
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().code, "test.io");
  auto threw = cache.get_or_load(
      "a", []() -> std::shared_ptr<std::string> { throw std::runtime_error("boom"); });
  ASSERT_FALSE(threw);
  EXPECT_EQ(threw.error().code, "cache.load_failed");
  EXPECT_NE(threw.error().message.find("boom"), std::string::npos);
  auto null = cache.get_or_load("a", [] { return std::shared_ptr<std::string>(); });
  ASSERT_FALSE(null);
  EXPECT_EQ(null.error().code, "cache.load_failed");
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().load_failures, 3u);
  auto ok = cache.get_or_load("a", [] { return text(1); });
  EXPECT_TRUE(ok);
}

TEST(WeakCache, OnEvictRunsExactlyOnceWhenTheValueDies) {
  std::vector<std::string> evicted;
  Cache::Options options;
  options.on_evict = [&](const std::string& key, const std::string& value) {
    evicted.push_back(key + ":" + std::to_string(value.size()));
  };
  Cache cache(std::move(options));
  auto a = *cache.get_or_load("a", [] { return text(3); });
  auto a2 = a;
  auto a3 = *cache.get_or_load("a", [] { return text(99); });
  a.reset();
  a2.reset();
  EXPECT_TRUE(evicted.empty());
  a3.reset();
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0], "a:3");

  // A value replaced by put, or erased, still runs its callback once, when it dies.
  auto b = *cache.get_or_load("b", [] { return text(4); });
  auto b2 = cache.put("b", text(5));
  EXPECT_EQ(*cache.get("b"), std::string(5, 'x'));
  EXPECT_TRUE(cache.erase("b"));
  EXPECT_EQ(cache.get("b"), nullptr);
  b.reset();
  b2.reset();
  ASSERT_EQ(evicted.size(), 3u);
  EXPECT_EQ(evicted[1], "b:4");
  EXPECT_EQ(evicted[2], "b:5");
  EXPECT_EQ(cache.stats().evictions, 3u);
}

TEST(WeakCache, CallbacksMayUseTheCache) {
  // on_evict runs in a deleter, without the cache's lock: it may look the cache up (here it
  // reloads what died), as may the log sink.
  Cache* self = nullptr;
  std::vector<std::size_t> sizes;
  Cache::Options options;
  options.lru_bytes = 10;
  options.on_evict = [&](const std::string&, const std::string&) { sizes.push_back(self->size()); };
  options.log = [&](std::string_view) { (void)self->stats(); };
  Cache cache(std::move(options));
  self = &cache;
  {
    auto a = cache.get_or_load("a", [] { return text(8); });
    auto b = cache.get_or_load("b", [] { return text(8); });  // pushes a out of the LRU
  }
  EXPECT_EQ(sizes, std::vector<std::size_t>{1});  // a died; b lives in the LRU
  cache.clear();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 0}));
}

TEST(WeakCache, ValuesOutliveTheCache) {
  int evicted = 0;
  std::shared_ptr<std::string> held;
  {
    Cache::Options options;
    options.lru_bytes = 100;
    options.on_evict = [&](const std::string&, const std::string&) { ++evicted; };
    Cache cache(std::move(options));
    held = *cache.get_or_load("a", [] { return text(10); });
    auto cached = cache.get_or_load("b", [] { return text(10); });  // only the LRU keeps b
  }
  EXPECT_EQ(evicted, 1);  // b went with the cache's LRU tier
  EXPECT_EQ(*held, std::string(10, 'x'));
  held.reset();
  EXPECT_EQ(evicted, 2);
}

TEST(WeakCache, LruKeepsRecentValuesWithinItsByteBound) {
  Cache::Options options;
  options.lru_bytes = 100;
  std::vector<std::string> evicted;
  options.on_evict = [&](const std::string& key, const std::string&) { evicted.push_back(key); };
  Cache cache(std::move(options));
  int loads = 0;
  auto load = [&](const std::string& key, std::size_t n) {
    auto p = cache.get_or_load(key, [&] {
      ++loads;
      return text(n);
    });
    EXPECT_TRUE(p);
  };
  load("a", 40);  // nobody holds them: the LRU does
  load("b", 40);
  EXPECT_EQ(cache.stats().lru_bytes, 80u);
  load("a", 40);  // a hit: a becomes the most recent
  EXPECT_EQ(loads, 2);
  load("c", 40);  // 120 > 100: b, the least recent, goes
  EXPECT_EQ(loads, 3);
  EXPECT_EQ(evicted, std::vector<std::string>{"b"});
  auto s = cache.stats();
  EXPECT_EQ(s.lru_bytes, 80u);
  EXPECT_EQ(s.lru_entries, 2u);
  EXPECT_EQ(s.entries, 2u);
  EXPECT_NE(cache.get("a"), nullptr);
  EXPECT_NE(cache.get("c"), nullptr);
  EXPECT_EQ(cache.get("b"), nullptr);

  load("huge", 101);  // larger than the tier: never in it, and it evicts nothing
  EXPECT_EQ(cache.stats().lru_bytes, 80u);
  EXPECT_EQ(evicted.back(), "huge");

  // The bound holds across any sequence.
  for (int i = 0; i < 200; ++i) {
    load("k" + std::to_string(i % 17), static_cast<std::size_t>(1 + (i * 7) % 50));
    EXPECT_LE(cache.stats().lru_bytes, 100u);
  }
}

TEST(WeakCache, EvictedFromLruStillReachableWhileHeld) {
  Cache::Options options;
  options.lru_bytes = 50;
  Cache cache(std::move(options));
  auto held = *cache.get_or_load("a", [] { return text(40); });
  auto other = cache.get_or_load("b", [] { return text(40); });  // pushes a out of the LRU
  ASSERT_TRUE(other);
  other->reset();
  EXPECT_EQ(cache.stats().lru_entries, 1u);
  auto again = cache.get("a");  // the weak tier still finds it, and it returns to the LRU
  EXPECT_EQ(again.get(), held.get());
  held.reset();
  again.reset();
  EXPECT_NE(cache.get("a"), nullptr);  // the LRU keeps it now
  EXPECT_EQ(cache.get("b"), nullptr);  // a's return pushed b out; nobody held it
  EXPECT_EQ(cache.shrink_lru(1), 40u);
  EXPECT_EQ(cache.get("a"), nullptr);
}

TEST(WeakCache, ConcurrentLoadsOfOneKeyLoadOnce) {
  Cache cache;
  constexpr int threads = 8;
  std::atomic<int> loads{0};
  std::vector<std::shared_ptr<std::string>> got(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto r = cache.get_or_load("hero.png", [&] {
        ++loads;
        // Hold the load open until every thread has asked (each is then a miss waiting on it).
        while (cache.stats().misses < threads) std::this_thread::yield();
        return text(1024);
      });
      ASSERT_TRUE(r);
      got[static_cast<std::size_t>(t)] = *r;
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(loads.load(), 1);
  for (auto& p : got) EXPECT_EQ(p.get(), got[0].get());
  auto s = cache.stats();
  EXPECT_EQ(s.loads, 1u);
  EXPECT_EQ(s.misses, static_cast<std::uint64_t>(threads));
}

TEST(WeakCache, ConcurrentFailedLoadIsSharedToo) {
  Cache cache;
  constexpr int threads = 4;
  std::atomic<int> loads{0}, failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto r = cache.get_or_load("x", [&]() -> kit::Result<std::shared_ptr<std::string>> {
        ++loads;
        while (cache.stats().misses < threads) std::this_thread::yield();
        return kit::fail(kit::ErrorKind::io, "test.io", "no");
      });
      if (!r && r.error().code == "test.io") ++failures;
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(loads.load(), 1);
  EXPECT_EQ(failures.load(), threads);
}

TEST(WeakCache, ManyThreadsManyKeys) {
  Cache::Options options;
  options.lru_bytes = 64;
  std::atomic<int> evicted{0};
  options.on_evict = [&](const std::string&, const std::string&) { ++evicted; };
  Cache cache(std::move(options));
  std::atomic<int> loads{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) {
    pool.emplace_back([&, t] {
      std::vector<std::shared_ptr<std::string>> held;
      for (int i = 0; i < 2000; ++i) {
        const std::string key = "k" + std::to_string((i * 31 + t) % 23);
        auto r = cache.get_or_load(key, [&] {
          ++loads;
          return std::make_shared<std::string>(key);
        });
        ASSERT_TRUE(r);
        ASSERT_EQ(**r, key);
        if (i % 3 == 0) held.push_back(*r);
        if (held.size() > 5) held.erase(held.begin());
      }
    });
  }
  for (auto& th : pool) th.join();
  cache.clear();
  // Every value loaded has died exactly once.
  EXPECT_EQ(evicted.load(), loads.load());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(WeakCache, DebugLogInTheTutorialsWords) {
  std::vector<std::string> lines;
  Cache::Options options;
  options.log = [&](std::string_view line) { lines.emplace_back(line); };
  Cache cache(std::move(options));
  auto a = cache.get_or_load("hero.png", [] { return text(10240); });
  auto b = cache.get_or_load("hero.png", [] { return text(1); });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "  [cache miss] hero.png -- loaded 10240 bytes");
  EXPECT_EQ(lines[1], "  [cache hit]  hero.png");
}

TEST(Finalize, RunsOnceWhenTheLastCopyGoes) {
  // The tutorial's weakref_finalize.py.
  struct TempFile {
    std::string path;
  };
  std::vector<std::string> out;
  const std::string path = "/tmp/report_20260422.csv";
  auto tf = std::make_shared<TempFile>(TempFile{path});
  out.push_back("TempFile opened: " + path);
  tf = kit::cache::finalize(std::move(tf),
                            [&out, path] { out.push_back("Cleanup: would delete " + path); });
  auto copy = tf;
  out.push_back("Dropping reference...");
  tf.reset();
  EXPECT_EQ(out.size(), 2u);  // copy still holds it
  copy.reset();
  out.push_back("Done.");
  EXPECT_EQ(out, (std::vector<std::string>{
                     "TempFile opened: /tmp/report_20260422.csv", "Dropping reference...",
                     "Cleanup: would delete /tmp/report_20260422.csv", "Done."}));
}

TEST(Finalize, ObjectIsAliveDuringTheCallbackAndReleasedAfter) {
  auto inner = std::make_shared<int>(7);
  std::weak_ptr<int> watch = inner;
  bool ran = false;
  auto p = kit::cache::finalize(std::move(inner), [&] {
    ran = true;
    EXPECT_FALSE(watch.expired());
  });
  EXPECT_EQ(*p, 7);
  p.reset();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(watch.expired());
}

}  // namespace
