// kit/sched/queue.hpp — priority queues: an indexed heap, top-N, and the tutorial's aging
// scheduler.
//
// What the standard library lacks around its heap algorithms: a PriorityQueue whose equal
// priorities leave in arrival order (the tutorial's counter) and whose items can be re-ranked
// or removed in O(log n); nsmallest/nlargest with a bounded heap; and AgingScheduler, the
// tutorial's "Job Scheduler with Aging" at O(log n) per submit and pop, on an injected clock.
//
// Example:
//   kit::sched::PriorityQueue<std::string> q;                  // lowest priority first
//   auto fix = q.push("Fix login page crash", 1);
//   q.push("Archive old logs", 7);
//   q.update(fix, 9);                                           // now it waits
//   q.pop()->value;                                             // "Archive old logs"
//
//   kit::core::ManualClock clock;
//   kit::sched::AgingScheduler jobs({.interval = std::chrono::seconds(5), .boost = 1}, clock);
//   jobs.submit(5);  jobs.submit(1);  jobs.submit(3);  jobs.submit(7);   // ids 0..3
//   jobs.pop()->id;                                             // 1 (priority 1)
//   clock.advance(std::chrono::seconds(20));                    // four intervals waited
//   jobs.pop()->id;                                             // 2 (3 − 4: at 0)
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "kit/core/buffer.hpp"
#include "kit/core/clock.hpp"

namespace kit::sched {

// ---- Ids in order (internal) ---------------------------------------------------------------

// IdIndex<V>: a value for each id handed out in order (0, 1, 2 …), `gone` once the id has left.
// The gone ids at the front are dropped, so memory follows the ids still in use rather than
// every id ever issued (a queue that runs for months pushes billions).
namespace detail {

template <class V>
class IdIndex {
 public:
  explicit IdIndex(V gone) : gone_(gone) {}
  // add(v): the next id, holding v.
  std::uint64_t add(V v) {
    values_.push_back(v);
    return next_++;
  }
  [[nodiscard]] std::uint64_t next() const { return next_; }
  // operator[](id): its value; `gone` for an id that left or was never handed out.
  [[nodiscard]] V operator[](std::uint64_t id) const {
    return id < base_ + head_ || id >= next_ ? gone_ : values_[id - base_];
  }
  // set(id, v): for an id still there.
  void set(std::uint64_t id, V v) {
    values_[id - base_] = v;
    if (v != gone_) return;
    while (head_ < values_.size() && values_[head_] == gone_) ++head_;
    if (head_ >= 4096 && head_ * 2 >= values_.size()) {  // drop the gone front
      std::copy(values_.begin() + head_, values_.end(), values_.begin());
      values_.resize(values_.size() - head_);
      base_ += head_;
      head_ = 0;
    }
  }

 private:
  core::PodVector<V> values_;  // by id − base_
  V gone_;
  std::uint64_t base_ = 0;  // ids below it have left
  std::size_t head_ = 0;    // values_[0, head_) have left too
  std::uint64_t next_ = 0;
};

}  // namespace detail

// ---- PriorityQueue --------------------------------------------------------------------------

enum class Order : std::uint8_t { min, max };  // which priority leaves first

// PriorityQueue<T, P>: an indexed 4-ary heap (half the levels of a binary one, and a node's
// children share a cache line or two). Equal priorities leave first in, first out. push
// returns a handle that stays valid until its item leaves; update and remove take it.
template <class T, class Priority = std::int64_t>
class PriorityQueue {
 public:
  using Handle = std::uint64_t;
  struct Item {
    T value;
    Priority priority;
    Handle handle;
  };

  explicit PriorityQueue(Order order = Order::min) : order_(order) {}

  [[nodiscard]] std::size_t size() const { return heap_.size(); }
  [[nodiscard]] bool empty() const { return heap_.empty(); }

