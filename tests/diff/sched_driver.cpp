// Drives kit::sched from a script on stdin, for tests/diff/sched_vs_python.py: the same
// operations run through CPython's heapq and the tutorial's JobScheduler must print the same.
//
//   aging INTERVAL_NS BOOST   a new AgingScheduler on a manual clock at 0
//   submit PRIORITY           -> "id"
//   advance NS                the clock moves on
//   pop                       -> "id effective" or "empty"
//   cancel ID                 -> "1" or "0"
//   pq min|max                a new PriorityQueue<int64>
//   push VALUE PRIORITY       -> "handle"
//   update HANDLE PRIORITY    -> "1" or "0"
//   remove HANDLE             -> "value priority" or "none"
//   pq_pop                    -> "value priority" or "empty"
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "kit/sched.hpp"

namespace {

// Words of a line, numbers read with from_chars: the driver's own cost stays small beside the
// scheduler's in bench/compare/sched.sh.
struct Words {
  std::string_view rest;
  std::string_view next() {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const std::size_t end = std::min(rest.find(' '), rest.size());
    const std::string_view word = rest.substr(0, end);
    rest.remove_prefix(end);
    return word;
  }
  template <class T>
  T number() {
    const std::string_view w = next();
    T v{};
    std::from_chars(w.data(), w.data() + w.size(), v);
    return v;
  }
};

template <class T>
void put(std::string& out, T v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

}  // namespace

int main() {
  namespace sc = kit::sched;
  std::chrono::nanoseconds now{0};
  std::unique_ptr<sc::AgingScheduler> aging;
  std::unique_ptr<sc::PriorityQueue<std::int64_t>> pq;
  std::string line, out;
  std::ios::sync_with_stdio(false);
  while (std::getline(std::cin, line)) {
    Words in{line};
    const std::string_view op = in.next();
    if (op == "aging") {
      const auto interval = in.number<std::int64_t>();
      const auto boost = in.number<std::int64_t>();
      now = std::chrono::nanoseconds(0);
      aging = std::make_unique<sc::AgingScheduler>(
          sc::AgingOptions{std::chrono::nanoseconds(interval), boost, [&] { return now; }});
    } else if (op == "submit") {
      put(out, aging->submit(in.number<std::int64_t>()));
      out += '\n';
    } else if (op == "advance") {
      now += std::chrono::nanoseconds(in.number<std::int64_t>());
    } else if (op == "pop") {
      if (auto job = aging->pop()) {
        put(out, job->id);
        out += ' ';
        put(out, job->effective);
        out += '\n';
      } else {
        out += "empty\n";
      }
    } else if (op == "cancel") {
      out += aging->cancel(in.number<std::uint64_t>()) ? "1\n" : "0\n";
    } else if (op == "pq") {
      pq = std::make_unique<sc::PriorityQueue<std::int64_t>>(in.next() == "max" ? sc::Order::max
                                                                                : sc::Order::min);
    } else if (op == "push") {
      const auto v = in.number<std::int64_t>();
      put(out, pq->push(v, in.number<std::int64_t>()));
      out += '\n';
    } else if (op == "update") {
      const auto h = in.number<std::uint64_t>();
      out += pq->update(h, in.number<std::int64_t>()) ? "1\n" : "0\n";
    } else if (op == "remove") {
      if (auto item = pq->remove(in.number<std::uint64_t>())) {
        put(out, item->value);
        out += ' ';
        put(out, item->priority);
        out += '\n';
      } else {
        out += "none\n";
      }
    } else if (op == "pq_pop") {
      if (auto item = pq->pop()) {
        put(out, item->value);
        out += ' ';
        put(out, item->priority);
        out += '\n';
      } else {
        out += "empty\n";
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
