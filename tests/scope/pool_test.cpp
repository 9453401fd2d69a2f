// Pool<T>: leases come back at scope exit, the bound holds, a wait ends with scope.pool_timeout
// (on an injected clock: nothing sleeps), broken resources are discarded; SQLite connections
// shared by threads.
#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kit/scope/pool.hpp"

namespace sc = kit::scope;
using namespace std::chrono_literals;

namespace {

// A manual clock that threads may read while the test moves it (core::ManualClock is for one
// thread).
class SharedManualClock final : public kit::core::Clock {
 public:
  [[nodiscard]] kit::core::Duration now() const override { return kit::core::Duration(ns_.load()); }
  void sleep_for(kit::core::Duration d) override { advance(d); }
  void advance(kit::core::Duration d) { ns_ += d.count(); }

 private:
  std::atomic<kit::core::Duration::rep> ns_{0};
};

// Polls (yielding, not sleeping) until pred() holds.
template <class Pred>
void wait_until(Pred pred) {
  while (!pred()) std::this_thread::yield();
}

struct TempDb {
  TempDb() {
    path = (std::filesystem::temp_directory_path() /
            ("kit-scope-pool-" + std::to_string(::getpid()) + ".db"))
               .string();
    std::filesystem::remove(path);
  }
  ~TempDb() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  std::string path;
};

}  // namespace

TEST(Pool, ReusesReturnedResourcesAndCreatesUpToTheBound) {
  int made = 0;
  sc::Pool<int> pool(2, [&] { return ++made; });
  {
    auto a = pool.try_acquire();
    ASSERT_TRUE(a);
    EXPECT_EQ(**a, 1);
  }
  EXPECT_EQ(pool.idle(), 1U);
  auto a = pool.try_acquire();
  auto b = pool.try_acquire();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(**a, 1);  // the returned one, not a new one
  EXPECT_EQ(**b, 2);
  EXPECT_EQ(pool.size(), 2U);
  auto c = pool.try_acquire();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "scope.pool_timeout");
  EXPECT_EQ(made, 2);
}

TEST(Pool, DiscardedResourceFreesItsSlot) {
  int made = 0;
  sc::Pool<int> pool(1, [&] { return ++made; });
  {
    auto a = pool.try_acquire();
    ASSERT_TRUE(a);
    a->discard();
  }
  EXPECT_EQ(pool.size(), 0U);
  EXPECT_EQ(pool.idle(), 0U);
  auto b = pool.try_acquire();
  ASSERT_TRUE(b);
  EXPECT_EQ(**b, 2);  // a new one
}

TEST(Pool, FactoryFailuresAreErrorsAndFreeTheSlot) {
  int calls = 0;
  sc::Pool<int> pool(1, [&]() -> int {
    if (++calls == 1) throw std::runtime_error("unable to open database file");
    return calls;
  });
  auto a = pool.try_acquire();
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, "scope.pool_factory_failed");
  EXPECT_EQ(a.error().message, "unable to open database file");
  EXPECT_EQ(pool.size(), 0U);
  sc::Pool<int> typed(
      1, []() -> kit::Result<int> { return kit::fail(kit::ErrorKind::io, "db.open", "no"); });
  auto b = typed.try_acquire();
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, "db.open");
  EXPECT_TRUE(pool.try_acquire());
}

TEST(Pool, WaitEndsWithTimeoutWhenNothingFreesUp) {
  SharedManualClock clock;
  sc::Pool<int> pool(
      1, [] { return 7; }, clock);
  auto held = pool.try_acquire();
  ASSERT_TRUE(held);
  kit::Result<sc::Pool<int>::Lease> got = tl::unexpected(kit::Error{});
  std::thread waiter([&] { got = pool.acquire(5s); });
  wait_until([&] { return pool.waiting() == 1; });
  clock.advance(4999ms);  // not yet
  clock.advance(1ms);
  waiter.join();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "scope.pool_timeout");
  EXPECT_EQ(got.error().message, "no resource of the pool (1 in use) was free within 5000 ms");
  EXPECT_EQ(pool.waiting(), 0U);
}

