// Transaction: commit only when asked; rollback on exception or early return; failures of the
// callbacks are Errors. Then a real SQLite transaction.
#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kit/scope.hpp"

namespace sc = kit::scope;

namespace {

struct Log {
  std::vector<std::string> lines;
  auto commit() {
    return [this] { lines.push_back("commit"); };
  }
  auto rollback() {
    return [this] { lines.push_back("rollback"); };
  }
};

bool early_return(Log& log, bool bail) {
  sc::Transaction tx(log.commit(), log.rollback());
  if (bail) return false;
  return tx.commit().has_value();
}

}  // namespace

TEST(Transaction, CommitsOnlyWhenAsked) {
  Log log;
  {
    sc::Transaction tx(log.commit(), log.rollback());
    EXPECT_TRUE(tx.is_open());
    ASSERT_TRUE(tx.commit());
    EXPECT_EQ(tx.state(), sc::TransactionState::committed);
    auto again = tx.commit();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "scope.transaction_closed");
  }
  EXPECT_EQ(log.lines, (std::vector<std::string>{"commit"}));
}

TEST(Transaction, RollsBackOnEarlyReturnAndException) {
  Log log;
  EXPECT_FALSE(early_return(log, true));
  EXPECT_TRUE(early_return(log, false));
  try {
    sc::Transaction tx(log.commit(), log.rollback());
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(log.lines, (std::vector<std::string>{"rollback", "commit", "rollback"}));
}

TEST(Transaction, ExplicitRollbackHappensOnce) {
  Log log;
  {
    sc::Transaction tx(log.commit(), log.rollback());
    ASSERT_TRUE(tx.rollback());
    EXPECT_FALSE(tx.commit());
  }
  EXPECT_EQ(log.lines, (std::vector<std::string>{"rollback"}));
}

TEST(Transaction, FailedCommitStaysOpenAndIsRolledBack) {
  std::vector<std::string> lines;
  int attempts = 0;
  {
    sc::Transaction tx(
        [&]() -> kit::Result<void> {
          ++attempts;
          return kit::fail(kit::ErrorKind::io, "db.busy", "database is locked");
        },
        [&] { lines.push_back("rollback"); });
    auto r = tx.commit();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "db.busy");
    EXPECT_TRUE(tx.is_open());
  }
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(lines, (std::vector<std::string>{"rollback"}));
}

TEST(Transaction, ThrowingCallbacksBecomeErrors) {
  sc::Transaction tx([] { throw std::runtime_error("disk full"); },
                     [] { throw std::runtime_error("gone"); });
  auto c = tx.commit();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "scope.commit_failed");
  EXPECT_EQ(c.error().message, "disk full");
  auto r = tx.rollback();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "scope.rollback_failed");
  EXPECT_EQ(tx.state(), sc::TransactionState::rolled_back);
}

TEST(Transaction, MovedFromDoesNothing) {
  Log log;
  {
    auto tx = sc::Transaction(log.commit(), log.rollback());
    auto moved = std::move(tx);
    EXPECT_EQ(tx.state(), sc::TransactionState::moved_from);  // NOLINT(bugprone-use-after-move)
  }
  EXPECT_EQ(log.lines, (std::vector<std::string>{"rollback"}));
}

TEST(Transaction, BeginFailureIsAnError) {
  Log log;
  auto tx = sc::begin([] { throw std::runtime_error("locked"); }, log.commit(), log.rollback());
  ASSERT_FALSE(tx);
  EXPECT_EQ(tx.error().code, "scope.begin_failed");
  EXPECT_EQ(tx.error().message, "locked");
  EXPECT_TRUE(log.lines.empty());
}

TEST(Transaction, SqliteRowsOnlyAfterCommit) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE TABLE t(x INTEGER)");
  auto begin_tx = [&] {
    return sc::begin([&] { db.exec("BEGIN"); }, [&] { db.exec("COMMIT"); },
                     [&] { db.exec("ROLLBACK"); });
  };
  auto count = [&] { return db.execAndGet("SELECT count(*) FROM t").getInt(); };
  {
    auto tx = begin_tx();
    ASSERT_TRUE(tx);
    db.exec("INSERT INTO t VALUES (1)");
    // left without commit
  }
  EXPECT_EQ(count(), 0);
  try {
    auto tx = begin_tx();
    db.exec("INSERT INTO t VALUES (2)");
    db.exec("INSERT INTO nowhere VALUES (3)");  // throws SQLite::Exception
  } catch (const SQLite::Exception&) {
  }
  EXPECT_EQ(count(), 0);
  {
    auto tx = begin_tx();
    ASSERT_TRUE(tx);
    db.exec("INSERT INTO t VALUES (4)");
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(count(), 1);
  // BEGIN inside a transaction fails: an Error, and the outer one is untouched.
  db.exec("BEGIN");
  auto nested = begin_tx();
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().code, "scope.begin_failed");
  db.exec("ROLLBACK");
}
