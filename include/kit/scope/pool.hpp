// kit/scope/pool.hpp — Pool<T>: a bounded pool of resources (database connections) lent out as
// Lease objects that give the resource back when they go out of scope.
//
// acquire(timeout) hands out an idle resource (the most recently returned: it is the warmest),
// else creates one with the factory while fewer than max_size exist, else waits until a lease
// comes back or is discarded; when none does in time: scope.pool_timeout. A resource found
// broken is discard()ed: destroyed instead of returned, so its slot is free for a new one.
// Time is read from an injectable kit::core::Clock (tests pass a manual one). Thread-safe; the
// factory runs outside the pool's lock, possibly on several threads at once. Leases may outlive
// the Pool object (they share its state).
//
// Example:
//   kit::scope::Pool<SQLite::Database> pool(4, [&] {
//     return SQLite::Database(path, SQLite::OPEN_READWRITE);   // T, or kit::Result<T>
//   });
//   auto lease = pool.acquire(std::chrono::seconds(5));        // kit::Result<Lease>
//   if (!lease) return tl::unexpected(lease.error());          // scope.pool_timeout
//   (*lease)->exec("INSERT ...");                              // back in the pool at scope exit
//   // on SQLite::Exception: lease->discard();                 // never handed out again
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

#include "kit/core/clock.hpp"
#include "kit/core/error.hpp"

namespace kit::scope {

namespace detail {

// The untyped half of a pool: counts, the lock and the clocked wait (src/scope/pool.cpp).
struct PoolCore {
  PoolCore(std::size_t max, core::Clock& c) : max_size(max), clock(&c) {}

  // deadline(timeout): clock time at which a wait of `timeout` from now ends (saturating).
  [[nodiscard]] core::Duration deadline(core::Duration timeout) const;
  // wait(lock, deadline): waits for `freed` or the deadline; false once the deadline passed.
  // Callers re-check their condition after each true.
  bool wait(std::unique_lock<std::mutex>& lock, core::Duration until);
  [[nodiscard]] Error timeout_error(core::Duration timeout) const;
  [[nodiscard]] static Error factory_error(const std::exception_ptr& e);

  std::mutex mutex;
  std::condition_variable freed;
  std::size_t max_size;
  std::size_t size = 0;  // idle + lent + being created
  std::size_t waiting = 0;
  core::Clock* clock;
};

}  // namespace detail

template <class T>
class Pool {
 public:
  using Factory = std::function<Result<T>()>;

 private:
  struct State;

 public:
  // Pool(max_size, factory[, clock]): factory returns T or kit::Result<T>, or throws (its what()
  // becomes scope.pool_factory_failed). max_size 0 is taken as 1.
  template <class F>
  Pool(std::size_t max_size, F&& factory, core::Clock& clock = core::steady_clock())
      : state_(std::make_shared<State>(max_size == 0 ? 1 : max_size, clock,
                                       wrap(std::forward<F>(factory)))) {}

  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        release();
        state_ = std::move(other.state_);
        resource_ = std::move(other.resource_);
        broken_ = other.broken_;
      }
      return *this;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { release(); }

    [[nodiscard]] T& get() const noexcept { return *resource_; }
    [[nodiscard]] T& operator*() const noexcept { return *resource_; }
    [[nodiscard]] T* operator->() const noexcept { return resource_.get(); }
    // discard(): the resource is broken: destroyed when the lease ends, not returned.
    void discard() noexcept { broken_ = true; }
    // release(): ends the lease now (the destructor does it otherwise).
    void release() noexcept {
      if (!resource_) return;
      auto state = std::move(state_);
      if (broken_) {
        resource_.reset();  // outside the lock: closing a connection may take a while
        std::lock_guard lock(state->core.mutex);
        --state->core.size;
      } else {
        std::lock_guard lock(state->core.mutex);
        state->idle.push_back(std::move(resource_));
      }
      state->core.freed.notify_one();
    }

   private:
    friend class Pool;
    Lease(std::shared_ptr<typename Pool::State> state, std::unique_ptr<T> resource)
        : state_(std::move(state)), resource_(std::move(resource)) {}
    std::shared_ptr<typename Pool::State> state_;
    std::unique_ptr<T> resource_;
    bool broken_ = false;
  };

  // acquire(timeout): a lease, or scope.pool_timeout when no resource frees up in time (a zero
  // timeout does not wait), or the factory's error.
  [[nodiscard]] Result<Lease> acquire(core::Duration timeout) {
    State& s = *state_;
    std::unique_lock lock(s.core.mutex);
    const core::Duration until = s.core.deadline(timeout);
    for (;;) {
      if (!s.idle.empty()) {
        std::unique_ptr<T> resource = std::move(s.idle.back());
        s.idle.pop_back();
        return Lease(state_, std::move(resource));
      }
      if (s.core.size < s.core.max_size) {
        ++s.core.size;  // the slot is ours while the factory runs unlocked
        lock.unlock();
        Result<T> made = s.factory();
        if (!made) {
          lock.lock();
          --s.core.size;
          s.core.freed.notify_one();
          return tl::unexpected(std::move(made.error()));
        }
        return Lease(state_, std::make_unique<T>(std::move(*made)));
      }
      ++s.core.waiting;
      const bool in_time = s.core.wait(lock, until);
      --s.core.waiting;
      if (!in_time) return tl::unexpected(s.core.timeout_error(timeout));
    }
  }
  // try_acquire(): acquire without waiting.
  [[nodiscard]] Result<Lease> try_acquire() { return acquire(core::Duration::zero()); }

  [[nodiscard]] std::size_t max_size() const noexcept { return state_->core.max_size; }
  // size(): resources that exist (idle, lent, or being created).
  [[nodiscard]] std::size_t size() const {
    return locked([](State& s) { return s.core.size; });
  }
  [[nodiscard]] std::size_t idle() const {
    return locked([](State& s) { return s.idle.size(); });
  }
  // waiting(): callers blocked in acquire() now.
  [[nodiscard]] std::size_t waiting() const {
    return locked([](State& s) { return s.core.waiting; });
  }

 private:
  struct State {
    State(std::size_t max, core::Clock& clock, Factory f)
        : core(max, clock), factory(std::move(f)) {}
    detail::PoolCore core;
    std::vector<std::unique_ptr<T>> idle;
    Factory factory;
  };

  template <class F>
  static Factory wrap(F&& factory) {
    return [f = std::forward<F>(factory)]() mutable -> Result<T> {
      try {
        return f();
      } catch (...) {
        return tl::unexpected(detail::PoolCore::factory_error(std::current_exception()));
      }
    };
  }

  template <class F>
  auto locked(F f) const {
    std::lock_guard lock(state_->core.mutex);
    return f(*state_);
  }

  std::shared_ptr<State> state_;
};

}  // namespace kit::scope
