#include "kit/sched.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace sc = kit::sched;
using namespace std::chrono_literals;

TEST(PriorityQueue, FifoAmongEqualsAndBothOrders) {
  sc::PriorityQueue<std::string> q;
  q.push("b", 2);
  q.push("a1", 1);
  q.push("a2", 1);
  q.push("c", 3);
  q.push("a3", 1);
  std::vector<std::string> got;
  while (auto item = q.pop()) got.push_back(item->value);
  EXPECT_EQ(got, (std::vector<std::string>{"a1", "a2", "a3", "b", "c"}));
  sc::PriorityQueue<int> max(sc::Order::max);
  for (int v : {3, 9, 1, 9}) max.push(v, v);
  EXPECT_EQ(max.pop()->handle, 1u);  // the first 9
  EXPECT_EQ(max.pop()->handle, 3u);
  EXPECT_EQ(max.pop()->value, 3);
}

TEST(PriorityQueue, UpdateAndRemoveAgainstABruteForce) {
  std::mt19937 rng(3);
  sc::PriorityQueue<int> q;
  std::map<std::uint64_t, std::int64_t> model;  // handle -> priority
  for (int step = 0; step < 20000; ++step) {
    const auto op = static_cast<unsigned>(rng() % 10);
    if (op < 4 || model.empty()) {
      const auto p = static_cast<std::int64_t>(rng() % 50);
      model[q.push(step, p)] = p;
    } else if (op < 6) {
      auto it = std::next(model.begin(), static_cast<long>(rng() % model.size()));
      const auto p = static_cast<std::int64_t>(rng() % 50);
      ASSERT_TRUE(q.update(it->first, p));
      it->second = p;
    } else if (op < 7) {
      auto it = std::next(model.begin(), static_cast<long>(rng() % model.size()));
      auto removed = q.remove(it->first);
      ASSERT_TRUE(removed);
      EXPECT_EQ(removed->handle, it->first);
      model.erase(it);
      EXPECT_FALSE(q.remove(removed->handle));
      EXPECT_FALSE(q.update(removed->handle, 1));
    } else {
      auto best = std::min_element(model.begin(), model.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second < b.second : a.first < b.first;
      });
      auto popped = q.pop();
      ASSERT_TRUE(popped);
      ASSERT_EQ(popped->handle, best->first);
      ASSERT_EQ(popped->priority, best->second);
      model.erase(best);
    }
    ASSERT_EQ(q.size(), model.size());
  }
}

// Enough handles come and go for the index to drop its front: old handles stay unknown, live
// ones keep working (update, remove), against a std::set of (priority, handle).
TEST(PriorityQueue, ManyHandlesThroughTheIndex) {
  sc::PriorityQueue<int> q;
  std::set<std::pair<std::int64_t, std::uint64_t>> model;
  std::map<std::uint64_t, std::int64_t> priority_of;
  std::mt19937 rng(9);
  auto push = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const auto p = static_cast<std::int64_t>(rng() % 50);
      const auto h = q.push(i, p);
      model.emplace(p, h);
      priority_of[h] = p;
    }
  };
  push(20000);
  for (int i = 0; i < 15000; ++i) {
    auto item = q.pop();
    ASSERT_TRUE(item);
    ASSERT_EQ(std::pair(item->priority, item->handle), *model.begin());
    model.erase(model.begin());
  }
  for (std::uint64_t h = 0; h < 20000; h += 7) {  // live ones re-ranked, left ones refused
    const bool live = model.erase({priority_of[h], h}) == 1;
    EXPECT_EQ(q.contains(h), live);
    ASSERT_EQ(q.update(h, 1000 + static_cast<std::int64_t>(h)), live) << h;
    if (live) model.emplace(priority_of[h] = 1000 + static_cast<std::int64_t>(h), h);
  }
  for (std::uint64_t h = 1; h < 20000; h += 11) {
    const bool live = model.erase({priority_of[h], h}) == 1;
    ASSERT_EQ(q.remove(h).has_value(), live) << h;
  }
  push(5000);
  EXPECT_FALSE(q.contains(25000));  // not handed out yet
  ASSERT_EQ(q.size(), model.size());
  while (auto item = q.pop()) {
    ASSERT_EQ(std::pair(item->priority, item->handle), *model.begin());
    model.erase(model.begin());
  }
  EXPECT_TRUE(model.empty());
}

