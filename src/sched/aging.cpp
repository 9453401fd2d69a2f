// AgingScheduler: a treap on (phase, id) with the best (key, id) of every subtree.
//
// A million queued jobs are a million nodes visited at random: the nodes live in huge pages
// (core::PodVector), submit and cancel walk down once without recursion, a pop asks one walk
// for the best of both phase runs, and the jobs that reached 0 leave the treap in one sweep.
#include <algorithm>

#include "kit/core/buffer.hpp"
#include "kit/sched/queue.hpp"

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

// Candidate: the best (lowest key, then lowest id) offered so far.
struct Candidate {
  int128 key = 0;
  AgingScheduler::Id id = 0;
  bool found = false;
  void offer(int128 k, AgingScheduler::Id i) {
    if (!found || k < key || (k == key && i < id)) key = k, id = i, found = true;
  }
};

}  // namespace

struct AgingScheduler::Impl {
  struct Node {
    int128 key;          // priority + boost·T
    int128 best_key;     // the best (key, id) of the subtree
    std::int64_t phase;  // submitted − T·I, in [0, I)
    Id id;
    Id best_id;
    std::uint32_t heap;  // random treap priority: a parent's is at least its children's
    std::int32_t left, right;
  };
  struct Info {  // what a pop reports, by node slot
    std::int64_t priority;
    ns submitted;
  };
  struct Zero {  // a job at effective priority 0: they leave by id
    Id id;
    std::int64_t priority;
    ns submitted;
    bool operator<(const Zero& o) const { return id > o.id; }  // std heaps keep the largest
  };
  // Where an id is: a node slot (>= 0), among the zeros, or gone (popped or cancelled).
  static constexpr std::int32_t gone = -1, zeroed = -2;

  AgingOptions options;
  core::Clock* clock = nullptr;
  core::PodVector<Node> nodes;
  core::PodVector<Info> info;
  std::vector<std::int32_t> free;
  std::int32_t root = none;
  core::PodVector<Zero> zeros;                // a heap, lazily cleaned of cancelled jobs
  detail::IdIndex<std::int32_t> where{gone};  // id -> node slot, zeroed or gone
  std::size_t queued = 0;
  std::vector<std::int32_t> path;  // erase's walk, kept for its capacity
  std::uint64_t random = 0x9e3779b97f4a7c15ULL;