TEST(Pool, WaiterGetsTheLeaseThatComesBack) {
  SharedManualClock clock;
  sc::Pool<int> pool(
      1, [] { return 7; }, clock);
  auto held = pool.try_acquire();
  ASSERT_TRUE(held);
  kit::Result<sc::Pool<int>::Lease> got = tl::unexpected(kit::Error{});
  std::thread waiter([&] { got = pool.acquire(5s); });
  wait_until([&] { return pool.waiting() == 1; });
  held->release();
  waiter.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(**got, 7);
}

// On the real clock: a short wait that ends in a timeout, and a wait without limit that ends when
// a lease comes back.
TEST(Pool, SteadyClockTimeoutAndUnboundedWait) {
  sc::Pool<int> pool(1, [] { return 3; });
  auto held = pool.try_acquire();
  ASSERT_TRUE(held);
  auto late = pool.acquire(10ms);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "scope.pool_timeout");
  kit::Result<sc::Pool<int>::Lease> got = tl::unexpected(kit::Error{});
  std::thread waiter([&] { got = pool.acquire(kit::core::Duration::max()); });
  wait_until([&] { return pool.waiting() == 1; });
  held->release();
  waiter.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(**got, 3);
}

TEST(Pool, MoveAssignedLeaseReturnsTheOldResource) {
  int made = 0;
  sc::Pool<int> pool(2, [&] { return ++made; });
  auto a = pool.try_acquire();
  auto b = pool.try_acquire();
  ASSERT_TRUE(a && b);
  *a = std::move(*b);  // a's resource (1) goes back; a now holds 2
  EXPECT_EQ(**a, 2);
  EXPECT_EQ(pool.idle(), 1U);
  auto c = pool.try_acquire();
  ASSERT_TRUE(c);
  EXPECT_EQ(**c, 1);
}

TEST(Pool, LeaseOutlivesThePool) {
  std::optional<sc::Pool<std::string>::Lease> lease;
  {
    sc::Pool<std::string> pool(1, [] { return std::string("kept"); });
    auto l = pool.try_acquire();
    ASSERT_TRUE(l);
    lease.emplace(std::move(*l));
  }
  EXPECT_EQ(**lease, "kept");
  lease.reset();  // returns into the shared state, which then goes
}

// Eight threads share three connections to one WAL database: never more than three exist, each
// thread's insert commits, and a connection found broken is replaced.
TEST(Pool, SqliteConnectionsAcrossThreads) {
  TempDb db;
  {
    SQLite::Database setup(db.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    setup.exec("PRAGMA journal_mode=WAL");
    setup.exec("CREATE TABLE hits(thread INTEGER, n INTEGER)");
  }
  std::atomic<int> opened{0};
  std::atomic<int> in_use{0};
  std::atomic<int> most_in_use{0};
  sc::Pool<SQLite::Database> pool(3, [&] {
    ++opened;
    SQLite::Database conn(db.path, SQLite::OPEN_READWRITE);
    conn.setBusyTimeout(10000);
    return conn;
  });
  constexpr int threads = 8;
  constexpr int rounds = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int n = 0; n < rounds; ++n) {
        auto lease = pool.acquire(60s);
        if (!lease) {
          ++failures;
          continue;
        }
        int now = ++in_use;
        for (int seen = most_in_use.load(); now > seen;)
          most_in_use.compare_exchange_weak(seen, now);
        SQLite::Statement insert(**lease, "INSERT INTO hits VALUES (?, ?)");
        insert.bind(1, t);
        insert.bind(2, n);
        insert.exec();
        --in_use;
        // Every tenth use by thread 0: pretend the connection broke.
        if (t == 0 && n % 10 == 0) lease->discard();
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(most_in_use.load(), 3);
  EXPECT_LE(pool.size(), 3U);
  EXPECT_GE(opened.load(), 3 + 1);  // thread 0 discarded 3 (n = 0, 10, 20): replaced
  auto lease = pool.acquire(1s);
  ASSERT_TRUE(lease);
  EXPECT_EQ((*lease)->execAndGet("SELECT count(*) FROM hits").getInt(), threads * rounds);
}
