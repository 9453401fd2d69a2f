// Backoff waits: exponential growth, a cap, AWS's jitter modes, Retry-After.
#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "kit/timing.hpp"

namespace kit::timing {

std::string_view jitter_name(Jitter jitter) {
  switch (jitter) {
    case Jitter::none:
      return "none";
    case Jitter::full:
      return "full";
    case Jitter::equal:
      return "equal";
    case Jitter::decorrelated:
      return "decorrelated";
  }
  return "none";
}

std::optional<Jitter> parse_jitter(std::string_view text) {
  for (Jitter j : {Jitter::none, Jitter::full, Jitter::equal, Jitter::decorrelated})
    if (text == jitter_name(j)) return j;
  return std::nullopt;
}

Result<void> check(const BackoffPolicy& p) {
  auto bad = [](std::string message) {
    return fail(ErrorKind::invalid_argument, "timing.bad_policy", std::move(message));
  };
  if (p.base < Duration::zero()) return bad("the base delay must not be negative");
  if (p.max_delay < Duration::zero()) return bad("the maximum delay must not be negative");
  if (!(p.factor >= 1) || !std::isfinite(p.factor)) return bad("the factor must be 1 or more");
  if (p.max_elapsed && *p.max_elapsed < Duration::zero())
    return bad("the time budget must not be negative");
  return {};
}

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed)
    : policy_(policy), random_(seed), previous_(policy.base) {}

Duration Backoff::delay(std::size_t failures, std::optional<Duration> retry_after) {
  const double cap = static_cast<double>(policy_.max_delay.count());
  if (retry_after) {
    const Duration wait = std::clamp(*retry_after, Duration::zero(), policy_.max_delay);
    previous_ = wait;
    return wait;
  }
  // base · factor^(failures - 1) in double: it may pass any integer long before the cap.
  const double base = static_cast<double>(policy_.base.count());
  const double grown =
      std::min(cap, base * std::pow(policy_.factor, static_cast<double>(failures) - 1));
  auto uniform = [&](double lo, double hi) {
    return hi <= lo ? lo : std::uniform_real_distribution<double>(lo, hi)(random_);
  };
  double wait = grown;
  switch (policy_.jitter) {
    case Jitter::none:
      break;
    case Jitter::full:
      wait = uniform(0, grown);
      break;
    case Jitter::equal:
      wait = grown / 2 + uniform(0, grown / 2);
      break;
    case Jitter::decorrelated:
      wait = std::min(cap, uniform(base, 3 * static_cast<double>(previous_.count())));
      break;
  }
  previous_ = Duration(static_cast<Duration::rep>(std::llround(wait)));
  return previous_;
}

}  // namespace kit::timing
