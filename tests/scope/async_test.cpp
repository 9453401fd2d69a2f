// AsyncExitStack on a real io_context: cleanups co_await'ed one after the other, LIFO, all of
// them even when one throws, while other coroutines run in between.
#include "kit/scope/async.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace asio = boost::asio;
namespace sc = kit::scope;
using asio::awaitable;
using Lines = std::vector<std::string>;

namespace {

// Gives the other coroutines a turn (a real suspension through the io_context, no timer).
awaitable<void> yield_once() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

// Runs f() to its end on a fresh io_context; the exception it ended with, if any.
template <class F>
std::exception_ptr run(F f) {
  asio::io_context io;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(io, f(), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  io.run();
  EXPECT_TRUE(done);
  return failure;
}

struct Resource {
  std::string name;
  Lines* log;
};

awaitable<Resource> acquire(std::string name, Lines& log) {
  log.push_back("acquire " + name);
  co_await yield_once();
  if (name == "bad") throw std::runtime_error("cannot acquire bad");
  co_return Resource{name, &log};
}

awaitable<void> release(Resource& r) {
  r.log->push_back("release " + r.name + " begins");
  co_await yield_once();
  r.log->push_back("release " + r.name + " ends");
}

}  // namespace

TEST(AsyncExitStack, CleanupsAreAwaitedInLifoOrder) {
  Lines log;
  auto failure = run([&]() -> awaitable<void> {
    co_await sc::with_async_exit_stack([&](sc::AsyncExitStack& stack) -> awaitable<void> {
      for (std::string n : {"res1", "res2", "res3"}) {
        // Named, not a temporary in the co_await expression: see kit/scope/async.hpp (g++ 12).
        auto get = [&log, n] { return acquire(n, log); };
        auto put = [](Resource& r) { return release(r); };
        co_await stack.enter(get, put);
      }
      log.push_back("using " + std::to_string(stack.size()));
    });
    log.push_back("done");
  });
  EXPECT_FALSE(failure);
  EXPECT_EQ(log, (Lines{"acquire res1", "acquire res2", "acquire res3", "using 3",
                        "release res3 begins", "release res3 ends", "release res2 begins",
                        "release res2 ends", "release res1 begins", "release res1 ends", "done"}));
}

TEST(AsyncExitStack, PartialAcquisitionReleasesWhatWasAcquired) {
  Lines log;
  auto failure = run([&]() -> awaitable<void> {
    co_await sc::with_async_exit_stack([&](sc::AsyncExitStack& stack) -> awaitable<void> {
      for (std::string n : {"a", "b", "bad", "d"}) {
        auto get = [&log, n] { return acquire(n, log); };
        auto put = [](Resource& r, const sc::Exit& e) -> awaitable<void> {
          r.log->push_back((e.failed ? "rollback " : "commit ") + r.name);
          co_await yield_once();
        };
        co_await stack.enter(get, put);
      }
    });
  });
  ASSERT_TRUE(failure);
  EXPECT_EQ(sc::detail::describe(failure), "cannot acquire bad");
  EXPECT_EQ(log, (Lines{"acquire a", "acquire b", "acquire bad", "rollback b", "rollback a"}));
}

TEST(AsyncExitStack, EveryCleanupRunsAndTheFirstErrorIsKept) {
  Lines log;
  std::string result;
  auto failure = run([&]() -> awaitable<void> {
    sc::AsyncExitStack stack;
    stack.callback([&](const sc::Exit& e) -> awaitable<void> {
      log.push_back(e.failed ? "1 sees failure" : "1 sees success");
      co_return;
    });
    stack.callback([]() -> awaitable<void> {
      co_await yield_once();
      throw std::runtime_error("second");
    });
    stack.callback([&] { log.push_back("3 (plain)"); });
    stack.callback([]() -> awaitable<void> {
      co_await yield_once();
      throw std::runtime_error("fourth");
    });
    auto closed = co_await stack.close();
    result = closed ? "ok" : closed.error().code + ": " + closed.error().message;
  });
  EXPECT_FALSE(failure);
  EXPECT_EQ(result, "scope.cleanup_failed: fourth");
  EXPECT_EQ(log, (Lines{"3 (plain)", "1 sees failure"}));
}

// Two coroutines, each with a stack, interleave: each stack's cleanups stay in its own order,
// one finished before the next begins.
TEST(AsyncExitStack, ConcurrentStacksKeepTheirOwnOrder) {
  Lines log;
  asio::io_context io;
  int finished = 0;
  for (std::string who : {"A", "B"}) {
    asio::co_spawn(
        io,
        [&log, who]() -> awaitable<void> {
          co_await sc::with_async_exit_stack([&](sc::AsyncExitStack& stack) -> awaitable<void> {
            for (std::string n : {"1", "2"}) {
              auto get = [&log, name = who + n] { return acquire(name, log); };
              auto put = [](Resource& r) { return release(r); };
              co_await stack.enter(get, put);
            }
          });
        },
        [&](std::exception_ptr e) {
          EXPECT_FALSE(e);
          ++finished;
        });
  }
  io.run();
  EXPECT_EQ(finished, 2);
  auto order_of = [&](const std::string& who) {
    Lines mine;
    for (const auto& l : log)
      if (l.find(" " + who) != std::string::npos) mine.push_back(l);
    return mine;
  };
  EXPECT_EQ(order_of("A"), (Lines{"acquire A1", "acquire A2", "release A2 begins",
                                  "release A2 ends", "release A1 begins", "release A1 ends"}));
  EXPECT_EQ(order_of("B"), (Lines{"acquire B1", "acquire B2", "release B2 begins",
                                  "release B2 ends", "release B1 begins", "release B1 ends"}));
  // They did interleave: B acquired before A released.
  EXPECT_LT(std::find(log.begin(), log.end(), "acquire B1") - log.begin(),
            std::find(log.begin(), log.end(), "release A2 begins") - log.begin());
}

TEST(AsyncExitStack, ValueAndPopAll) {
  Lines log;
  int value = 0;
  auto failure = run([&]() -> awaitable<void> {
    std::optional<sc::AsyncExitStack> kept;
    value = co_await sc::with_async_exit_stack([&](sc::AsyncExitStack& stack) -> awaitable<int> {
      stack.callback([&] { log.push_back("kept cleanup"); });
      kept.emplace(stack.pop_all());
      co_return 42;
    });
    log.push_back("after body");
    (void)co_await kept->close();
  });
  EXPECT_FALSE(failure);
  EXPECT_EQ(value, 42);
  EXPECT_EQ(log, (Lines{"after body", "kept cleanup"}));
}
