// kit/scope/async.hpp — AsyncExitStack: contextlib.AsyncExitStack for Boost.Asio coroutines.
// Cleanups are coroutines, co_await'ed one after the other, last pushed first.
//
// This header needs Boost.Asio (header-only; link Boost::headers): it is kept out of
// kit/scope.hpp so that users of ExitStack do not compile Asio.
//
// A destructor cannot co_await, so leave a stack through with_async_exit_stack() (which closes
// it whichever way the body ends) or co_await close() yourself: cleanups still pushed when the
// stack is destroyed are dropped without running.
//
// g++ 12 miscompiles a lambda that captures by value (a std::string, say) when it is created as
// a temporary inside a co_await expression (a bad free when it is destroyed; the GCC 12 bug that
// equeim/tremotesf2#551 works around): name it first, `auto get = [n] {...};
// co_await stack.enter(get, put);`. Lambdas capturing only references are not affected.
//
// Example:
//   awaitable<void> handle(Db& db) {
//     co_await kit::scope::with_async_exit_stack([&](kit::scope::AsyncExitStack& stack)
//                                                    -> awaitable<void> {
//       Conn* c = co_await stack.enter([&] { return db.connect(); },         // awaitable<Conn>
//                                      [](Conn& c) { return c.disconnect(); });  // awaitable<void>
//       co_await c->query("SELECT 1");
//     });   // disconnected here (co_await'ed), also when query threw
//   }
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "kit/scope.hpp"

namespace kit::scope {

namespace detail {

// Acquired<X>: what an acquire() returning X gives: T for awaitable<T> (co_await'ed), else X.
template <class X>
struct Acquired {
  using type = X;
  static constexpr bool awaited = false;
};
template <class T, class Executor>
struct Acquired<boost::asio::awaitable<T, Executor>> {
  using type = T;
  static constexpr bool awaited = true;
};

}  // namespace detail

class AsyncExitStack {
 public:
  template <class T>
  using awaitable = boost::asio::awaitable<T>;

  AsyncExitStack() noexcept = default;
  AsyncExitStack(AsyncExitStack&&) noexcept = default;
  AsyncExitStack(const AsyncExitStack&) = delete;
  AsyncExitStack& operator=(const AsyncExitStack&) = delete;
  AsyncExitStack& operator=(AsyncExitStack&&) = delete;
  ~AsyncExitStack() = default;

  // callback(f): f() or f(const Exit&), returning awaitable<void> (or void), run at close.
  template <class F>
  void callback(F&& f) {
    callbacks_.push_back(std::make_unique<Callback<std::decay_t<F>>>(std::forward<F>(f)));
  }

  // enter(acquire, release): co_awaits acquire() (an awaitable<T>, or a T); once it succeeded,
  // pushes release(T&[, const Exit&]) and gives a pointer to the T the stack now keeps.
  template <class Acquire, class Release>
  auto enter(Acquire acquire, Release release)
      -> awaitable<typename detail::Acquired<std::invoke_result_t<Acquire&>>::type*> {
    using T = typename detail::Acquired<std::invoke_result_t<Acquire&>>::type;
    std::optional<T> got;
    if constexpr (detail::Acquired<std::invoke_result_t<Acquire&>>::awaited) {
      got.emplace(co_await acquire());
    } else {
      got.emplace(acquire());
    }
    auto held = std::make_unique<Held<T, Release>>(std::move(*got), std::move(release));
    T* value = &held->value;
    callbacks_.push_back(std::move(held));
    co_return value;
  }

  // pop_all(): a new stack with every cleanup of this one; none runs.
  [[nodiscard]] AsyncExitStack pop_all() noexcept {
    AsyncExitStack taken;
    taken.callbacks_ = std::move(callbacks_);
    callbacks_.clear();
    return taken;
  }

