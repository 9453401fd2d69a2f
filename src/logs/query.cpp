// Queries over an EventStore: filters, the slowest N, and per-group statistics.
#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "kit/logs.hpp"

namespace kit::logs {

namespace {

// Buckets 2% wide: bucket i holds (gamma^(i-1), gamma^i]; its midpoint 2·gamma^i/(gamma+1) is
// within (gamma-1)/(gamma+1) < 1% of every value in it.
constexpr double gamma = 1.02;
const double log_gamma = std::log(gamma);
constexpr int bucket_offset = 800;  // buckets start at gamma^-800 ms, about 1.3e-7 ms
constexpr std::size_t bucket_count = 2600;  // up to gamma^1800 ms, far past any duration

}  // namespace

bool matches(const EventStore& store, std::size_t i, const Filter& f) {
  if (f.levels != 0 && (f.levels & (1u << static_cast<unsigned>(store.level(i)))) == 0) return false;
  if (f.since_us && store.timestamp_us(i) < *f.since_us) return false;
  if (f.until_us && store.timestamp_us(i) >= *f.until_us) return false;
  if (f.min_duration_ms && !(store.has_duration(i) && store.duration_ms(i) > *f.min_duration_ms))
    return false;
  if (f.service && store.service(i) != *f.service) return false;
  if (f.grep && store.message(i).find(*f.grep) == std::string_view::npos) return false;
  return true;
}

bool matches(const Event& e, const Filter& f) {
  if (f.levels != 0 && (f.levels & (1u << static_cast<unsigned>(e.level))) == 0) return false;
  if (f.since_us && e.timestamp_us < *f.since_us) return false;
  if (f.until_us && e.timestamp_us >= *f.until_us) return false;
  if (f.min_duration_ms && !(e.has_duration && e.duration_ms > *f.min_duration_ms)) return false;
  if (f.service && e.service != *f.service) return false;
  if (f.grep && e.message.find(*f.grep) == std::string_view::npos) return false;
  return true;
}

std::vector<std::size_t> select(const EventStore& store, const Filter& filter) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < store.size(); ++i)
    if (matches(store, i, filter)) out.push_back(i);
  return out;
}

std::vector<std::size_t> slowest(const EventStore& store, const std::vector<std::size_t>& events,
                                 std::size_t n) {
  // A min-heap of the n slowest so far: the root is the one to drop. Slower wins; on a tie the
  // earlier event wins, so the later one counts as "smaller".
  auto smaller = [&](std::size_t a, std::size_t b) {
    const float da = store.duration_ms(a), db = store.duration_ms(b);
    return da != db ? da > db : a < b;  // for std::priority_queue: true = a below b
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(smaller)> heap(smaller);
  for (std::size_t i : events) {
    if (!store.has_duration(i) || n == 0) continue;
    if (heap.size() < n) {
      heap.push(i);
    } else if (smaller(i, heap.top())) {  // slower than the slowest-but-n so far
      heap.pop();
      heap.push(i);
    }
  }
  std::vector<std::size_t> out;
  while (!heap.empty()) {
    out.push_back(heap.top());
    heap.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void DurationSketch::add(float ms) {
  ++count_;
  if (count_ == 1 || ms > max_) max_ = ms;
  if (count_ == 1 || ms < min_) min_ = ms;
  if (!(ms > 0)) {
    ++zeros_;
    return;
  }
  const int index = static_cast<int>(std::ceil(std::log(static_cast<double>(ms)) / log_gamma)) +
                    bucket_offset;
  if (index < 0) {
    ++zeros_;
    return;
  }
  if (buckets_.empty()) buckets_.assign(bucket_count, 0);
  ++buckets_[std::min<std::size_t>(static_cast<std::size_t>(index), bucket_count - 1)];
}

void DurationSketch::merge(const DurationSketch& other) {
  if (other.count_ == 0) return;
  if (count_ == 0 || other.max_ > max_) max_ = other.max_;
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  count_ += other.count_;
  zeros_ += other.zeros_;
  if (!other.buckets_.empty()) {
    if (buckets_.empty()) buckets_.assign(bucket_count, 0);
    for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
  }
}

float DurationSketch::quantile(double q) const {
  if (count_ == 0) return std::numeric_limits<float>::quiet_NaN();
  const auto rank = static_cast<std::uint64_t>(std::max(1.0, std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = zeros_;
  if (seen >= rank) return std::max(0.0f, min_);
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const double mid = 2 * std::pow(gamma, static_cast<int>(i) - bucket_offset) / (gamma + 1);
      return std::clamp(static_cast<float>(mid), min_, max_);
    }
  }
  return max_;
}

void StatsBuilder::add(std::string_view service, Level level, bool has_duration, float ms) {
  auto it = std::lower_bound(index_.begin(), index_.end(), service,
                             [](const auto& entry, std::string_view s) { return entry.first < s; });
  if (it == index_.end() || it->first != service) {
    it = index_.insert(it, {std::string(service), services_.size()});
    services_.push_back(GroupStats{std::string(service), 0, 0, {}});
  }
  for (GroupStats* g : {&services_[it->second], &levels_[static_cast<std::size_t>(level)]}) {
    ++g->count;
    if (level == Level::error || level == Level::critical) ++g->errors;
    if (has_duration) g->durations.add(ms);
  }
}

void StatsBuilder::merge(const StatsBuilder& other) {
  for (const auto& [name, index] : other.index_) {
    const GroupStats& g = other.services_[index];
    auto it = std::lower_bound(index_.begin(), index_.end(), std::string_view(name),
                               [](const auto& entry, std::string_view s) { return entry.first < s; });
    if (it == index_.end() || it->first != name) {
      it = index_.insert(it, {name, services_.size()});
      services_.push_back(GroupStats{name, 0, 0, {}});
    }
    GroupStats& mine = services_[it->second];
    mine.count += g.count;
    mine.errors += g.errors;
    mine.durations.merge(g.durations);
  }
  for (std::size_t l = 0; l < level_count; ++l) {
    levels_[l].count += other.levels_[l].count;
    levels_[l].errors += other.levels_[l].errors;
    levels_[l].durations.merge(other.levels_[l].durations);
  }
}

Stats StatsBuilder::finish() const {
  Stats stats;
  for (const auto& [name, index] : index_) stats.services.push_back(services_[index]);
  for (std::size_t l = 0; l < level_count; ++l)
    if (levels_[l].count != 0) {
      stats.levels.push_back(levels_[l]);
      stats.levels.back().name = std::string(level_name(static_cast<Level>(l)));
    }
  return stats;
}

}  // namespace kit::logs
