// ExitStack: LIFO, every cleanup runs, the first error kept, partial acquisition, pop_all,
// with_exit_stack's exception hand-over.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kit/scope.hpp"

namespace sc = kit::scope;
using Lines = std::vector<std::string>;

TEST(ExitStack, RunsCallbacksLastInFirstOut) {
  Lines log;
  {
    sc::ExitStack stack;
    for (int i = 1; i <= 3; ++i) stack.callback([&log, i] { log.push_back(std::to_string(i)); });
    EXPECT_EQ(stack.size(), 3U);
  }
  EXPECT_EQ(log, (Lines{"3", "2", "1"}));
}

TEST(ExitStack, CallbacksSeeHowTheScopeWasLeft) {
  Lines log;
  auto record = [&](const sc::Exit& e) { log.push_back(e.failed ? "failed" : "ok"); };
  {
    sc::ExitStack stack;
    stack.callback(record);
  }
  try {
    sc::ExitStack stack;
    stack.callback(record);
    throw std::runtime_error("x");
  } catch (...) {
  }
  EXPECT_EQ(log, (Lines{"ok", "failed"}));
}

TEST(ExitStack, EveryCallbackRunsAndTheFirstErrorIsKept) {
  Lines log;
  sc::ExitStack stack;
  stack.callback([&](const sc::Exit& e) { log.push_back(e.failed ? "1 failed" : "1 ok"); });
  stack.callback([&] { throw std::runtime_error("second"); });
  stack.callback([&] { log.push_back("3"); });
  stack.callback([&] { throw std::runtime_error("fourth"); });
  auto r = stack.close();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "scope.cleanup_failed");
  EXPECT_EQ(r.error().message, "fourth");  // the first to be thrown: cleanups run LIFO
  EXPECT_EQ(log, (Lines{"3", "1 failed"}));
  EXPECT_TRUE(stack.empty());
  EXPECT_TRUE(stack.error());
  EXPECT_TRUE(stack.close());  // nothing left; the error is of the last close
  EXPECT_FALSE(stack.error());
}

TEST(ExitStack, CloseWithAnErrorPassesIt) {
  sc::ExitStack stack;
  std::string seen;
  stack.callback([&](const sc::Exit& e) { seen = sc::detail::describe(e.error); });
  auto err = std::make_exception_ptr(std::runtime_error("body failed"));
  EXPECT_TRUE(stack.close(err));
  EXPECT_EQ(seen, "body failed");
}

namespace {

struct Conn {
  std::string name;
  Lines* log;
};

// Opens the named connections; "bad" throws while connecting.
void open_all(const std::vector<std::string>& names, Lines& log) {
  sc::ExitStack stack;
  for (const auto& n : names) {
    Conn& c = stack.enter(
        [&] {
          log.push_back("open " + n);
          if (n == "bad") throw std::runtime_error("cannot connect to " + n);
          return Conn{n, &log};
        },
        [](Conn& conn, const sc::Exit& e) {
          conn.log->push_back((e.failed ? "rollback " : "commit ") + conn.name);
        });
    log.push_back("use " + c.name);
  }
}

}  // namespace

TEST(ExitStack, PartialAcquisitionReleasesOnlyWhatWasAcquired) {
  Lines log;
  EXPECT_THROW(open_all({"db1", "db2", "bad", "db4"}, log), std::runtime_error);
  EXPECT_EQ(log, (Lines{"open db1", "use db1", "open db2", "use db2", "open bad", "rollback db2",
                        "rollback db1"}));
  log.clear();
  open_all({"db1", "db2"}, log);
  EXPECT_EQ(log, (Lines{"open db1", "use db1", "open db2", "use db2", "commit db2", "commit db1"}));
}

TEST(ExitStack, EnterWithResultAcquire) {
  Lines log;
  sc::ExitStack stack;
  auto ok = stack.enter([]() -> kit::Result<std::string> { return std::string("a"); },
                        [&](std::string& s) { log.push_back("release " + s); });
  ASSERT_TRUE(ok);
  EXPECT_EQ(**ok, "a");
  auto bad = stack.enter(
      []() -> kit::Result<std::string> {
        return kit::fail(kit::ErrorKind::io, "db.open", "no such file");
      },
      [&](std::string& s) { log.push_back("release " + s); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "db.open");
  EXPECT_EQ(stack.size(), 1U);
  EXPECT_TRUE(stack.close());
  EXPECT_EQ(log, (Lines{"release a"}));
}

TEST(ExitStack, HeldResourceIsDestroyedAfterItsRelease) {
  Lines log;
  struct Noisy {
    Lines* log;
    explicit Noisy(Lines* l) : log(l) {}
    Noisy(Noisy&& o) noexcept : log(std::exchange(o.log, nullptr)) {}
    ~Noisy() {
      if (log) log->push_back("destroyed");
    }
  };
  {
    sc::ExitStack stack;
    stack.enter([&] { return Noisy(&log); }, [&](Noisy&) { log.push_back("released"); });
    stack.callback([&] { log.push_back("callback"); });
  }
  EXPECT_EQ(log, (Lines{"callback", "released", "destroyed"}));
}

TEST(ExitStack, PopAllTransfersWithoutRunning) {
  Lines log;
  std::unique_ptr<sc::ExitStack> kept;
  {
    sc::ExitStack stack;
    stack.callback([&] { log.push_back("a"); });
    stack.callback([&] { log.push_back("b"); });
    kept = std::make_unique<sc::ExitStack>(stack.pop_all());
    EXPECT_TRUE(stack.empty());
  }
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(kept->size(), 2U);
  kept.reset();
  EXPECT_EQ(log, (Lines{"b", "a"}));
}

TEST(ExitStack, CallbackPushedDuringCloseRunsToo) {
  Lines log;
  sc::ExitStack stack;
  stack.callback([&] { log.push_back("first"); });
  stack.callback([&] {
    log.push_back("second");
    stack.callback([&] { log.push_back("pushed"); });
  });
  EXPECT_TRUE(stack.close());
  EXPECT_EQ(log, (Lines{"second", "pushed", "first"}));
}

TEST(WithExitStack, BodyExceptionReachesCleanupsAndIsRethrown) {
  Lines log;
  try {
    sc::with_exit_stack([&](sc::ExitStack& stack) {
      stack.callback([&](const sc::Exit& e) { log.push_back(sc::detail::describe(e.error)); });
      stack.callback([] { throw std::logic_error("cleanup"); });  // does not replace it
      throw std::runtime_error("body");
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "body");
  }
  EXPECT_EQ(log, (Lines{"body"}));
}

TEST(WithExitStack, FirstCleanupErrorIsRethrownAfterABody) {
  Lines log;
  try {
    (void)sc::with_exit_stack([&](sc::ExitStack& stack) {
      stack.callback([&] { log.push_back("ran"); });
      stack.callback([] { throw std::logic_error("second"); });
      stack.callback([] { throw std::logic_error("first"); });
      return 1;
    });
    FAIL() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "first");
  }
  EXPECT_EQ(log, (Lines{"ran"}));
  EXPECT_EQ(sc::with_exit_stack([](sc::ExitStack&) { return std::string("value"); }), "value");
}
