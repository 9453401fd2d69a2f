// AgingScheduler: a treap on (phase, id) with the best (key, id) of every subtree.
#include <map>
#include <unordered_map>

#include "kit/sched.hpp"

namespace kit::sched {

namespace {

using ns = std::chrono::nanoseconds;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

constexpr std::int32_t none = -1;

// Keys grow with the clock (boost × intervals since the epoch): in 128 bits no boost, interval
// or priority overflows them.
__extension__ using int128 = __int128;

struct Best {
  int128 key;
  AgingScheduler::Id id;
  bool operator<(const Best& o) const { return key != o.key ? key < o.key : id < o.id; }
};

}  // namespace

struct AgingScheduler::Impl {
  struct Node {
    std::int64_t phase;  // submitted − T·I, in [0, I)
    Id id;
    int128 key;          // priority + boost·T
    std::uint64_t heap;  // random treap priority
    std::int32_t left = none, right = none;
    Best best;           // over the subtree
    std::int64_t priority;
    ns submitted;
  };

  AgingOptions options;
  std::vector<Node> nodes;
  std::vector<std::int32_t> free;
  std::int32_t root = none;
  std::unordered_map<Id, std::int32_t> where;  // queued in the treap
  struct Zero {
    std::int64_t priority;
    ns submitted;
  };
  std::map<Id, Zero> zeros;  // reached effective priority 0: first submitted runs first
  Id next_id = 0;
  std::uint64_t random = 0x9e3779b97f4a7c15ULL;

