// Summary statistics and timeit.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kit/timing.hpp"

namespace kit::timing {

namespace {

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

double seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

Summary summarize(std::span<const double> samples) {
  Summary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  const auto [lo, hi] = std::minmax_element(samples.begin(), samples.end());
  s.min = *lo;
  s.max = *hi;
  double sum = 0;
  for (double x : samples) sum += x;
  s.mean = sum / static_cast<double>(s.count);
  if (s.count > 1) {
    double squares = 0;  // two passes: no cancellation from sum of squares minus square of sum
    for (double x : samples) squares += (x - s.mean) * (x - s.mean);
    s.stddev = std::sqrt(squares / static_cast<double>(s.count - 1));
  }
  const std::vector<double> values(samples.begin(), samples.end());
  s.median = median_of(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double x : values) deviations.push_back(std::fabs(x - s.median));
  s.mad = median_of(std::move(deviations));
  return s;
}

std::size_t outliers(std::span<const double> samples) {
  const Summary s = summarize(samples);
  const double sigma = 1.4826 * s.mad;
  if (sigma == 0) return 0;
  return static_cast<std::size_t>(std::count_if(samples.begin(), samples.end(), [&](double x) {
    return std::fabs(x - s.median) / sigma > 14.0;
  }));
}

Ratio relative_speed(const Summary& fast, const Summary& slow) {
  if (fast.mean <= 0)
    return {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  const double ratio = slow.mean / fast.mean;
  const double a = slow.mean > 0 ? slow.stddev / slow.mean : 0, b = fast.stddev / fast.mean;
  return {ratio, ratio * std::sqrt(a * a + b * b)};
}

TimeitResult timeit(const std::function<void()>& fn, std::size_t number, std::size_t repeat,
                    Clock& clock) {
  TimeitResult r;
  r.number = number;
  for (std::size_t k = 0; k < repeat; ++k) {
    const Duration start = clock.now();
    for (std::size_t i = 0; i < number; ++i) fn();
    r.samples.push_back(seconds(clock.now() - start));
  }
  r.summary = summarize(r.samples);
  return r;
}

std::pair<std::size_t, double> autorange(const std::function<void()>& fn, Clock& clock) {
  for (std::size_t scale = 1;; scale *= 10)
    for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{5}}) {
      const std::size_t number = step * scale;
      const Duration start = clock.now();
      for (std::size_t i = 0; i < number; ++i) fn();
      const double taken = seconds(clock.now() - start);
      if (taken >= 0.2) return {number, taken};
    }
}

}  // namespace kit::timing
