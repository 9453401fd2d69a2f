// kit/core/parallel.hpp — many independent pieces of work across threads, their results
// handed back in order (so output stays what a sequential run prints).
//
// Example:
//   kit::core::for_each_ordered(files.size(), kit::core::hardware_jobs(),
//       [&](std::size_t i) { return hash(files[i]); },          // on worker threads
//       [&](std::size_t i, Digest d) { print(files[i], d); });   // on this thread, in order
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace kit::core {

// hardware_jobs(): the number of cores this process may use (at least 1).
[[nodiscard]] unsigned hardware_jobs();

// for_each_ordered(count, jobs, work, emit): work(i) for every i < count on up to `jobs`
// threads; emit(i, result) on the calling thread for i = 0, 1, … as each becomes ready.
// Workers stay at most 4 * jobs items ahead of emit, so results never pile up in memory.
// With jobs <= 1 everything runs on the calling thread, one item at a time.
template <class Work, class Emit>
void for_each_ordered(std::size_t count, unsigned jobs, Work work, Emit emit) {
  using R = std::invoke_result_t<Work&, std::size_t>;
  if (jobs <= 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) emit(i, work(i));
    return;
  }
  std::vector<std::optional<R>> results(count);
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  std::size_t emitted = 0;  // guarded by mutex
  const std::size_t window = 4 * static_cast<std::size_t>(jobs);
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < count;) {
      {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return i < emitted + window; });
      }
      R r = work(i);
      std::lock_guard lock(mutex);
      results[i].emplace(std::move(r));
      ready.notify_all();
    }
  };
  std::vector<std::thread> threads;
  const unsigned n = static_cast<unsigned>(std::min<std::size_t>(jobs, count));
  for (unsigned t = 0; t < n; ++t) threads.emplace_back(worker);
  for (std::size_t i = 0; i < count; ++i) {
    std::optional<R> r;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return results[i].has_value(); });
      r = std::move(results[i]);
      results[i].reset();
      emitted = i + 1;
    }
    ready.notify_all();
    emit(i, std::move(*r));
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace kit::core
