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
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "kit/core/buffer.hpp"
#include "kit/core/clock.hpp"
#include "kit/sched/queue.hpp"

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

// Both ends a megabyte at a time through reused buffers: fresh memory is slow on a VM, and the
// driver's own cost should stay small beside the scheduler's.
constexpr std::size_t chunk = std::size_t{1} << 20;

// Lines: stdin's lines, read a chunk at a time.
class Lines {
 public:
  bool next(std::string_view& line) {
    while (true) {
      const std::string_view rest = buffer_.view().substr(at_);
      if (const std::size_t end = rest.find('\n'); end != std::string_view::npos) {
        line = rest.substr(0, end);
        at_ += end + 1;
        return true;
      }
      if (done_) {
        line = rest;
        at_ = buffer_.size();
        return !rest.empty();
      }
      std::memmove(buffer_.data(), rest.data(), rest.size());  // the partial line to the front
      buffer_.resize(rest.size());
      at_ = 0;
      if (buffer_.capacity() - buffer_.size() < chunk / 2) buffer_.reserve(2 * buffer_.capacity());
      const ssize_t got =
          ::read(0, buffer_.data() + buffer_.size(), buffer_.capacity() - buffer_.size());
      if (got < 0) {
        std::perror("sched_driver: stdin");
        std::exit(1);
      }
      buffer_.resize(buffer_.size() + static_cast<std::size_t>(got));
      done_ = got == 0;
    }
  }

 private:
  kit::core::Buffer buffer_{chunk};
  std::size_t at_ = 0;
  bool done_ = false;
};

void write_out(kit::core::Buffer& out) {
  for (std::size_t at = 0; at < out.size();) {
    const ssize_t put = ::write(1, out.data() + at, out.size() - at);
    if (put <= 0) {
      std::perror("sched_driver: stdout");
      std::exit(1);
    }
    at += static_cast<std::size_t>(put);
  }
  out.clear();
}

template <class T>
void put(kit::core::Buffer& out, T v) {
  char* at = out.extend(24);  // written in place: no copy
  out.resize(static_cast<std::size_t>(std::to_chars(at, at + 24, v).ptr - out.data()));
}

}  // namespace

int main() {
  namespace sc = kit::sched;
  std::unique_ptr<kit::core::ManualClock> clock;
  std::unique_ptr<sc::AgingScheduler> aging;
  std::unique_ptr<sc::PriorityQueue<std::int64_t>> pq;
  kit::core::Buffer out(chunk);
  Lines script;
  for (std::string_view line; script.next(line);) {
    if (out.size() >= chunk) write_out(out);
    Words in{line};
    const std::string_view op = in.next();
    if (op == "aging") {
      const auto interval = in.number<std::int64_t>();
      const auto boost = in.number<std::int64_t>();
      aging.reset();
      clock = std::make_unique<kit::core::ManualClock>();  // at 0
      aging = std::make_unique<sc::AgingScheduler>(
          sc::AgingOptions{std::chrono::nanoseconds(interval), boost}, *clock);
    } else if (op == "submit") {
      put(out, aging->submit(in.number<std::int64_t>()));
      out.append("\n");
    } else if (op == "advance") {
      clock->advance(std::chrono::nanoseconds(in.number<std::int64_t>()));
    } else if (op == "pop") {
      if (auto job = aging->pop()) {
        put(out, job->id);
        out.append(" ");
        put(out, job->effective);
        out.append("\n");
      } else {
        out.append("empty\n");
      }
    } else if (op == "cancel") {
      out.append(aging->cancel(in.number<std::uint64_t>()) ? "1\n" : "0\n");
    } else if (op == "pq") {
      pq = std::make_unique<sc::PriorityQueue<std::int64_t>>(in.next() == "max" ? sc::Order::max
                                                                                : sc::Order::min);
    } else if (op == "push") {
      const auto v = in.number<std::int64_t>();
      put(out, pq->push(v, in.number<std::int64_t>()));
      out.append("\n");
    } else if (op == "update") {
      const auto h = in.number<std::uint64_t>();
      out.append(pq->update(h, in.number<std::int64_t>()) ? "1\n" : "0\n");
    } else if (op == "remove") {
      if (auto item = pq->remove(in.number<std::uint64_t>())) {
        put(out, item->value);
        out.append(" ");
        put(out, item->priority);
        out.append("\n");
      } else {
        out.append("none\n");
      }
    } else if (op == "pq_pop") {
      if (auto item = pq->pop()) {
        put(out, item->value);
        out.append(" ");
        put(out, item->priority);
        out.append("\n");
      } else {
        out.append("empty\n");
      }
    }
  }
  write_out(out);
  return 0;
}