  // close([error]): co_awaits every cleanup, last first, even when one throws; the first
  // exception a cleanup threw is kept: the result is scope.cleanup_failed, error() holds it.
  awaitable<Result<void>> close(std::exception_ptr error = nullptr) {
    first_error_ = nullptr;
    Exit exit{error != nullptr, std::move(error)};
    while (!callbacks_.empty()) {
      std::unique_ptr<Cleanup> cleanup = std::move(callbacks_.back());
      callbacks_.pop_back();
      std::exception_ptr thrown;
      try {
        co_await cleanup->run(exit);
      } catch (...) {
        thrown = std::current_exception();
      }
      if (thrown && !first_error_) {
        first_error_ = thrown;
        if (!exit.failed) exit = Exit{true, first_error_};
      }
    }
    if (!first_error_) co_return Result<void>{};
    co_return fail(ErrorKind::failed, "scope.cleanup_failed", detail::describe(first_error_));
  }

  [[nodiscard]] const std::exception_ptr& error() const noexcept { return first_error_; }
  [[nodiscard]] std::size_t size() const noexcept { return callbacks_.size(); }
  [[nodiscard]] bool empty() const noexcept { return callbacks_.empty(); }

 private:
  struct Cleanup {
    virtual ~Cleanup() = default;
    virtual awaitable<void> run(const Exit& exit) = 0;
  };
  // Calls f(args..., exit) or f(args...): the awaitable it returns, or (f returned void) one
  // already done. Not a coroutine itself: g++ 12 warns (-Wsubobject-linkage) about coroutine
  // frames of templates instantiated with local lambdas.
  template <class F, class... Args>
  static awaitable<void> invoke(F& f, const Exit& exit, Args&... args) {
    if constexpr (std::is_invocable_v<F&, Args&..., const Exit&>) {
      if constexpr (std::is_void_v<std::invoke_result_t<F&, Args&..., const Exit&>>) {
        std::invoke(f, args..., exit);
        return done();
      } else {
        return std::invoke(f, args..., exit);
      }
    } else {
      static_assert(std::is_invocable_v<F&, Args&...>,
                    "a cleanup takes (resource..., const Exit&) or (resource...)");
      if constexpr (std::is_void_v<std::invoke_result_t<F&, Args&...>>) {
        std::invoke(f, args...);
        return done();
      } else {
        return std::invoke(f, args...);
      }
    }
  }
  static awaitable<void> done() { co_return; }
  template <class F>
  struct Callback final : Cleanup {
    template <class G>
    explicit Callback(G&& g) : f(std::forward<G>(g)) {}
    awaitable<void> run(const Exit& exit) override { return invoke(f, exit); }
    F f;
  };
  template <class T, class F>
  struct Held final : Cleanup {
    Held(T&& v, F g) : value(std::move(v)), release(std::move(g)) {}
    awaitable<void> run(const Exit& exit) override { return invoke(release, exit, value); }
    T value;
    F release;
  };

  std::vector<std::unique_ptr<Cleanup>> callbacks_;
  std::exception_ptr first_error_;
};

// with_async_exit_stack(body): `async with AsyncExitStack() as stack: await body(stack)`. body
// returns awaitable<R>. If it throws, every cleanup runs seeing that exception, which is then
// rethrown; else the first exception a cleanup threw is rethrown, or body's value returned.
template <class Body>
auto with_async_exit_stack(Body body) -> std::invoke_result_t<Body&, AsyncExitStack&> {
  using Awaitable = std::invoke_result_t<Body&, AsyncExitStack&>;
  using R = typename Awaitable::value_type;
  AsyncExitStack stack;
  std::exception_ptr failure;
  // co_await is not allowed in a handler: the exception is carried out of it.
  if constexpr (std::is_void_v<R>) {
    try {
      co_await body(stack);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      (void)co_await stack.close(failure);
      std::rethrow_exception(failure);
    }
    if (!co_await stack.close()) std::rethrow_exception(stack.error());
  } else {
    std::optional<R> result;
    try {
      result.emplace(co_await body(stack));
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      (void)co_await stack.close(failure);
      std::rethrow_exception(failure);
    }
    if (!co_await stack.close()) std::rethrow_exception(stack.error());
    co_return std::move(*result);
  }
}

}  // namespace kit::scope
