// Micro-benchmarks of kit::cache: a WeakCache hit (one thread and contended), a miss that loads
// and lets go, and a FileCache hit (one stat plus a lookup), as kit serve's static files see it.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "kit/cache.hpp"
#include "kit/cache/file_cache.hpp"

namespace {

using Cache = kit::cache::WeakCache<std::string, std::string>;

void BM_WeakCacheHit(benchmark::State& state) {
  static Cache* cache = nullptr;
  static std::shared_ptr<std::string> held;
  if (state.thread_index() == 0) {
    cache = new Cache();
    held = *cache->get_or_load("hero.png", [] { return std::string(10240, 'x'); });
  }
  const std::string key = "hero.png";
  for (auto _ : state) {
    auto p = cache->get_or_load(key, [] { return std::string(); });
    benchmark::DoNotOptimize(p->get());
  }
  if (state.thread_index() == 0) {
    held.reset();
    delete cache;
  }
}
BENCHMARK(BM_WeakCacheHit)->ThreadRange(1, 2)->UseRealTime();

// Every lookup a miss: the value dies with its only holder, on_evict runs, the entry goes.
void BM_WeakCacheMissLoadRelease(benchmark::State& state) {
  Cache::Options options;
  std::size_t evicted = 0;
  options.on_evict = [&](const std::string&, const std::string&) { ++evicted; };
  Cache cache(std::move(options));
  for (auto _ : state) {
    auto p = cache.get_or_load("k", [] { return std::string(64, 'x'); });
    benchmark::DoNotOptimize(p->get());
  }
  benchmark::DoNotOptimize(evicted);
}
BENCHMARK(BM_WeakCacheMissLoadRelease);

// A value kept by the LRU tier, no holder: a hit moves it to the front.
void BM_WeakCacheLruHit(benchmark::State& state) {
  Cache::Options options;
  options.lru_bytes = 1 << 20;
  Cache cache(std::move(options));
  for (int i = 0; i < 64; ++i) {
    auto p = cache.get_or_load(std::to_string(i), [] { return std::string(1024, 'x'); });
    benchmark::DoNotOptimize(p);
  }
  int i = 0;
  for (auto _ : state) {
    auto p = cache.get_or_load(std::to_string(i++ & 63), [] { return std::string(); });
    benchmark::DoNotOptimize(p->get());
  }
}
BENCHMARK(BM_WeakCacheLruHit);

void BM_FileCacheHit(benchmark::State& state) {
  const std::string path = "/tmp/kit-cache-bench-" + std::to_string(::getpid()) + ".css";
  std::ofstream(path) << std::string(4096, 's');
  kit::cache::FileCache files;
  for (auto _ : state) {
    auto h = files.open(path);
    benchmark::DoNotOptimize(h->bytes.get());
  }
  std::remove(path.c_str());
}
BENCHMARK(BM_FileCacheHit);

}  // namespace
