// kit/sched/merge.hpp — a lazy k-way merge of sorted sources (heapq.merge), as a loser tree.
//
// Example:
//   std::vector<int> a{1, 4, 9}, b{2, 4, 10};
//   std::vector<kit::sched::Merger<int>::Source> sources;
//   for (auto* v : {&a, &b})
//     sources.push_back([v, i = std::size_t{0}](int& out) mutable {
//       if (i == v->size()) return false;
//       out = (*v)[i++];
//       return true;
//     });
//   kit::sched::Merger<int> merged(std::move(sources));
//   for (int x; merged.next(x);) use(x);                        // 1 2 4 4 9 10
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace kit::sched {

// Merger: a lazy k-way merge of sorted sources. Each source is a callable that yields its next
// element into `out` and returns false at its end. Equal elements leave in source order.
// A loser tree: each element out costs one path of ⌈log2 k⌉ matches. The element next() hands
// out is the source's own, and that source is asked for its next element only at the
// following next(): a source may reuse the storage its elements point into.
template <class T, class Less = std::less<>>
class Merger {
 public:
  using Source = std::function<bool(T& out)>;
  explicit Merger(std::vector<Source> sources, Less less = {})
      : sources_(std::move(sources)),
        less_(less),
        heads_(sources_.size()),
        alive_(sources_.size()),
        tree_(std::max<std::size_t>(sources_.size(), 1)) {
    for (std::size_t i = 0; i < sources_.size(); ++i) alive_[i] = sources_[i](heads_[i]);
    if (!sources_.empty()) tree_[0] = build(1);
  }
  // next(out): the smallest element left; false when every source is done.
  bool next(T& out) {
    if (sources_.empty()) return false;
    if (taken_) {  // the source of the last one moves on now
      const std::size_t s = tree_[0];
      alive_[s] = sources_[s](heads_[s]);
      replay(s);
    }
    const std::size_t winner = tree_[0];
    taken_ = alive_[winner];
    if (!taken_) return false;
    out = std::move(heads_[winner]);
    return true;
  }

 private:
  // beats(a, b): source a's head leaves before b's (a finished source never does).
  bool beats(std::size_t a, std::size_t b) const {
    if (!alive_[b]) return true;
    if (!alive_[a]) return false;
    if (less_(heads_[a], heads_[b])) return true;
    return a < b && !less_(heads_[b], heads_[a]);  // a tie goes to the earlier source
  }
  // Nodes 1 … k−1 keep the loser of their match, leaves k … 2k−1 are the sources.
  std::size_t build(std::size_t node) {
    const std::size_t k = sources_.size();
    if (node >= k) return node - k;
    std::size_t l = build(2 * node), r = build(2 * node + 1);
    if (beats(r, l)) std::swap(l, r);
    tree_[node] = r;
    return l;
  }
  void replay(std::size_t s) {
    for (std::size_t node = (s + sources_.size()) / 2; node >= 1; node /= 2)
      if (beats(tree_[node], s)) std::swap(tree_[node], s);
    tree_[0] = s;
  }
  std::vector<Source> sources_;
  Less less_;
  std::vector<T> heads_;           // each source's next element
  std::vector<char> alive_;        // whether heads_[i] holds one
  std::vector<std::size_t> tree_;  // [0] the winner, then the losers
  bool taken_ = false;             // the winner's head was handed out
};

}  // namespace kit::sched
