// kit/scope.hpp — Python's context managers as RAII: scope guards, suppress, Transaction and
// ExitStack (contextlib's ExitStack: a dynamic number of cleanups, run last-in first-out).
//
// Python's `with` calls __exit__ whichever way the block is left; in C++ a destructor does. What
// a destructor cannot see is the exception in flight, so the pieces here say "failed" when the
// scope is left by an exception (std::uncaught_exceptions(), as std::experimental::scope_fail),
// and the functions that run a body for you (with_exit_stack) also hand over the exception.
// Pool<T> (leased resources) is in kit/scope/pool.hpp; AsyncExitStack for Asio coroutines is in
// kit/scope/async.hpp (it needs Boost.Asio).
//
// Example:
//   kit::scope::ExitStack stack;
//   for (const std::string& name : names) {
//     Db& db = stack.enter([&] { return Db::open(name); },   // may throw midway
//                          [](Db& d, const kit::scope::Exit& e) {
//                            e.failed ? d.rollback() : d.commit();
//                          });
//     db.execute("...");
//   }
//   // Leaving the scope releases every Db opened so far, the last one first, also when the
//   // third open threw: the tutorial's partial acquisition.
//
//   auto tx = kit::scope::Transaction([&] { db.exec("COMMIT"); }, [&] { db.exec("ROLLBACK"); });
//   if (!valid) return;                    // rolled back
//   if (auto done = tx.commit(); !done) ...  // committed only when asked
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::scope {

// ---------------------------------------------------------------------------------------------
// scope_exit, scope_fail, scope_success: std::experimental's (Library Fundamentals TS v3).
// scope_exit runs its function when the scope is left, scope_fail only when it is left by an
// exception thrown after the guard was made, scope_success only when it is not; release()
// disarms. If storing the function throws, scope_exit and scope_fail call it before rethrowing
// (the cleanup must not be lost), scope_success does not.
//
// Example:
//   std::FILE* f = std::fopen(path, "r");
//   kit::scope::scope_exit close_it([&] { std::fclose(f); });
//   kit::scope::scope_fail log_it([&] { failures++; });

namespace detail {

enum class When { always, on_failure, on_success };

template <class EF, When when>
class ScopeGuard {
 public:
  template <class Fn>
  requires(
      !std::is_same_v<std::remove_cvref_t<Fn>, ScopeGuard> &&
      std::is_constructible_v<
          EF, Fn>) explicit ScopeGuard(Fn&& fn) noexcept(std::is_nothrow_constructible_v<EF, Fn> ||
                                                         std::is_nothrow_constructible_v<EF,
                                                                                         Fn&>) try
      : exit_function_(forward_if_nothrow<Fn>(fn)) {
  } catch (...) {
    if constexpr (when != When::on_success) fn();
  }

  ScopeGuard(ScopeGuard&& other) noexcept(
      std::is_nothrow_move_constructible_v<EF> ||
      std::is_nothrow_copy_constructible_v<EF>) requires(std::is_nothrow_move_constructible_v<EF> ||
                                                         std::is_copy_constructible_v<EF>)
      : exit_function_(std::move_if_noexcept(other.exit_function_)),
        active_(other.active_),
        uncaught_(other.uncaught_) {
    other.release();
  }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;
  ScopeGuard& operator=(ScopeGuard&&) = delete;

  ~ScopeGuard() noexcept(when != When::on_success || noexcept(std::declval<EF&>()())) {
    if (!active_) return;
    if constexpr (when == When::always) {
      exit_function_();
    } else if constexpr (when == When::on_failure) {
      if (std::uncaught_exceptions() > uncaught_) exit_function_();
    } else {
      if (std::uncaught_exceptions() <= uncaught_) exit_function_();
    }
  }

  void release() noexcept { active_ = false; }

 private:
  // Moves from fn only when that cannot throw, so that fn is intact for the catch above.
  template <class Fn>
  static decltype(auto) forward_if_nothrow(Fn& fn) noexcept {
    if constexpr (!std::is_lvalue_reference_v<Fn> && std::is_nothrow_constructible_v<EF, Fn>) {
      return std::move(fn);
    } else {
      return static_cast<Fn&>(fn);
    }
  }

  EF exit_function_;
  bool active_ = true;
  int uncaught_ = std::uncaught_exceptions();
};

}  // namespace detail

template <class EF>
class scope_exit : public detail::ScopeGuard<EF, detail::When::always> {
  using detail::ScopeGuard<EF, detail::When::always>::ScopeGuard;
};
template <class EF>
class scope_fail : public detail::ScopeGuard<EF, detail::When::on_failure> {
  using detail::ScopeGuard<EF, detail::When::on_failure>::ScopeGuard;
};
template <class EF>
class scope_success : public detail::ScopeGuard<EF, detail::When::on_success> {
  using detail::ScopeGuard<EF, detail::When::on_success>::ScopeGuard;
};
template <class EF>
scope_exit(EF) -> scope_exit<EF>;
template <class EF>
scope_fail(EF) -> scope_fail<EF>;
template <class EF>
scope_success(EF) -> scope_success<EF>;

// ---------------------------------------------------------------------------------------------
// suppress<E...>(f): runs f, swallowing exceptions of the listed types (and of types derived from
// them, as contextlib.suppress; the tutorial's ErrorIgnorer compares the exact type). Anything
// else propagates. A destructor cannot swallow the exception of its scope, so this is a function
// that runs the body rather than a guard.
//
// Example:
//   auto r = kit::scope::suppress<std::filesystem::filesystem_error>([&] { remove_all(dir); });
//   if (!r.completed()) log(r.exception());   // what was swallowed

template <class R>
class Suppressed {
 public:
  explicit Suppressed(std::exception_ptr e) : exception_(std::move(e)) {}
  template <class V>
  explicit Suppressed(std::in_place_t, V&& v) : value_(std::forward<V>(v)) {}

  // completed(): f returned (no exception was swallowed).
  [[nodiscard]] bool completed() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return completed(); }
  // value(): what f returned; only when completed().
  [[nodiscard]] R& value() & { return *value_; }
  [[nodiscard]] R&& value() && { return std::move(*value_); }
  // exception(): the exception swallowed; null when completed().
  [[nodiscard]] const std::exception_ptr& exception() const noexcept { return exception_; }

 private:
  std::optional<R> value_;
  std::exception_ptr exception_;
};