TEST(TopN, LikeHeapq) {
  const std::vector<int> xs{5, 1, 9, 3, 9, 7, 1, 8};
  EXPECT_EQ(sc::nsmallest(3, xs), (std::vector<int>{1, 1, 3}));
  EXPECT_EQ(sc::nlargest(3, xs), (std::vector<int>{9, 9, 8}));
  EXPECT_EQ(sc::nlargest(0, xs), std::vector<int>{});
  EXPECT_EQ(sc::nsmallest(100, xs).size(), xs.size());
  // Ties keep input order (heapq.nsmallest is stable): compare on the first letter only.
  const std::vector<std::string> words{"bx", "a1", "by", "a2", "a3"};
  auto first = [](const std::string& a, const std::string& b) { return a[0] < b[0]; };
  EXPECT_EQ(sc::nsmallest(2, words, first), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(sc::nlargest(2, words, first), (std::vector<std::string>{"bx", "by"}));
}

TEST(Merge, SortedSourcesLazilyAndStable) {
  std::vector<std::vector<int>> inputs{{1, 4, 9}, {}, {2, 4, 4, 10}, {0}};
  std::vector<sc::Merger<std::pair<int, int>>::Source> sources;
  for (std::size_t s = 0; s < inputs.size(); ++s)
    sources.push_back([&, s, i = std::size_t{0}](std::pair<int, int>& out) mutable {
      if (i == inputs[s].size()) return false;
      out = {inputs[s][i++], static_cast<int>(s)};
      return true;
    });
  sc::Merger<std::pair<int, int>,
             std::function<bool(const std::pair<int, int>&, const std::pair<int, int>&)>>
      merged(std::move(sources), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<int, int>> got;
  for (std::pair<int, int> x; merged.next(x);) got.push_back(x);
  EXPECT_EQ(got, (std::vector<std::pair<int, int>>{
                     {0, 3}, {1, 0}, {2, 2}, {4, 0}, {4, 2}, {4, 2}, {9, 0}, {10, 2}}));
}

TEST(Lines, CompareBytesIsMemcmpOrder) {
  // Eight bytes at a time, then one: high bytes are unsigned, a prefix sorts first.
  std::mt19937 rng(5);
  const std::string alphabet{'a', 'b', '\x7f', '\x80', '\xff', '\0'};
  auto word = [&] {
    std::string w;
    for (std::size_t n = rng() % 20; n > 0; --n) w += alphabet[rng() % alphabet.size()];
    return w;
  };
  for (int i = 0; i < 20000; ++i) {
    const std::string a = word(), b = i % 3 == 0 ? a + word() : word();
    const int want = a.compare(b);  // char_traits<char>::compare: memcmp, unsigned
    ASSERT_EQ(sc::detail::compare_bytes(a, b), (want > 0) - (want < 0)) << i;
    ASSERT_EQ(sc::detail::compare_bytes(b, a), (want < 0) - (want > 0)) << i;
    ASSERT_EQ(sc::LineOrder{}.compare(a, b), (want > 0) - (want < 0)) << i;  // the whole line
  }
}

// Any number of sources (0 to 12, some empty), many ties: a stable sort of everything in
// source order is the answer. Each source yields views into one string it overwrites, which
// the merge allows (a source moves on only at the next call).
TEST(Merge, RandomSourcesAgainstAStableSort) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    const std::size_t k = rng() % 13;
    std::vector<std::vector<std::string>> inputs(k);
    std::vector<std::pair<std::string, std::size_t>> all;
    for (std::size_t s = 0; s < k; ++s) {
      for (std::size_t n = rng() % 30; n > 0; --n)
        inputs[s].push_back(std::string(1 + rng() % 3, static_cast<char>('a' + rng() % 4)));
      std::sort(inputs[s].begin(), inputs[s].end());
      for (const auto& x : inputs[s]) all.emplace_back(x, s);
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> slots(k);
    using Item = std::pair<std::string_view, std::size_t>;
    std::vector<sc::Merger<Item>::Source> sources;
    for (std::size_t s = 0; s < k; ++s)
      sources.push_back([&, s, i = std::size_t{0}](Item& out) mutable {
        if (i == inputs[s].size()) return false;
        slots[s] = inputs[s][i++];  // the one buffer of this source, overwritten
        out = {slots[s], s};
        return true;
      });
    auto by_text = [](const Item& a, const Item& b) { return a.first < b.first; };
    sc::Merger<Item, decltype(by_text)> merged(std::move(sources), by_text);
    std::vector<std::pair<std::string, std::size_t>> got;
    for (Item x; merged.next(x);) got.emplace_back(std::string(x.first), x.second);
    ASSERT_EQ(got, all) << "round " << round;
    Item none;
    EXPECT_FALSE(merged.next(none));  // and stays done
  }
}

TEST(Aging, TheTutorialsFourJobs) {
  kit::core::ManualClock clock;
  sc::AgingScheduler s({.interval = 5s, .boost = 1}, clock);
  for (std::int64_t p : {5, 1, 3, 7}) s.submit(p);
  std::vector<std::pair<std::uint64_t, std::int64_t>> order;
  while (auto job = s.pop()) order.emplace_back(job->id, job->effective);
  EXPECT_EQ(order,
            (std::vector<std::pair<std::uint64_t, std::int64_t>>{{1, 1}, {2, 3}, {0, 5}, {3, 7}}));
}

// Against the rule applied to every queued job (the tutorial's O(n) way), on random
// submissions, clock steps (often across interval edges and phases), pops and cancels.
TEST(Aging, MatchesTheRuleOnRandomSequences) {
  // Seeds from 40 on: priorities up to 10,000 (jobs stay in the treap long, zeros are rare)
  // and now and then a jump of many intervals (many jobs reach 0 at once).
  for (std::uint32_t seed = 0; seed < 80; ++seed) {
    std::mt19937 rng(seed);
    kit::core::ManualClock clock;
    clock.advance(std::chrono::nanoseconds(static_cast<std::int64_t>(rng() % 1000) * 1000000));
    const auto interval = std::chrono::milliseconds(1 + rng() % 50);
    const std::int64_t boost = rng() % 4;
    const std::uint32_t priorities = seed < 40 ? 20 : 10000;
    sc::AgingScheduler s({.interval = interval, .boost = boost}, clock);
    struct Queued {
      std::int64_t priority;
      std::chrono::nanoseconds at;
    };
    std::map<std::uint64_t, Queued> model;
    for (int step = 0; step < 3000; ++step) {
      const auto op = static_cast<unsigned>(rng() % 10);
      if (op < 4) {
        const std::int64_t p = static_cast<std::int64_t>(rng() % priorities);
        model[s.submit(p)] = {p, clock.now()};
      } else if (op < 7) {
        clock.advance(std::chrono::microseconds(rng() % 20000));
        if (seed >= 40 && rng() % 50 == 0) clock.advance(interval * (rng() % 3000));
      } else if (op < 8 && !model.empty()) {
        auto it = std::next(model.begin(), static_cast<long>(rng() % model.size()));
        ASSERT_TRUE(s.cancel(it->first));
        ASSERT_FALSE(s.cancel(it->first));
        model.erase(it);
      } else {
        std::optional<std::pair<std::int64_t, std::uint64_t>> best;
        for (const auto& [id, q] : model) {
          const std::pair<std::int64_t, std::uint64_t> e{s.effective(q.priority, q.at, clock.now()),
                                                         id};
          if (!best || e < *best) best = e;
        }
        auto job = s.pop();
        ASSERT_EQ(job.has_value(), best.has_value());
        if (job) {
          ASSERT_EQ(job->id, best->second) << "seed " << seed << " step " << step;
          ASSERT_EQ(job->effective, best->first);
          model.erase(job->id);
        }
      }
      ASSERT_EQ(s.size(), model.size());
    }
  }
}

// Tens of thousands of ids come and go: the index from id to node drops its gone front, and
// what remains still finds its jobs (boost 0: the order is (priority, id), a std::set's).
TEST(Aging, ManyJobsThroughTheIndex) {
  kit::core::ManualClock clock;
  sc::AgingScheduler s({.interval = 5s, .boost = 0}, clock);
  std::set<std::pair<std::int64_t, std::uint64_t>> model;
  std::map<std::uint64_t, std::int64_t> priority_of;
  std::mt19937 rng(3);
  auto submit = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const std::int64_t p = static_cast<std::int64_t>(rng() % 7);  // 0: at 0 from the start
      const auto id = s.submit(p);
      model.emplace(p, id);
      priority_of[id] = p;
    }
  };
  auto pop = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      auto job = s.pop();
      ASSERT_TRUE(job);
      ASSERT_EQ(std::pair(job->effective, job->id), *model.begin());
      model.erase(model.begin());
    }
  };
  submit(50000);
  pop(30000);
  // Every id below 10,000 and every third above: the queued ones cancel, the popped do not.
  for (std::uint64_t id = 0; id < 50000; id += id < 10000 ? 1 : 3) {
    const bool queued = model.erase({priority_of[id], id}) == 1;
    ASSERT_EQ(s.cancel(id), queued) << id;
  }
  submit(25000);
  ASSERT_EQ(s.size(), model.size());
  pop(model.size());
  EXPECT_FALSE(s.pop());
  EXPECT_FALSE(s.cancel(0));
  EXPECT_FALSE(s.cancel(74999));
  EXPECT_FALSE(s.cancel(75000));  // never submitted
}