  std::uint32_t draw() {  // splitmix64
    std::uint64_t z = (random += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 32);
  }
  ns now() const { return clock->now(); }
  Node& at(std::int32_t slot) { return nodes[static_cast<std::size_t>(slot)]; }
  const Node& at(std::int32_t slot) const { return nodes[static_cast<std::size_t>(slot)]; }
  static bool before(const Node& a, std::int64_t phase, Id id) {
    return a.phase != phase ? a.phase < phase : a.id < id;
  }
  void pull(std::int32_t i) {
    Node& n = at(i);
    Candidate best;
    best.offer(n.key, n.id);
    for (std::int32_t c : {n.left, n.right})
      if (c != none) best.offer(at(c).best_key, at(c).best_id);
    n.best_key = best.key;
    n.best_id = best.id;
  }
  // split(t, phase, id): (< (phase, id), >= (phase, id)).
  std::pair<std::int32_t, std::int32_t> split(std::int32_t t, std::int64_t phase, Id id) {
    if (t == none) return {none, none};
    if (before(at(t), phase, id)) {
      auto [l, r] = split(at(t).right, phase, id);
      at(t).right = l;
      pull(t);
      return {t, r};
    }
    auto [l, r] = split(at(t).left, phase, id);
    at(t).left = r;
    pull(t);
    return {l, t};
  }
  std::int32_t merge(std::int32_t a, std::int32_t b) {
    if (a == none) return b;
    if (b == none) return a;
    if (at(a).heap > at(b).heap) {
      at(a).right = merge(at(a).right, b);
      pull(a);
      return a;
    }
    at(b).left = merge(a, at(b).left);
    pull(b);
    return b;
  }
  Id insert(std::int64_t priority, ns submitted) {
    const Id id = where.next();
    const std::int64_t I = options.interval.count();
    const std::int64_t t = submitted.count();
    const std::int64_t T = floor_div(t, I);
    const int128 key = int128{priority} + int128{options.boost} * T;
    const Node n{key, key, t - T * I, id, id, draw(), none, none};
    std::int32_t slot;
    if (!free.empty()) {
      slot = free.back();
      free.pop_back();
      at(slot) = n;
      info[static_cast<std::size_t>(slot)] = {priority, submitted};
    } else {
      slot = static_cast<std::int32_t>(nodes.size());
      nodes.push_back(n);
      info.push_back({priority, submitted});
    }
    // Down to where the new node's treap priority puts it, each node passed now holding it.
    std::int32_t* link = &root;
    while (*link != none) {
      Node& m = at(*link);
      if (m.heap < n.heap) break;
      if (key < m.best_key || (key == m.best_key && id < m.best_id))
        m.best_key = key, m.best_id = id;
      link = before(m, n.phase, id) ? &m.right : &m.left;
    }
    auto [l, r] = split(*link, n.phase, id);
    at(slot).left = l;
    at(slot).right = r;
    pull(slot);
    *link = slot;
    where.add(slot);
    ++queued;
    return id;
  }
  // erase(slot): the node out of the treap; the subtrees it was the best of learn their new best.
  void erase(std::int32_t slot) {
    const Node& target = at(slot);
    const std::int64_t phase = target.phase;
    const Id id = target.id;
    path.clear();
    std::int32_t* link = &root;
    while (*link != slot) {
      path.push_back(*link);
      Node& m = at(*link);
      link = before(m, phase, id) ? &m.right : &m.left;
    }
    *link = merge(at(slot).left, at(slot).right);
    // Only the ancestors whose best it was change, and they are the nearest ones.
    for (auto up = path.rbegin(); up != path.rend(); ++up) {
      if (at(*up).best_id != id) break;
      pull(*up);
    }
    free.push_back(slot);
  }
  // best(rho): the best (key, id) with phase <= rho and the best with phase > rho, in one walk
  // (both runs turn the same way at every node).
  std::pair<Candidate, Candidate> best(std::int64_t rho) const {
    Candidate lower, upper;
    for (std::int32_t t = root; t != none;) {
      const Node& n = at(t);
      if (n.phase <= rho) {  // n and all on its left are in the lower run
        lower.offer(n.key, n.id);
        if (n.left != none) lower.offer(at(n.left).best_key, at(n.left).best_id);
        t = n.right;
      } else {  // n and all on its right are in the upper run
        upper.offer(n.key, n.id);
        if (n.right != none) upper.offer(at(n.right).best_key, at(n.right).best_id);
        t = n.left;
      }
    }
    return {lower, upper};
  }
  // strip(t, ...): subtree t without its jobs at effective priority 0, which join the zeros.
  // A subtree whose best key is above boost·N holds none (an effective priority is at least
  // key − boost·N).
  std::int32_t strip(std::int32_t t, std::int64_t rho, int128 boost_n) {
    if (t == none || at(t).best_key > boost_n) return t;
    const std::int32_t l = strip(at(t).left, rho, boost_n);
    const std::int32_t r = strip(at(t).right, rho, boost_n);
    Node& n = at(t);
    n.left = l;
    n.right = r;
    const int128 effective = n.key - boost_n + (n.phase > rho ? int128{options.boost} : 0);
    if (effective > 0) {
      pull(t);
      return t;
    }
    const Info& i = info[static_cast<std::size_t>(t)];
    zeros.push_back({n.id, i.priority, i.submitted});
    where.set(n.id, zeroed);
    free.push_back(t);
    return merge(l, r);
  }
  // choose(at): the next job's id and effective priority, the jobs at 0 moved out first.
  std::optional<std::pair<Id, std::int64_t>> choose(ns at) {
    const std::int64_t I = options.interval.count();
    const int128 B = options.boost;
    const std::int64_t interval_index = floor_div(at.count(), I),
                       rho = at.count() - interval_index * I;
    const int128 boost_n = B * interval_index;
    auto [lower, upper] = best(rho);
    if ((lower.found && lower.key - boost_n <= 0) ||
        (upper.found && upper.key - boost_n + B <= 0)) {
      const std::size_t old = zeros.size();
      root = strip(root, rho, boost_n);
      if (zeros.size() - old > 16 && (zeros.size() - old) * 4 > zeros.size())
        std::make_heap(zeros.begin(), zeros.end());
      else
        for (std::size_t k = old + 1; k <= zeros.size(); ++k)
          std::push_heap(zeros.begin(), zeros.begin() + k);
      std::tie(lower, upper) = best(rho);
    }
    while (!zeros.empty() && where[zeros.begin()->id] != zeroed) {  // cancelled
      std::pop_heap(zeros.begin(), zeros.end());
      zeros.pop_back();
    }
    if (!zeros.empty()) return std::pair{zeros.begin()->id, std::int64_t{0}};
    if (!lower.found && !upper.found) return std::nullopt;
    const int128 lower_eff = lower.key - boost_n, upper_eff = upper.key - boost_n + B;
    // Above 0 and at most the priority: an effective priority fits in 64 bits.
    if (!upper.found ||
        (lower.found && (lower_eff < upper_eff || (lower_eff == upper_eff && lower.id < upper.id))))
      return std::pair{lower.id, static_cast<std::int64_t>(lower_eff)};
    return std::pair{upper.id, static_cast<std::int64_t>(upper_eff)};
  }
};

