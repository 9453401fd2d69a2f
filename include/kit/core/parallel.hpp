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
// Workers stay a bounded number of items ahead of emit, so results never pile up in memory.
// With jobs <= 1 everything runs on the calling thread, one item at a time.
template <class Work, class Emit>
void for_each_ordered(std::size_t count, unsigned jobs, Work work, Emit emit) {
  using R = std::invoke_result_t<Work&, std::size_t>;
  if (jobs <= 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) emit(i, work(i));
    return;
  }
  // Items go in batches (a few hundred a run at most), published and waited for a batch at a
  // time: with thousands of small items, per-item wake-ups would cost more than the work.
  const std::size_t batch = std::max<std::size_t>(1, count / (64 * static_cast<std::size_t>(jobs)));
  const std::size_t batches = (count + batch - 1) / batch;
  std::vector<std::optional<R>> results(count);
  std::vector<char> done(batches, 0);
  std::mutex mutex;
  std::condition_variable result_ready, room;
  bool emitter_waiting = false;
  std::size_t workers_waiting = 0;
  std::size_t emitted = 0;  // the next batch to emit
  std::atomic<std::size_t> next{0};
  const std::size_t window = 4 * static_cast<std::size_t>(jobs);
  auto worker = [&] {
    for (std::size_t b; (b = next.fetch_add(1)) < batches;) {
      {
        std::unique_lock lock(mutex);
        while (b >= emitted + window) {
          ++workers_waiting;
          room.wait(lock);
          --workers_waiting;
        }
      }
      for (std::size_t i = b * batch; i < std::min(count, (b + 1) * batch); ++i)
        results[i].emplace(work(i));  // each slot has one writer; the mutex publishes them
      std::lock_guard lock(mutex);
      done[b] = 1;
      if (emitter_waiting && b == emitted) result_ready.notify_one();
    }
  };
  std::vector<std::thread> threads;
  const unsigned n = static_cast<unsigned>(std::min<std::size_t>(jobs, batches));
  for (unsigned t = 0; t < n; ++t) threads.emplace_back(worker);
  for (std::size_t b = 0; b < batches; ++b) {
    {
      std::unique_lock lock(mutex);
      while (done[b] == 0) {
        emitter_waiting = true;
        result_ready.wait(lock);
        emitter_waiting = false;
      }
    }
    for (std::size_t i = b * batch; i < std::min(count, (b + 1) * batch); ++i) {
      emit(i, std::move(*results[i]));
      results[i].reset();
    }
    std::lock_guard lock(mutex);
    emitted = b + 1;
    if (workers_waiting != 0) room.notify_all();
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace kit::core
