#include "kit/core/parallel.hpp"

#include <atomic>
#include <string>
#include <vector>

#include <gtest/gtest.h>

using kit::core::for_each_ordered;

TEST(ForEachOrdered, EmitsEveryResultInOrder) {
  for (unsigned jobs : {1u, 2u, 3u, 8u}) {
    for (std::size_t count : {0u, 1u, 2u, 7u, 100u, 1000u, 10007u}) {
      std::vector<std::size_t> seen;
      std::atomic<std::size_t> calls{0};
      for_each_ordered(
          count, jobs,
          [&](std::size_t i) {
            ++calls;
            return std::to_string(i * i);
          },
          [&](std::size_t i, std::string r) {
            EXPECT_EQ(r, std::to_string(i * i));
            seen.push_back(i);
          });
      ASSERT_EQ(seen.size(), count) << jobs << " jobs";
      for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(seen[i], i);
      EXPECT_EQ(calls.load(), count);
    }
  }
}

TEST(ForEachOrdered, WorkersStayAWindowAhead) {
  // While emit holds item 0 back, workers may not run far ahead of it.
  std::atomic<std::size_t> started{0};
  std::size_t most_ahead = 0;
  for_each_ordered(
      100000, 2,
      [&](std::size_t i) {
        ++started;
        return i;
      },
      [&](std::size_t i, std::size_t) { most_ahead = std::max(most_ahead, started.load() - i); });
  EXPECT_LT(most_ahead, 100000u / 2);  // bounded, not the whole input
}
