#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "kit/core/clock.hpp"
#include "kit/fs.hpp"

namespace fs = kit::fs;
using namespace std::chrono_literals;

TEST(FileLock, SecondHolderTimesOutOnTheInjectedClock) {
  auto dir = fs::TempDir::create();
  ASSERT_TRUE(dir);
  const std::string path = dir->path() + "/a.json.lock";
  auto first = fs::FileLock::acquire(path, 1s);
  ASSERT_TRUE(first) << first.error().message;
  kit::core::ManualClock clock;
  auto second = fs::FileLock::acquire(path, 100ms, clock);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, "fs.lock_timeout");
  EXPECT_NE(second.error().message.find(path), std::string::npos);
  // It polled with a growing pause and never waited past the timeout.
  EXPECT_GE(clock.slept().size(), 5u);
  EXPECT_EQ(clock.now(), std::chrono::nanoseconds(100ms));
}

TEST(FileLock, ReleasedWhenTheHolderGoes) {
  auto dir = fs::TempDir::create();
  ASSERT_TRUE(dir);
  const std::string path = dir->path() + "/b.lock";
  {
    auto first = fs::FileLock::acquire(path, 1s);
    ASSERT_TRUE(first);
  }
  kit::core::ManualClock clock;
  auto again = fs::FileLock::acquire(path, 0ms, clock);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(clock.slept().empty());
}

TEST(FileLock, UnopenableLockFileIsAnError) {
  auto lock = fs::FileLock::acquire("/nonexistent-dir/x.lock", 1s);
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error().code, "fs.lock");
}

TEST(RemoveStaleTemps, RemovesOnlyThisFilesTemporaries) {
  auto dir = fs::TempDir::create();
  ASSERT_TRUE(dir);
  const std::string target = dir->path() + "/config.json";
  for (const char* name : {"/.config.json.tmp-abc123", "/.config.json.tmp-XYZ789",
                           "/.config.json.tmp-toolong1", "/.other.json.tmp-abc123", "/config.json"})
    std::ofstream(dir->path() + name) << "x";
  auto removed = fs::remove_stale_temps(target);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(::access((dir->path() + "/.config.json.tmp-toolong1").c_str(), F_OK), 0);
  EXPECT_EQ(::access((dir->path() + "/.other.json.tmp-abc123").c_str(), F_OK), 0);
  EXPECT_EQ(::access(target.c_str(), F_OK), 0);
}
