#include "kit/core/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>

#include <gtest/gtest.h>

namespace core = kit::core;
using namespace std::chrono_literals;

TEST(Process, ExitCodesSignalsAndCosts) {
  auto ok = core::run_process({.argv = {"true"}});
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->succeeded());
  EXPECT_EQ(ok->status(), 0);
  EXPECT_GT(ok->wall, 0ns);
  auto three = core::run_process({.argv = {"sh", "-c", "exit 3"}});
  ASSERT_TRUE(three);
  EXPECT_EQ(three->exit_code, 3);
  EXPECT_EQ(core::describe(*three), "exit 3");
  auto killed = core::run_process({.argv = {"sh", "-c", "kill -KILL $$"}});
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->signal, SIGKILL);
  EXPECT_EQ(killed->status(), 128 + SIGKILL);
  EXPECT_EQ(core::describe(*killed), "killed by SIGKILL");
  // CPU time of the child comes from wait4.
  auto busy =
      core::run_process({.argv = {"sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"}});
  ASSERT_TRUE(busy);
  EXPECT_GT(busy->user + busy->system, 0ns);
}

TEST(Process, NotFoundAndNotExecutable) {
  auto missing = core::run_process({.argv = {"kit-no-such-command-xyz"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "core.not_found");
  auto dir = core::run_process({.argv = {"/tmp"}});
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, "core.not_executable");
  auto empty = core::run_process({.argv = {}});
  ASSERT_FALSE(empty);
  // The statuses a shell gives: 127 not found, 126 not executable, none for other failures.
  EXPECT_EQ(core::exec_failure_status(missing.error()), 127);
  EXPECT_EQ(core::exec_failure_status(dir.error()), 126);
  EXPECT_EQ(core::exec_failure_status(empty.error()), std::nullopt);
}

TEST(Process, TimeoutStopsTheWholeGroup) {
  // The shell starts a sleep in the background and waits: both are in the child's group.
  auto r = core::run_process(
      {.argv = {"sh", "-c", "sleep 30 & wait"}, .timeout = 200ms, .kill_grace = 1s});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->status(), 124);
  EXPECT_EQ(core::describe(*r), "timed out");
  EXPECT_LT(r->wall, 5s);
  // A command that ignores SIGTERM is killed after the grace period.
  auto stubborn = core::run_process(
      {.argv = {"sh", "-c", "trap '' TERM; sleep 30"}, .timeout = 100ms, .kill_grace = 200ms});
  ASSERT_TRUE(stubborn);
  EXPECT_TRUE(stubborn->timed_out);
  EXPECT_LT(stubborn->wall, 5s);
}

TEST(Process, CancelFdStopsIt) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  // Readable from the start: the command is stopped as soon as it runs, no waiting needed.
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  auto r = core::run_process({.argv = {"sleep", "30"}, .cancel_fd = fds[0]});
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->cancelled);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(core::describe(*r), "interrupted");
  EXPECT_LT(r->wall, 5s);
}

TEST(SignalPipe, ASignalMakesItsFdReadableAndCancelsAChild) {
  auto signals = core::SignalPipe::install({SIGINT, SIGTERM});
  ASSERT_TRUE(signals);
  EXPECT_EQ(signals->caught(), 0);
  // The handler is process-wide: a second pipe would take it from the first.
  auto second = core::SignalPipe::install();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, "core.signal_pipe");
  pollfd quiet{signals->fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&quiet, 1, 0), 0);

  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_EQ(signals->caught(), SIGTERM);
  pollfd ready{signals->fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, 0), 1);
  // It stays readable: a child started after the signal is stopped at once.
  auto r = core::run_process({.argv = {"sleep", "30"}, .cancel_fd = signals->fd()});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->cancelled);
  EXPECT_EQ(core::describe(*r), "interrupted");
}

TEST(SignalPipe, ItsEndPutsThePreviousHandlersBack) {
  struct sigaction before {};
  ::sigaction(SIGHUP, nullptr, &before);
  {
    auto signals = core::SignalPipe::install({SIGHUP});
    ASSERT_TRUE(signals);
    core::SignalPipe moved(std::move(*signals));  // the moved-from one gives nothing back
    EXPECT_EQ(signals->fd(), -1);
    ASSERT_GE(moved.fd(), 0);
    ASSERT_EQ(::raise(SIGHUP), 0);
    EXPECT_EQ(moved.caught(), SIGHUP);
  }
  struct sigaction after {};
  ::sigaction(SIGHUP, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
  auto again = core::SignalPipe::install({SIGHUP});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->caught(), 0);
}