// Extreme boosts, intervals and priorities: the keys would pass 64 bits.
TEST(Aging, NoOverflowAtTheExtremes) {
  kit::core::ManualClock clock;
  sc::AgingScheduler fast({.interval = 1ns, .boost = 1'000'000'000'000}, clock);
  fast.submit(5);
  clock.advance(10ms);
  fast.submit(3);
  auto first = fast.pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, 0u);  // waited 10^7 intervals: at 0
  EXPECT_EQ(first->effective, 0);
  EXPECT_EQ(fast.pop()->effective, 3);
  kit::core::ManualClock late;
  late.advance(std::chrono::nanoseconds(9'000'000'000'000'000'000));
  sc::AgingScheduler big({.interval = 1us, .boost = 1}, late);
  big.submit(9'223'372'036'854'775'800);
  big.submit(5);
  EXPECT_EQ(big.pop()->id, 1u);
  EXPECT_EQ(big.pop()->effective, 9'223'372'036'854'775'800);
}

// The injected clock ages jobs: no sleeping, exact at the interval's edge.
TEST(Aging, AgesOnTheInjectedClock) {
  kit::core::ManualClock clock;
  sc::AgingScheduler s({.interval = 5s, .boost = 1}, clock);
  const auto old = s.submit(3);
  clock.advance(10s);
  const auto fresh = s.submit(2);
  EXPECT_EQ(s.peek()->id, old);  // 3 − 2 intervals = 1, before 2
  EXPECT_EQ(s.peek()->effective, 1);
  clock.advance(4999ms);
  EXPECT_EQ(s.peek()->effective, 1);  // 14.999 s: still 2 intervals
  clock.advance(1ms);
  EXPECT_EQ(s.pop()->effective, 0);  // 15 s: 3 intervals
  EXPECT_EQ(s.now(), 15s);
  auto next = s.pop();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, fresh);
  EXPECT_EQ(next->effective, 1);  // waited 5 s
}

// pop_at and peek_at take "now" from the caller (the job store's wall time), not the clock.
TEST(Aging, PopAtAGivenTime) {
  kit::core::ManualClock clock;  // stays at 0
  sc::AgingScheduler s({.interval = 1s, .boost = 2}, clock);
  const auto a = s.submit_at(9, 100s);
  const auto b = s.submit_at(4, 102s);
  EXPECT_EQ(s.peek_at(102s)->id, b);  // a: 9 − 2·2 = 5; b: 4
  EXPECT_EQ(s.peek_at(102s)->effective, 4);
  auto first = s.pop_at(103s);  // a: 9 − 2·3 = 3; b: 4 − 2 = 2
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, b);
  EXPECT_EQ(first->effective, 2);
  EXPECT_EQ(first->submitted, 102s);
  auto second = s.pop_at(110s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, a);
  EXPECT_EQ(second->effective, 0);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_FALSE(s.pop_at(111s));
}