AgingScheduler::AgingScheduler(AgingOptions options, core::Clock& clock)
    : impl_(std::make_unique<Impl>()) {
  if (options.interval <= ns::zero()) options.interval = std::chrono::seconds(5);
  if (options.boost < 0) options.boost = 0;
  impl_->options = options;
  impl_->clock = &clock;
}
AgingScheduler::~AgingScheduler() = default;
AgingScheduler::AgingScheduler(AgingScheduler&&) noexcept = default;
AgingScheduler& AgingScheduler::operator=(AgingScheduler&&) noexcept = default;

AgingScheduler::Id AgingScheduler::submit(std::int64_t priority) {
  return submit_at(priority, impl_->now());
}

AgingScheduler::Id AgingScheduler::submit_at(std::int64_t priority, ns when) {
  return impl_->insert(priority, when);
}

std::optional<AgingScheduler::Job> AgingScheduler::peek() {
  return peek_at(impl_->now());
}

std::optional<AgingScheduler::Job> AgingScheduler::peek_at(ns now) {
  auto c = impl_->choose(now);
  if (!c) return std::nullopt;
  const std::int32_t slot = impl_->where[c->first];
  if (slot == Impl::zeroed) {
    const Impl::Zero& z = *impl_->zeros.begin();
    return Job{z.id, z.priority, 0, z.submitted};
  }
  const Impl::Info& i = impl_->info[static_cast<std::size_t>(slot)];
  return Job{c->first, i.priority, c->second, i.submitted};
}

std::optional<AgingScheduler::Job> AgingScheduler::pop() {
  return pop_at(impl_->now());
}

std::optional<AgingScheduler::Job> AgingScheduler::pop_at(ns now) {
  auto job = peek_at(now);
  if (job) cancel(job->id);
  return job;
}

bool AgingScheduler::cancel(Id id) {
  const std::int32_t slot = impl_->where[id];
  if (slot == Impl::gone) return false;
  if (slot == Impl::zeroed) {
    // Left in the heap until it reaches the top; the top itself goes now.
    if (impl_->zeros.begin()->id == id) {
      std::pop_heap(impl_->zeros.begin(), impl_->zeros.end());
      impl_->zeros.pop_back();
    }
  } else {
    impl_->erase(slot);
  }
  impl_->where.set(id, Impl::gone);
  --impl_->queued;
  return true;
}

std::int64_t effective_priority(std::int64_t priority, ns waited, const AgingOptions& options) {
  const std::int64_t intervals =
      std::max<std::int64_t>(0, waited.count()) / options.interval.count();
  const int128 aged = int128{priority} - int128{options.boost} * intervals;
  return aged > 0 ? static_cast<std::int64_t>(aged) : 0;
}

std::int64_t AgingScheduler::effective(std::int64_t priority, ns submitted, ns now) const {
  return effective_priority(priority, now - submitted, impl_->options);
}

ns AgingScheduler::now() const {
  return impl_->now();
}

std::size_t AgingScheduler::size() const {
  return impl_->queued;
}

}  // namespace kit::sched