template <>
class Suppressed<void> {
 public:
  Suppressed() = default;
  explicit Suppressed(std::exception_ptr e) : exception_(std::move(e)) {}
  [[nodiscard]] bool completed() const noexcept { return !exception_; }
  explicit operator bool() const noexcept { return completed(); }
  [[nodiscard]] const std::exception_ptr& exception() const noexcept { return exception_; }

 private:
  std::exception_ptr exception_;
};

namespace detail {

template <class R, class F>
Suppressed<R> run_suppressed(F& f) {
  if constexpr (std::is_void_v<R>) {
    std::invoke(f);
    return Suppressed<void>();
  } else {
    return Suppressed<R>(std::in_place, std::invoke(f));
  }
}

template <class R, class F, class E0, class... Rest>
Suppressed<R> run_suppressed(F& f) {
  try {
    return run_suppressed<R, F, Rest...>(f);
  } catch (const E0&) {
    return Suppressed<R>(std::current_exception());
  }
}

}  // namespace detail

template <class... E, class F>
[[nodiscard]] Suppressed<std::invoke_result_t<F&>> suppress(F&& f) {
  static_assert(sizeof...(E) > 0, "suppress<E...>: name the exception types to swallow");
  return detail::run_suppressed<std::invoke_result_t<F&>, F, E...>(f);
}

// ---------------------------------------------------------------------------------------------
// Exit: how a scope is being left, as __exit__'s arguments say it. failed: by an exception.
// error: that exception when it is known — close(error) and with_exit_stack() pass it; a
// destructor left by an exception knows only that there is one (error stays null).
struct Exit {
  bool failed = false;
  std::exception_ptr error;
};

namespace detail {

// Calls f(exit) or f(), whichever f takes.
template <class F, class... Args>
void call_with_exit(F& f, const Exit& exit, Args&... args) {
  if constexpr (std::is_invocable_v<F&, Args&..., const Exit&>) {
    std::invoke(f, args..., exit);
  } else {
    static_assert(std::is_invocable_v<F&, Args&...>,
                  "a cleanup takes (resource..., const Exit&) or (resource...)");
    std::invoke(f, args...);
  }
}

// Runs one step of a transaction: f() may return void or kit::Result<void>, or throw (what it
// throws becomes an Error with `code`).
template <class F>
Result<void> run_step(F& f, const char* code) {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      std::invoke(f);
      return {};
    } else {
      return std::invoke(f);
    }
  } catch (const std::exception& e) {
    return fail(ErrorKind::failed, code, e.what());
  } catch (...) {
    return fail(ErrorKind::failed, code, "unknown exception");
  }
}

