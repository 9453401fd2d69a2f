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
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "kit/sched.hpp"

int main() {
  namespace sc = kit::sched;
  std::chrono::nanoseconds now{0};
  std::unique_ptr<sc::AgingScheduler> aging;
  std::unique_ptr<sc::PriorityQueue<std::int64_t>> pq;
  std::string line, op;
  std::ostringstream out;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    in >> op;
    if (op == "aging") {
      std::int64_t interval = 0, boost = 0;
      in >> interval >> boost;
      now = std::chrono::nanoseconds(0);
      aging = std::make_unique<sc::AgingScheduler>(
          sc::AgingOptions{std::chrono::nanoseconds(interval), boost, [&] { return now; }});
    } else if (op == "submit") {
      std::int64_t p = 0;
      in >> p;
      out << aging->submit(p) << '\n';
    } else if (op == "advance") {
      std::int64_t d = 0;
      in >> d;
      now += std::chrono::nanoseconds(d);
    } else if (op == "pop") {
      if (auto job = aging->pop()) out << job->id << ' ' << job->effective << '\n';
      else out << "empty\n";
    } else if (op == "cancel") {
      std::uint64_t id = 0;
      in >> id;
      out << (aging->cancel(id) ? 1 : 0) << '\n';
    } else if (op == "pq") {
      std::string order;
      in >> order;
      pq = std::make_unique<sc::PriorityQueue<std::int64_t>>(order == "max" ? sc::Order::max : sc::Order::min);
    } else if (op == "push") {
      std::int64_t v = 0, p = 0;
      in >> v >> p;
      out << pq->push(v, p) << '\n';
    } else if (op == "update") {
      std::uint64_t h = 0;
      std::int64_t p = 0;
      in >> h >> p;
      out << (pq->update(h, p) ? 1 : 0) << '\n';
    } else if (op == "remove") {
      std::uint64_t h = 0;
      in >> h;
      if (auto item = pq->remove(h)) out << item->value << ' ' << item->priority << '\n';
      else out << "none\n";
    } else if (op == "pq_pop") {
      if (auto item = pq->pop()) out << item->value << ' ' << item->priority << '\n';
      else out << "empty\n";
    }
  }
  std::fputs(out.str().c_str(), stdout);
  return 0;
}