  Handle push(T value, Priority priority) {
    const Handle h = where_.add(heap_.size());
    heap_.push_back({std::move(value), priority, h});
    Item item = std::move(heap_.back());  // the new slot is a hole up() fills
    up(heap_.size() - 1, std::move(item));
    return h;
  }
  // top(): the next to leave, without taking it.
  [[nodiscard]] const Item* top() const { return heap_.empty() ? nullptr : &heap_[0]; }
  std::optional<Item> pop() {
    if (heap_.empty()) return std::nullopt;
    return take(0);
  }
  // contains(h): whether the item is still queued.
  [[nodiscard]] bool contains(Handle h) const { return where_[h] != npos; }
  // update(h, priority): re-ranks a queued item (keeping its place among equals: it entered
  // when it was pushed). False when it is no longer queued.
  bool update(Handle h, Priority priority) {
    if (!contains(h)) return false;
    const std::size_t i = where_[h];
    Item item = std::move(heap_[i]);
    item.priority = priority;
    settle(i, std::move(item));
    return true;
  }
  // remove(h): the item taken out wherever it is; nullopt when it is no longer queued.
  std::optional<Item> remove(Handle h) {
    if (!contains(h)) return std::nullopt;
    return take(where_[h]);
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t arity = 4;
  // Large heaps of plain items live in huge pages (core::PodVector); others in a std::vector.
  template <class U>
  using Storage =
      std::conditional_t<std::is_trivially_copyable_v<U>, core::PodVector<U>, std::vector<U>>;

  // before(a, b): a leaves first: better priority, or equal and pushed earlier.
  bool before(const Item& a, const Item& b) const {
    if (a.priority != b.priority)
      return order_ == Order::min ? a.priority < b.priority : b.priority < a.priority;
    return a.handle < b.handle;
  }
  // put(i, item): item into slot i, its handle told.
  void put(std::size_t i, Item&& item) {
    where_.set(item.handle, i);
    heap_[i] = std::move(item);
  }
  // up(i, item) / down(i, item): item placed from the hole at i, parents (children) that should
  // follow (precede) it moved into the hole one level at a time; returns its final slot.
  std::size_t up(std::size_t i, Item&& item) {
    while (i > 0) {
      const std::size_t parent = (i - 1) / arity;
      if (!before(item, heap_[parent])) break;
      put(i, std::move(heap_[parent]));
      i = parent;
    }
    put(i, std::move(item));
    return i;
  }
  void down(std::size_t i, Item&& item) {
    const std::size_t n = heap_.size();
    while (true) {
      const std::size_t first = arity * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      for (std::size_t c = first + 1; c < std::min(first + arity, n); ++c)
        if (before(heap_[c], heap_[best])) best = c;
      if (!before(heap_[best], item)) break;
      put(i, std::move(heap_[best]));
      i = best;
    }
    put(i, std::move(item));
  }
  // settle(i, item): item into the hole at i, up or down as its priority says.
  void settle(std::size_t i, Item&& item) {
    if (i > 0 && before(item, heap_[(i - 1) / arity]))
      up(i, std::move(item));
    else
      down(i, std::move(item));
  }
  Item take(std::size_t i) {
    Item out = std::move(heap_[i]);
    where_.set(out.handle, npos);
    Item last = std::move(heap_.back());
    heap_.pop_back();
    if (i != heap_.size()) settle(i, std::move(last));
    return out;
  }

  Order order_;
  Storage<Item> heap_;
  detail::IdIndex<std::size_t> where_{npos};  // handle -> index in heap_, npos once it left
};

// ---- Top-N ----------------------------------------------------------------------------------

// TopN<T, Less>: the n smallest of what it is offered, in a bounded heap (O(log n) an offer,
// O(1) to turn down what cannot make it). Ties keep the order they were offered in.
template <class T, class Less = std::less<>>
class TopN {
 public:
  explicit TopN(std::size_t n, Less less = {}) : n_(n), less_(less) {}
  // offer(x): keeps x when it is among the n smallest so far.
  void offer(const T& x) {
    if (n_ == 0) return;
    if (heap_.size() < n_) {
      heap_.emplace_back(x, seen_++);
      std::push_heap(heap_.begin(), heap_.end(), order());
    } else if (less_(x, heap_.front().first)) {
      std::pop_heap(heap_.begin(), heap_.end(), order());
      heap_.back() = Entry(x, seen_++);
      std::push_heap(heap_.begin(), heap_.end(), order());
    } else {
      ++seen_;
    }
  }
  // worst(): the largest kept (what a newcomer must beat once n are kept), or null.
  [[nodiscard]] const T* worst() const {
    return heap_.size() < n_ || heap_.empty() ? nullptr : &heap_.front().first;
  }
  // take(): the kept elements, smallest first.
  std::vector<T> take() {
    std::sort(heap_.begin(), heap_.end(),
              [&](const Entry& a, const Entry& b) { return worse(b, a); });
    std::vector<T> out;
    out.reserve(heap_.size());
    for (auto& e : heap_) out.push_back(std::move(e.first));
    heap_.clear();
    return out;
  }