// The message of an exception_ptr (what(), or "unknown exception").
std::string describe(const std::exception_ptr& e);

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Transaction: a unit of work that is committed only when asked. Left in any other way — an
// exception, an early return — it is rolled back. commit and rollback are callables returning
// void or kit::Result<void>, or throwing: either way a failure is an Error (scope.commit_failed,
// scope.rollback_failed), never an exception out of commit()/rollback(). A commit that fails
// leaves the transaction open: retry commit(), or let it roll back.
//
// Example:
//   auto tx = kit::scope::begin([&] { db.exec("BEGIN IMMEDIATE"); },
//                               [&] { db.exec("COMMIT"); }, [&] { db.exec("ROLLBACK"); });
//   if (!tx) return tl::unexpected(tx.error());   // BEGIN failed (scope.begin_failed)
//   insert(db, task);                             // throws: rolled back
//   return tx->commit();
enum class TransactionState { open, committed, rolled_back, moved_from };

template <class Commit, class Rollback>
class Transaction {
 public:
  Transaction(Commit commit, Rollback rollback)
      : commit_(std::move(commit)), rollback_(std::move(rollback)) {}
  Transaction(Transaction&& other) noexcept(
      std::is_nothrow_move_constructible_v<Commit>&& std::is_nothrow_move_constructible_v<Rollback>)
      : commit_(std::move(other.commit_)),
        rollback_(std::move(other.rollback_)),
        state_(std::exchange(other.state_, TransactionState::moved_from)) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    if (state_ == TransactionState::open) (void)rollback();  // a destructor cannot report it
  }

  // commit(): runs commit once; on success the transaction is done.
  [[nodiscard]] Result<void> commit() {
    if (state_ != TransactionState::open) return not_open();
    auto done = detail::run_step(commit_, "scope.commit_failed");
    if (done) state_ = TransactionState::committed;
    return done;
  }
  // rollback(): rolls back now; the transaction is done even if rollback failed.
  [[nodiscard]] Result<void> rollback() {
    if (state_ != TransactionState::open) return not_open();
    state_ = TransactionState::rolled_back;
    return detail::run_step(rollback_, "scope.rollback_failed");
  }

  [[nodiscard]] TransactionState state() const noexcept { return state_; }
  [[nodiscard]] bool is_open() const noexcept { return state_ == TransactionState::open; }

 private:
  static tl::unexpected<Error> not_open() {
    return fail(ErrorKind::invalid_argument, "scope.transaction_closed",
                "the transaction was already committed or rolled back");
  }

  Commit commit_;
  Rollback rollback_;
  TransactionState state_ = TransactionState::open;
};

// begin(begin, commit, rollback): runs begin (void or Result<void>, or throwing), then gives the
// open Transaction; scope.begin_failed when begin failed (nothing to roll back then).
template <class Begin, class Commit, class Rollback>
[[nodiscard]] Result<Transaction<std::decay_t<Commit>, std::decay_t<Rollback>>> begin(
    Begin&& begin_fn, Commit&& commit, Rollback&& rollback) {
  if (auto started = detail::run_step(begin_fn, "scope.begin_failed"); !started)
    return tl::unexpected(std::move(started.error()));
  return Transaction<std::decay_t<Commit>, std::decay_t<Rollback>>(
      std::forward<Commit>(commit), std::forward<Rollback>(rollback));
}

// ---------------------------------------------------------------------------------------------
// ExitStack: contextlib.ExitStack. Cleanups (callback) and resources with their release (enter)
// are pushed as they come and run last-in first-out when the stack is closed or destroyed.
// Every cleanup runs even if one throws; the first exception is kept: close() returns it as
// scope.cleanup_failed and error() holds it (Python raises the last one, chaining the others).
// Each cleanup takes (resource..., const Exit&) or (resource...): a FakeConnection-like release
// can roll back when the scope fails and commit when it does not.
//
// enter(acquire, release) runs acquire() and pushes release(resource) only once it succeeded:
// when the third of five acquisitions throws, the two before it are released (LIFO) as the
// exception leaves the stack's scope, and nothing is released for the third. acquire may return
// T (the stack keeps it; enter returns T&) or kit::Result<T> (enter returns Result<T*>: on an
// error nothing is pushed). pop_all() hands every cleanup to a new stack, as Python's:
//   ExitStack stack;  for (...) stack.enter(...);   // a failure here releases what was taken
//   owner.cleanups = stack.pop_all();               // all acquired: keep them for later
class ExitStack {
 public:
  ExitStack() noexcept = default;
  ExitStack(ExitStack&& other) noexcept;
  ExitStack(const ExitStack&) = delete;
  ExitStack& operator=(const ExitStack&) = delete;
  ExitStack& operator=(ExitStack&&) = delete;
  // Runs what is left; failed when leaving by an exception. Exceptions of cleanups are dropped
  // (a destructor cannot throw): close() first to see them.
  ~ExitStack();

