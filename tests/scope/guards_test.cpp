// scope_exit / scope_fail / scope_success (std::experimental's semantics) and suppress<E...>.
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kit/scope.hpp"

namespace sc = kit::scope;

namespace {

// Copying it throws: the guard cannot store it, and must not lose the cleanup.
struct ThrowingCopy {
  explicit ThrowingCopy(std::vector<std::string>& l) : log(&l) {}
  ThrowingCopy(const ThrowingCopy&) { throw std::runtime_error("copy"); }
  void operator()() const { log->push_back("ran"); }
  std::vector<std::string>* log;
};

}  // namespace

TEST(ScopeGuards, ExitRunsOnNormalExitAndOnException) {
  std::vector<std::string> log;
  {
    sc::scope_exit g([&] { log.push_back("exit"); });
    log.push_back("body");
  }
  EXPECT_EQ(log, (std::vector<std::string>{"body", "exit"}));
  log.clear();
  try {
    sc::scope_exit g([&] { log.push_back("exit"); });
    throw std::runtime_error("x");
  } catch (const std::runtime_error&) {
    log.push_back("caught");
  }
  EXPECT_EQ(log, (std::vector<std::string>{"exit", "caught"}));
}

TEST(ScopeGuards, FailRunsOnlyWhenLeftByAnException) {
  int ran = 0;
  {
    sc::scope_fail g([&] { ++ran; });
  }
  EXPECT_EQ(ran, 0);
  try {
    sc::scope_fail g([&] { ++ran; });
    throw 1;
  } catch (int) {
  }
  EXPECT_EQ(ran, 1);
}

TEST(ScopeGuards, SuccessRunsOnlyWhenNotLeftByAnException) {
  int ran = 0;
  {
    sc::scope_success g([&] { ++ran; });
  }
  EXPECT_EQ(ran, 1);
  try {
    sc::scope_success g([&] { ++ran; });
    throw 1;
  } catch (int) {
  }
  EXPECT_EQ(ran, 1);
}

// A guard made while an exception is already in flight (in a destructor during unwinding)
// compares against that count: its own scope ending normally is a success there.
TEST(ScopeGuards, CountsExceptionsAlreadyInFlight) {
  std::vector<std::string> log;
  struct Unwinder {
    std::vector<std::string>* log;
    ~Unwinder() {
      sc::scope_success ok([this] { log->push_back("success"); });
      sc::scope_fail bad([this] { log->push_back("fail"); });
    }
  };
  try {
    Unwinder u{&log};
    throw std::runtime_error("x");
  } catch (...) {
  }
  EXPECT_EQ(log, (std::vector<std::string>{"success"}));
}

TEST(ScopeGuards, ReleaseDisarms) {
  int ran = 0;
  {
    sc::scope_exit g([&] { ++ran; });
    g.release();
  }
  try {
    sc::scope_fail g([&] { ++ran; });
    g.release();
    throw 1;
  } catch (int) {
  }
  EXPECT_EQ(ran, 0);
}

TEST(ScopeGuards, MovedGuardRunsOnce) {
  int ran = 0;
  {
    auto make = [&] { return sc::scope_exit([&] { ++ran; }); };
    sc::scope_exit a = make();
    sc::scope_exit b(std::move(a));
  }
  EXPECT_EQ(ran, 1);
}

TEST(ScopeGuards, ExitAndFailCallTheFunctionWhenStoringItThrows) {
  std::vector<std::string> log;
  ThrowingCopy f(log);
  EXPECT_THROW(sc::scope_exit<ThrowingCopy>{f}, std::runtime_error);
  EXPECT_EQ(log, (std::vector<std::string>{"ran"}));
  EXPECT_THROW(sc::scope_fail<ThrowingCopy>{f}, std::runtime_error);
  EXPECT_EQ(log.size(), 2U);
  EXPECT_THROW(sc::scope_success<ThrowingCopy>{f}, std::runtime_error);
  EXPECT_EQ(log.size(), 2U);  // scope_success does not
}

TEST(ScopeGuards, SuccessMayThrowFromItsFunction) {
  EXPECT_THROW({ sc::scope_success g([] { throw std::logic_error("late"); }); }, std::logic_error);
}

// ----- suppress

struct ValueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct UnicodeError : ValueError {
  using ValueError::ValueError;
};

TEST(Suppress, SwallowsListedTypesAndTheirSubclasses) {
  auto r = sc::suppress<ValueError>([] { throw UnicodeError("bad byte"); });
  EXPECT_FALSE(r.completed());
  ASSERT_TRUE(r.exception());
  try {
    std::rethrow_exception(r.exception());
  } catch (const UnicodeError& e) {
    EXPECT_STREQ(e.what(), "bad byte");
  }
}

TEST(Suppress, LetsOtherTypesPropagate) {
  auto not_listed = [] {
    (void)sc::suppress<ValueError, std::out_of_range>([] { throw std::logic_error("not listed"); });
  };
  EXPECT_THROW(not_listed(), std::logic_error);
  // A base of a listed type is not listed.
  EXPECT_THROW((void)sc::suppress<UnicodeError>([] { throw ValueError("base"); }), ValueError);
}

TEST(Suppress, GivesTheValueWhenNothingWasThrown) {
  auto r = sc::suppress<ValueError>([] { return std::string("ok"); });
  ASSERT_TRUE(r.completed());
  EXPECT_EQ(r.value(), "ok");
  EXPECT_FALSE(r.exception());
  int calls = 0;
  auto v = sc::suppress<ValueError, std::out_of_range>([&] { ++calls; });
  EXPECT_TRUE(v.completed());
  EXPECT_EQ(calls, 1);
  auto second = sc::suppress<ValueError, std::out_of_range>([] { throw std::out_of_range("i"); });
  EXPECT_FALSE(second);
}