  std::uint64_t draw() {  // splitmix64
    std::uint64_t z = (random += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  ns now() const {
    if (options.clock) return options.clock();
    return std::chrono::duration_cast<ns>(std::chrono::steady_clock::now().time_since_epoch());
  }
  static bool node_before(const Node& a, std::int64_t phase, Id id) {
    return a.phase != phase ? a.phase < phase : a.id < id;
  }
  void pull(std::int32_t i) {
    Node& n = nodes[static_cast<std::size_t>(i)];
    n.best = {n.key, n.id};
    for (std::int32_t c : {n.left, n.right})
      if (c != none && nodes[static_cast<std::size_t>(c)].best < n.best) n.best = nodes[static_cast<std::size_t>(c)].best;
  }
  // split(t, phase, id): (< (phase, id), >= (phase, id)).
  std::pair<std::int32_t, std::int32_t> split(std::int32_t t, std::int64_t phase, Id id) {
    if (t == none) return {none, none};
    Node& n = nodes[static_cast<std::size_t>(t)];
    if (node_before(n, phase, id)) {
      auto [l, r] = split(n.right, phase, id);
      nodes[static_cast<std::size_t>(t)].right = l;
      pull(t);
      return {t, r};
    }
    auto [l, r] = split(n.left, phase, id);
    nodes[static_cast<std::size_t>(t)].left = r;
    pull(t);
    return {l, t};
  }
  std::int32_t merge(std::int32_t a, std::int32_t b) {
    if (a == none) return b;
    if (b == none) return a;
    if (nodes[static_cast<std::size_t>(a)].heap > nodes[static_cast<std::size_t>(b)].heap) {
      nodes[static_cast<std::size_t>(a)].right = merge(nodes[static_cast<std::size_t>(a)].right, b);
      pull(a);
      return a;
    }
    nodes[static_cast<std::size_t>(b)].left = merge(a, nodes[static_cast<std::size_t>(b)].left);
    pull(b);
    return b;
  }
  void insert(std::int64_t priority, ns submitted, Id id) {
    const std::int64_t I = options.interval.count();
    const std::int64_t t = submitted.count();
    const std::int64_t T = floor_div(t, I);
    Node n{t - T * I, id, int128{priority} + int128{options.boost} * T, draw(), none, none, {}, priority, submitted};
    std::int32_t i;
    if (!free.empty()) {
      i = free.back();
      free.pop_back();
      nodes[static_cast<std::size_t>(i)] = n;
    } else {
      i = static_cast<std::int32_t>(nodes.size());
      nodes.push_back(n);
    }
    pull(i);
    auto [l, r] = split(root, n.phase, id);
    root = merge(merge(l, i), r);
    where[id] = i;
  }
  void erase(Id id) {
    const std::int32_t i = where.at(id);
    const Node& n = nodes[static_cast<std::size_t>(i)];
    auto [l, rest] = split(root, n.phase, n.id);
    auto [mid, r] = split(rest, n.phase, n.id + 1);  // mid: exactly this node
    root = merge(l, r);
    (void)mid;
    free.push_back(i);
    where.erase(id);
  }
  // best_in(t, rho, upper): the best (key, id) among nodes with phase <= rho (upper = false)
  // or phase > rho (upper = true).
  std::optional<Best> best_in(std::int32_t t, std::int64_t rho, bool upper) const {
    std::optional<Best> found;
    auto offer = [&](const Best& b) {
      if (!found || b < *found) found = b;
    };
    while (t != none) {
      const Node& n = nodes[static_cast<std::size_t>(t)];
      const bool inside = upper ? n.phase > rho : n.phase <= rho;
      if (inside) {
        offer({n.key, n.id});
        // Everything on the far side of n is inside too.
        const std::int32_t whole = upper ? n.right : n.left;
        if (whole != none) offer(nodes[static_cast<std::size_t>(whole)].best);
        t = upper ? n.left : n.right;
      } else {
        t = upper ? n.right : n.left;
      }
    }
    return found;
  }
  // choose(at): the next job's id and effective priority, zeros moved out first.
  std::optional<std::pair<Id, std::int64_t>> choose(ns at) {
    const std::int64_t I = options.interval.count();
    const int128 B = options.boost;
    const std::int64_t interval_index = floor_div(at.count(), I), rho = at.count() - interval_index * I;
    const int128 N = interval_index;
    while (true) {  // jobs at 0 stay at 0: to the FIFO, each once
      bool moved = false;
      for (bool upper : {false, true}) {
        auto b = best_in(root, rho, upper);
        if (b && b->key - B * N + (upper ? B : 0) <= 0) {
          const Node& n = nodes[static_cast<std::size_t>(where.at(b->id))];
          zeros.emplace(b->id, Zero{n.priority, n.submitted});
          erase(b->id);
          moved = true;
        }
      }
      if (!moved) break;
    }
    if (!zeros.empty()) return std::pair{zeros.begin()->first, std::int64_t{0}};
    auto lower = best_in(root, rho, false), upper = best_in(root, rho, true);
    if (!lower && !upper) return std::nullopt;
    const int128 lower_eff = lower ? lower->key - B * N : 0;
    const int128 upper_eff = upper ? upper->key - B * N + B : 0;
    // Above 0 and at most the priority: an effective priority fits in 64 bits.
    if (!upper || (lower && (lower_eff < upper_eff || (lower_eff == upper_eff && lower->id < upper->id))))
      return std::pair{lower->id, static_cast<std::int64_t>(lower_eff)};
    return std::pair{upper->id, static_cast<std::int64_t>(upper_eff)};
  }
};

AgingScheduler::AgingScheduler(AgingOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.interval <= ns::zero()) options.interval = std::chrono::seconds(5);
  if (options.boost < 0) options.boost = 0;
  impl_->options = std::move(options);
}
AgingScheduler::~AgingScheduler() = default;
AgingScheduler::AgingScheduler(AgingScheduler&&) noexcept = default;
AgingScheduler& AgingScheduler::operator=(AgingScheduler&&) noexcept = default;

AgingScheduler::Id AgingScheduler::submit(std::int64_t priority) {
  return submit_at(priority, impl_->now());
}

AgingScheduler::Id AgingScheduler::submit_at(std::int64_t priority, ns when) {
  const Id id = impl_->next_id++;
  impl_->insert(priority, when, id);
  return id;
}

std::optional<AgingScheduler::Job> AgingScheduler::peek() {
  auto c = impl_->choose(impl_->now());
  if (!c) return std::nullopt;
  if (auto z = impl_->zeros.find(c->first); z != impl_->zeros.end())
    return Job{c->first, z->second.priority, 0, z->second.submitted};
  const auto& n = impl_->nodes[static_cast<std::size_t>(impl_->where.at(c->first))];
  return Job{c->first, n.priority, c->second, n.submitted};
}

std::optional<AgingScheduler::Job> AgingScheduler::pop() {
  auto job = peek();
  if (job) cancel(job->id);
  return job;
}

bool AgingScheduler::cancel(Id id) {
  if (impl_->zeros.erase(id) != 0) return true;
  if (!impl_->where.contains(id)) return false;
  impl_->erase(id);
  return true;
}

std::int64_t effective_priority(std::int64_t priority, ns waited, const AgingOptions& options) {
  const std::int64_t intervals = std::max<std::int64_t>(0, waited.count()) / options.interval.count();
  const int128 aged = int128{priority} - int128{options.boost} * intervals;
  return aged > 0 ? static_cast<std::int64_t>(aged) : 0;
}

std::int64_t AgingScheduler::effective(std::int64_t priority, ns submitted, ns now) const {
  return effective_priority(priority, now - submitted, impl_->options);
}

ns AgingScheduler::now() const { return impl_->now(); }

std::size_t AgingScheduler::size() const { return impl_->where.size() + impl_->zeros.size(); }

}  // namespace kit::sched