  // callback(f): f() or f(const Exit&) at close.
  template <class F>
  void callback(F&& f) {
    callbacks_.push_back(std::make_unique<Callback<std::decay_t<F>>>(std::forward<F>(f)));
  }

  template <class Acquire, class Release>
  decltype(auto) enter(Acquire&& acquire, Release&& release) {
    using Got = std::invoke_result_t<Acquire&>;
    if constexpr (is_expected<Got>::value) {
      using T = typename Got::value_type;
      using R = tl::expected<T*, typename Got::error_type>;
      Got got = std::invoke(acquire);
      if (!got) return R(tl::unexpect, std::move(got).error());
      auto held = std::make_unique<Held<T, std::decay_t<Release>>>(std::move(*got),
                                                                   std::forward<Release>(release));
      T* value = &held->value;
      callbacks_.push_back(std::move(held));
      return R(value);
    } else {
      static_assert(!std::is_reference_v<Got>, "acquire() returns the resource by value");
      auto held = std::make_unique<Held<Got, std::decay_t<Release>>>(
          std::invoke(acquire), std::forward<Release>(release));
      Got& value = held->value;
      callbacks_.push_back(std::move(held));
      return static_cast<Got&>(value);
    }
  }

  // pop_all(): a new stack with every cleanup of this one (which is left empty); none runs.
  [[nodiscard]] ExitStack pop_all() noexcept;

  // close(): runs every cleanup, last first, as a normal exit. close(error): as an exit by
  // `error` (each cleanup sees it). Returns the first exception a cleanup threw, if any, as
  // scope.cleanup_failed (with its what()); error() then holds it.
  Result<void> close();
  Result<void> close(std::exception_ptr error);

  // error(): the first exception a cleanup threw in the last close(); null if none did.
  [[nodiscard]] const std::exception_ptr& error() const noexcept { return first_error_; }
  [[nodiscard]] std::size_t size() const noexcept { return callbacks_.size(); }
  [[nodiscard]] bool empty() const noexcept { return callbacks_.empty(); }

 private:
  struct Cleanup {
    virtual ~Cleanup() = default;
    virtual void run(const Exit& exit) = 0;
  };
  template <class F>
  struct Callback final : Cleanup {
    template <class G>
    explicit Callback(G&& g) : f(std::forward<G>(g)) {}
    void run(const Exit& exit) override { detail::call_with_exit(f, exit); }
    F f;
  };
  template <class T, class F>
  struct Held final : Cleanup {
    template <class G>
    Held(T&& v, G&& g) : value(std::move(v)), release(std::forward<G>(g)) {}
    void run(const Exit& exit) override { detail::call_with_exit(release, exit, value); }
    T value;
    F release;
  };
  template <class X>
  struct is_expected : std::false_type {};
  template <class T, class E>
  struct is_expected<tl::expected<T, E>> : std::true_type {};

  void unwind(Exit exit) noexcept;

  std::vector<std::unique_ptr<Cleanup>> callbacks_;
  std::exception_ptr first_error_;
  int uncaught_ = std::uncaught_exceptions();
};

// with_exit_stack(body): Python's `with ExitStack() as stack: body(stack)`. If body throws, every
// cleanup runs seeing that exception, then it is rethrown (it stays the first error); if body
// returns, the cleanups run and the first exception one of them threw is rethrown; else body's
// value is returned.
template <class Body>
decltype(auto) with_exit_stack(Body&& body) {
  ExitStack stack;
  using R = std::invoke_result_t<Body&, ExitStack&>;
  std::exception_ptr failure;
  if constexpr (std::is_void_v<R>) {
    try {
      std::invoke(body, stack);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      (void)stack.close(failure);
      std::rethrow_exception(failure);
    }
    if (!stack.close()) std::rethrow_exception(stack.error());
  } else {
    std::optional<R> result;
    try {
      result.emplace(std::invoke(body, stack));
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      (void)stack.close(failure);
      std::rethrow_exception(failure);
    }
    if (!stack.close()) std::rethrow_exception(stack.error());
    return R(std::move(*result));
  }
}

}  // namespace kit::scope
