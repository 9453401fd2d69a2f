// Pool<T>'s untyped half: the clocked wait and its errors.
#include <algorithm>
#include <chrono>
#include <string>

#include "kit/scope.hpp"
#include "kit/scope/pool.hpp"

namespace kit::scope::detail {

using namespace std::chrono_literals;

core::Duration PoolCore::deadline(core::Duration timeout) const {
  const core::Duration now = clock->now();
  if (timeout <= core::Duration::zero()) return now;
  if (timeout > core::Duration::max() - now) return core::Duration::max();
  return now + timeout;
}

bool PoolCore::wait(std::unique_lock<std::mutex>& lock, core::Duration until) {
  const core::Duration now = clock->now();
  if (now >= until) return false;
  if (clock == &core::steady_clock()) {
    // Real time: the condition variable's own timed wait (steady_clock underneath too).
    if (until == core::Duration::max()) {
      freed.wait(lock);
    } else {
      freed.wait_for(lock, until - now);
    }
  } else {
    // Another clock (a test's) may move without real time passing: re-read it every
    // millisecond.
    freed.wait_for(lock, std::min<core::Duration>(until - now, 1ms));
  }
  return true;
}

Error PoolCore::timeout_error(core::Duration timeout) const {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  return make_error(ErrorKind::failed, "scope.pool_timeout",
                    "no resource of the pool (" + std::to_string(max_size) +
                        " in use) was free within " + std::to_string(ms) + " ms");
}

Error PoolCore::factory_error(const std::exception_ptr& e) {
  return make_error(ErrorKind::failed, "scope.pool_factory_failed", describe(e));
}

}  // namespace kit::scope::detail
