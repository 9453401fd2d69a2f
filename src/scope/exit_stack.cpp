// ExitStack's unwinding: every cleanup runs, last first; the first exception is kept.
#include <exception>
#include <utility>

#include "kit/scope.hpp"

namespace kit::scope {

namespace detail {

std::string describe(const std::exception_ptr& e) {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace detail

ExitStack::ExitStack(ExitStack&& other) noexcept
    : callbacks_(std::move(other.callbacks_)),
      first_error_(std::move(other.first_error_)),
      uncaught_(other.uncaught_) {
  other.callbacks_.clear();
}

ExitStack::~ExitStack() {
  if (!callbacks_.empty()) unwind(Exit{std::uncaught_exceptions() > uncaught_, nullptr});
}

ExitStack ExitStack::pop_all() noexcept {
  ExitStack taken;
  taken.callbacks_ = std::move(callbacks_);
  callbacks_.clear();
  return taken;
}

Result<void> ExitStack::close() {
  return close(nullptr);
}

Result<void> ExitStack::close(std::exception_ptr error) {
  unwind(Exit{error != nullptr, std::move(error)});
  if (!first_error_) return {};
  return fail(ErrorKind::failed, "scope.cleanup_failed", detail::describe(first_error_));
}

void ExitStack::unwind(Exit exit) noexcept {
  first_error_ = nullptr;
  // Popped before it runs: a cleanup that pushes another one gets it run in this loop too, as
  // Python's ExitStack does.
  while (!callbacks_.empty()) {
    std::unique_ptr<Cleanup> cleanup = std::move(callbacks_.back());
    callbacks_.pop_back();
    try {
      cleanup->run(exit);
    } catch (...) {
      if (!first_error_) {
        first_error_ = std::current_exception();
        // The cleanups still to run see the scope failing, as Python's see the new exception.
        if (!exit.failed) exit = Exit{true, first_error_};
      }
    }
    // A held resource is destroyed right after its release, as at the end of a `with`.
    cleanup.reset();
  }
}

}  // namespace kit::scope