 private:
  using Entry = std::pair<T, std::size_t>;  // the value, and when it was offered
  bool worse(const Entry& a, const Entry& b) const {
    if (less_(a.first, b.first)) return false;
    if (less_(b.first, a.first)) return true;
    return a.second > b.second;  // a tie offered later is worse
  }
  auto order() const {
    return [this](const Entry& a, const Entry& b) { return worse(b, a); };  // the worst on top
  }
  std::size_t n_;
  Less less_;
  std::vector<Entry> heap_;
  std::size_t seen_ = 0;
};

// nsmallest(n, range, less): the n smallest elements, smallest first, ties in input order
// (heapq.nsmallest), in O(N log n) with a bounded heap of n.
template <class Range, class Less = std::less<>>
auto nsmallest(std::size_t n, const Range& range, Less less = {}) {
  using T = std::decay_t<decltype(*std::begin(range))>;
  TopN<T, Less> top(n, less);
  for (const auto& x : range) top.offer(x);
  return top.take();
}

// nlargest(n, range, less): the n largest, largest first, ties in input order (heapq.nlargest).
template <class Range, class Less = std::less<>>
auto nlargest(std::size_t n, const Range& range, Less less = {}) {
  return nsmallest(n, range, [&](const auto& a, const auto& b) { return less(b, a); });
}

// ---- Aging scheduler ------------------------------------------------------------------------

struct AgingOptions {
  std::chrono::nanoseconds interval = std::chrono::seconds(5);  // waiting this long ...
  std::int64_t boost = 1;                                       // ... lowers the number this much
};

// effective_priority(priority, waited, options): the tutorial's rule for one job,
// max(0, priority − boost × floor(waited / interval)).
[[nodiscard]] std::int64_t effective_priority(std::int64_t priority,
                                              std::chrono::nanoseconds waited,
                                              const AgingOptions& options);

// AgingScheduler: the tutorial's rule exactly — effective priority = max(0, priority − boost ×
// floor(wait / interval)), lower runs first, ties in submission order — in O(log n) per submit,
// pop and cancel (the tutorial re-heapifies everything on every pop).
//
// Why it can: with now = N·I + ρ and a job submitted at t = T·I + φ (0 <= ρ, φ < I),
// floor((now − t) / I) = N − T − [ρ < φ]. So effective = key − boost·N + boost·[φ > ρ] with
// key = priority + boost·T fixed at submit: jobs ordered by phase φ split at ρ into two runs,
// each ranked by key alone. A treap keyed on (φ, id) keeps the best (key, id) of every subtree,
// which answers both runs in O(log n). A job that reaches 0 stays at 0 (time only grows): it
// moves, once, to a FIFO of zeros that runs before everything else.
class AgingScheduler {
 public:
  using Id = std::uint64_t;
  struct Job {
    Id id;
    std::int64_t priority;   // as submitted
    std::int64_t effective;  // when popped
    std::chrono::nanoseconds submitted;
  };

  // AgingScheduler(options, clock): "now" is clock.now() (monotonic); a caller on another time
  // scale (the job store's wall time) passes times to submit_at, pop_at and peek_at instead.
  explicit AgingScheduler(AgingOptions options = {}, core::Clock& clock = core::steady_clock());
  ~AgingScheduler();
  AgingScheduler(AgingScheduler&&) noexcept;
  AgingScheduler& operator=(AgingScheduler&&) noexcept;

  // submit(priority): the job's id (0, 1, 2 … in submission order). submit_at(priority, when)
  // restores a job submitted earlier (the durable runner reloads its queue): ids stay ordered
  // by submission as long as restored jobs come in that order.
  Id submit(std::int64_t priority);
  Id submit_at(std::int64_t priority, std::chrono::nanoseconds when);
  // pop(): the job that runs next, with its effective priority now; nullopt when empty.
  // pop_at(now): the same at a given time (never earlier than a time asked before).
  std::optional<Job> pop();
  std::optional<Job> pop_at(std::chrono::nanoseconds now);
  // peek() / peek_at(now): the same, left queued.
  [[nodiscard]] std::optional<Job> peek();
  [[nodiscard]] std::optional<Job> peek_at(std::chrono::nanoseconds now);
  // cancel(id): removes a queued job; false when it is not queued.
  bool cancel(Id id);
  // effective(priority, submitted, now): the rule, for one job.
  [[nodiscard]] std::int64_t effective(std::int64_t priority, std::chrono::nanoseconds submitted,
                                       std::chrono::nanoseconds now) const;
  [[nodiscard]] std::chrono::nanoseconds now() const;
  [[nodiscard]] std::size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kit::sched
