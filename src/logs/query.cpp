// Queries over an EventStore: filters, the slowest N, and per-group statistics.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <queue>

#include "kit/logs.hpp"

namespace kit::logs {

namespace {

// Buckets from the float's own bits: the exponent and the top 6 bits of the mantissa, so a
// bucket spans 1/64 of its octave and its midpoint is within 0.78% of every value in it
// (HDR histogram's idea; no logarithm per value). Exponents cover 2^-20 to 2^63 ms.
constexpr int sub_bits = 6;
constexpr std::uint32_t first_exponent = 127 - 20;
constexpr std::uint32_t last_exponent = 127 + 63;
constexpr std::size_t bucket_count = (last_exponent - first_exponent + 1) << sub_bits;

std::uint32_t bits_of(float v) {
  std::uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

float midpoint(std::size_t index) {
  const std::uint32_t b = static_cast<std::uint32_t>(index + (first_exponent << sub_bits))
                              << (23 - sub_bits) |
                          1u << (22 - sub_bits);
  float v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

}  // namespace

bool matches(const EventStore& store, std::size_t i, const Filter& f) {
  if (f.levels != 0 && (f.levels & (1u << static_cast<unsigned>(store.level(i)))) == 0)
    return false;
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

constexpr std::size_t exact_limit = 1024;

void DurationSketch::add(float ms) {
  ++count_;
  if (count_ == 1 || ms > max_) max_ = ms;
  if (count_ == 1 || ms < min_) min_ = ms;
  if (!spilled_) {
    exact_.push_back(ms);
    if (exact_.size() > exact_limit) spill();
    return;
  }
  bucket(ms);
}

void DurationSketch::spill() {
  spilled_ = true;
  for (float v : exact_) bucket(v);
  exact_.clear();
  exact_.shrink_to_fit();
}

void DurationSketch::bucket(float ms) {
  const std::uint32_t exponent = bits_of(ms) >> 23;  // the sign bit too: negatives count as 0
  if (!(ms > 0) || exponent < first_exponent) {
    ++zeros_;
    return;
  }
  if (buckets_.empty()) buckets_.assign(bucket_count, 0);
  const std::size_t index = exponent > last_exponent
                                ? bucket_count - 1
                                : (bits_of(ms) >> (23 - sub_bits)) - (first_exponent << sub_bits);
  ++buckets_[index];
}

void DurationSketch::merge(const DurationSketch& other) {
  if (other.count_ == 0) return;
  if (count_ == 0 || other.max_ > max_) max_ = other.max_;
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  count_ += other.count_;
  if (!spilled_ && !other.spilled_ && exact_.size() + other.exact_.size() <= exact_limit) {
    exact_.insert(exact_.end(), other.exact_.begin(), other.exact_.end());
    return;
  }
  if (!spilled_) spill();
  for (float v : other.exact_) bucket(v);
  zeros_ += other.zeros_;
  if (!other.buckets_.empty()) {
    if (buckets_.empty()) buckets_.assign(bucket_count, 0);
    for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
  }
}

float DurationSketch::quantile(double q) const {
  if (count_ == 0) return std::numeric_limits<float>::quiet_NaN();
  const auto rank =
      static_cast<std::uint64_t>(std::max(1.0, std::ceil(q * static_cast<double>(count_))));
  if (!spilled_) {
    std::vector<float> sorted = exact_;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                     sorted.end());
    return sorted[rank - 1];
  }
  std::uint64_t seen = zeros_;
  if (seen >= rank) return std::max(0.0f, min_);
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(midpoint(i), min_, max_);
  }
  return max_;
}

GroupStats& StatsBuilder::service(std::string_view name) {
  if (auto it = lookup_.find(name); it != lookup_.end()) return services_[it->second];
  lookup_.emplace(std::string(name), services_.size());
  services_.push_back(GroupStats{std::string(name), 0, 0, {}});
  return services_.back();
}

void StatsBuilder::add(std::string_view name, Level level, bool has_duration, float ms) {
  for (GroupStats* g : {&service(name), &levels_[static_cast<std::size_t>(level)]}) {
    ++g->count;
    if (level == Level::error || level == Level::critical) ++g->errors;
    if (has_duration) g->durations.add(ms);
  }
}

void StatsBuilder::merge(const StatsBuilder& other) {
  for (const GroupStats& g : other.services_) {
    GroupStats& mine = service(g.name);
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
  stats.services = services_;
  std::sort(stats.services.begin(), stats.services.end(),
            [](const GroupStats& a, const GroupStats& b) { return a.name < b.name; });
  for (std::size_t l = 0; l < level_count; ++l)
    if (levels_[l].count != 0) {
      stats.levels.push_back(levels_[l]);
      stats.levels.back().name = std::string(level_name(static_cast<Level>(l)));
    }
  return stats;
}

}  // namespace kit::logs
