// JobStore: every state transition, the lease protocol (expiry, renewal, a lost lease), cancel,
// retry, prune, damaged and foreign databases; work() on real commands and an injected clock.
#include "kit/jobs.hpp"

#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace jb = kit::jobs;
using namespace std::chrono_literals;
using JobState = jb::JobState;

namespace {

constexpr std::int64_t s = 1'000'000'000;  // a second in ns

std::int64_t wall() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class JobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kit-jobs-test-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    path_ = (dir_ / "queue" / "jobs.db").string();  // its folder does not exist yet
    auto store = jb::JobStore::at(path_, clock_);
    ASSERT_TRUE(store) << store.error().message;
    store_.emplace(std::move(*store));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  jb::JobStore& store() { return *store_; }
  std::int64_t submit(std::int64_t priority = 0, std::uint32_t retries = 0) {
    auto id = store().submit({.argv = {"true"}, .priority = priority, .retries = retries});
    EXPECT_TRUE(id) << id.error().message;
    return id.value_or(0);
  }
  JobState state(std::int64_t id) { return store().state(id).value(); }
  // claim(id, worker, now): claimed with a 30 s lease from now.
  bool claim(std::int64_t id, const std::string& worker = "w1", std::int64_t now = 1000 * s) {
    auto job = store().claim(id, worker, now, now + 30 * s);
    EXPECT_TRUE(job) << job.error().message;
    return job && job->has_value();
  }
  jb::AttemptRecord attempt(int status, std::uint32_t number = 1) {
    return {.number = number,
            .started_ns = 1000 * s,
            .duration_ns = s / 10,
            .status = status,
            .outcome = status == 0 ? "exit 0" : "exit " + std::to_string(status),
            .stdout_tail = "out\n",
            .stderr_tail = "",
            .worker = "w1"};
  }

  kit::core::ManualClock clock_;
  std::filesystem::path dir_;
  std::string path_;
  std::optional<jb::JobStore> store_;
};

}  // namespace

TEST_F(JobStoreTest, SubmitNamesTimesAndValidates) {
  clock_.advance(1234s);  // the aging clock's wall time: the epoch + 1234 s
  auto id = store().submit({.argv = {"echo", "hi there"}, .priority = 4});
  ASSERT_TRUE(id);
  auto job = store().get(*id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->spec.name, "echo hi there");
  EXPECT_EQ(job->spec.argv, (std::vector<std::string>{"echo", "hi there"}));
  EXPECT_EQ(job->submitted_ns, 1234 * s);
  EXPECT_EQ(store().aging_now(), 1234 * s);
  EXPECT_EQ(job->state, JobState::queued);
  EXPECT_EQ(job->attempts, 0u);
  EXPECT_FALSE(job->status);
  auto named = store().submit({.argv = {"true"}, .name = "nightly", .timeout = 1500ms});
  ASSERT_TRUE(named);
  EXPECT_EQ(store().get(*named)->spec.name, "nightly");
  EXPECT_EQ(store().get(*named)->spec.timeout, 1500ms);

  auto empty = store().submit({});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "jobs.usage");
  auto negative = store().submit({.argv = {"true"}, .priority = -1});
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().message, "the priority must be 0 or more (got -1)");
  auto missing = store().get(99);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "jobs.no_job");
  EXPECT_EQ(missing.error().message, "no job 99");
  EXPECT_EQ(store().state(99).error().code, "jobs.no_job");
  EXPECT_TRUE(std::filesystem::exists(path_));
}

// queued -> running -> done, -> failed, -> queued again (a retry's backoff) -> running -> done.
TEST_F(JobStoreTest, StateTransitionsThroughAWorker) {
  const auto ok = submit(), bad = submit(), flaky = submit(0, 1);
  EXPECT_EQ(store().pending().value(), 3u);
  for (auto id : {ok, bad, flaky}) ASSERT_TRUE(claim(id));
  EXPECT_EQ(state(ok), JobState::running);
  EXPECT_EQ(store().get(ok)->attempts, 1u);
  EXPECT_FALSE(claim(ok, "w2"));  // one worker at a time

  ASSERT_TRUE(store().finish(ok, "w1", attempt(0), std::nullopt, 1001 * s));
  auto done = store().get(ok).value();
  EXPECT_EQ(done.state, JobState::done);
  EXPECT_EQ(done.status, 0);
  EXPECT_EQ(done.finished_ns, 1001 * s);
  ASSERT_EQ(done.history.size(), 1u);
  EXPECT_EQ(done.history[0].outcome, "exit 0");
  EXPECT_EQ(done.history[0].stdout_tail, "out\n");
  EXPECT_EQ(done.history[0].worker, "w1");

  ASSERT_TRUE(store().finish(bad, "w1", attempt(3), std::nullopt, 1001 * s));
  EXPECT_EQ(state(bad), JobState::failed);
  EXPECT_EQ(store().get(bad)->status, 3);

  ASSERT_TRUE(store().finish(flaky, "w1", attempt(1), 1010 * s, 1001 * s));  // due at 1010 s
  EXPECT_EQ(state(flaky), JobState::queued);
  auto queued = store().queued_after(0).value();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].id, flaky);
  EXPECT_EQ(queued[0].available_ns, 1010 * s);
  EXPECT_FALSE(claim(flaky, "w1", 1009 * s));  // its backoff has not passed
  ASSERT_TRUE(claim(flaky, "w1", 1010 * s));
  EXPECT_EQ(store().get(flaky)->attempts, 2u);
  ASSERT_TRUE(store().finish(flaky, "w1", attempt(0, 2), std::nullopt, 1011 * s));
  EXPECT_EQ(state(flaky), JobState::done);
  EXPECT_EQ(store().get(flaky)->history.size(), 2u);
  EXPECT_EQ(store().pending().value(), 0u);

  EXPECT_EQ(store().list(JobState::done)->size(), 2u);
  EXPECT_EQ(store().list(JobState::failed)->size(), 1u);
  EXPECT_EQ(store().list()->size(), 3u);
}

TEST_F(JobStoreTest, QueueOrderGrowsWithEveryQueueing) {
  const auto a = submit(), b = submit(), c = submit();
  auto all = store().queued_after(0).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, a);
  EXPECT_LT(all[0].seq, all[1].seq);
  EXPECT_LT(all[1].seq, all[2].seq);
  EXPECT_TRUE(store().queued_after(all[2].seq)->empty());
  ASSERT_TRUE(store().cancel(a));
  ASSERT_TRUE(store().retry(a));  // queued again: after the others
  auto again = store().queued_after(all[2].seq).value();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, a);
  (void)b;
  (void)c;
}

TEST_F(JobStoreTest, ALeaseExpiresUnlessRenewed) {
  const auto id = submit();
  ASSERT_TRUE(claim(id, "w1", 1000 * s));  // lease until 1030 s
  EXPECT_EQ(store().requeue_expired(1029 * s).value(), 0u);
  EXPECT_EQ(store().renew("w2", 1090 * s).value(), 0u);  // not w2's
  EXPECT_EQ(store().renew("w1", 1060 * s).value(), 1u);
  EXPECT_EQ(store().requeue_expired(1031 * s).value(), 0u);  // renewed
  EXPECT_EQ(state(id), JobState::running);
  EXPECT_TRUE(store().queued_after(0)->empty());
  EXPECT_EQ(store().requeue_expired(1061 * s).value(), 1u);  // w1 stopped renewing
  EXPECT_EQ(state(id), JobState::queued);
  EXPECT_EQ(store().queued_after(0)->size(), 1u);

  // The late worker's result is recorded, but the job is no longer its to finish.
  ASSERT_TRUE(store().finish(id, "w1", attempt(0), std::nullopt, 1062 * s));
  EXPECT_EQ(state(id), JobState::queued);
  EXPECT_EQ(store().get(id)->history.size(), 1u);
  ASSERT_TRUE(claim(id, "w2", 1063 * s));
  EXPECT_EQ(store().get(id)->attempts, 2u);
  ASSERT_TRUE(store().finish(id, "w2", attempt(0, 2), std::nullopt, 1064 * s));
  EXPECT_EQ(state(id), JobState::done);
}

TEST_F(JobStoreTest, CancelAndRetry) {
  const auto queued = submit(), running = submit(), done = submit();
  ASSERT_TRUE(claim(running));
  ASSERT_TRUE(claim(done));
  ASSERT_TRUE(store().finish(done, "w1", attempt(0), std::nullopt, 1001 * s));

  ASSERT_TRUE(store().cancel(queued));
  EXPECT_EQ(state(queued), JobState::cancelled);
  EXPECT_GT(store().get(queued)->finished_ns, 0);
  EXPECT_FALSE(claim(queued));  // a cancelled job is not claimed
  ASSERT_TRUE(store().cancel(running));
  EXPECT_EQ(state(running), JobState::cancelled);
  // Its worker finishes the attempt: the cancel wins, the status is kept.
  ASSERT_TRUE(store().finish(running, "w1", attempt(143), std::nullopt, 1002 * s));
  EXPECT_EQ(state(running), JobState::cancelled);
  EXPECT_EQ(store().get(running)->status, 143);

  auto again = store().cancel(done);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "jobs.state");
  EXPECT_EQ(again.error().message, "job " + std::to_string(done) +
                                       " is done: only queued or running jobs can be cancelled");
  EXPECT_EQ(store().cancel(42).error().code, "jobs.no_job");

  for (auto id : {queued, running, done}) {
    ASSERT_TRUE(store().retry(id));
    auto job = store().get(id).value();
    EXPECT_EQ(job.state, JobState::queued);
    EXPECT_EQ(job.attempts, 0u);
    EXPECT_EQ(job.finished_ns, 0);
  }
  auto busy = store().retry(queued);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, "jobs.state");
  EXPECT_EQ(busy.error().message,
            "job " + std::to_string(queued) + " is queued: only finished jobs can be retried");
  EXPECT_EQ(store().retry(42).error().code, "jobs.no_job");
}

TEST_F(JobStoreTest, PruneDeletesOnlyJobsFinishedLongEnoughAgo) {
  const auto old = submit(), recent = submit(), waiting = submit(), running = submit();
  for (auto id : {old, recent, running}) ASSERT_TRUE(claim(id));
  const std::int64_t now = wall();
  ASSERT_TRUE(store().finish(old, "w1", attempt(0), std::nullopt, now - 2 * 86400 * s));
  ASSERT_TRUE(store().finish(recent, "w1", attempt(1), std::nullopt, now - 3600 * s));
  EXPECT_EQ(store().prune(std::chrono::hours(72)).value(), 0u);
  EXPECT_EQ(store().prune(std::chrono::hours(24)).value(), 1u);
  EXPECT_EQ(store().get(old).error().code, "jobs.no_job");  // its attempts went with it
  EXPECT_EQ(store().prune(0s).value(), 1u);
  EXPECT_EQ(store().list()->size(), 2u);  // queued and running stay
  EXPECT_EQ(state(waiting), JobState::queued);
  EXPECT_EQ(state(running), JobState::running);
}

TEST_F(JobStoreTest, ADamagedRowIsReportedNotTrusted) {
  const auto id = submit();
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("UPDATE jobs SET argv = '[1, 2]' WHERE id = " + std::to_string(id));
  }
  auto job = store().get(id);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code, "jobs.db");
  EXPECT_NE(job.error().message.find("damaged row (argv is not a list of strings)"),
            std::string::npos);
  EXPECT_FALSE(store().list());
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("UPDATE jobs SET argv = '[\"true\"]', state = 'lost' WHERE id = " + std::to_string(id));
  }
  auto state = store().state(id);
  ASSERT_FALSE(state);
  EXPECT_NE(state.error().message.find("unknown state 'lost'"), std::string::npos);
}

TEST(JobStore, NotADatabaseIsRefusedAndLeftAlone) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("kit-jobs-not-a-db-" + std::to_string(::getpid()) + ".txt"))
                               .string();
  const std::string text(5000, 'x');
  std::ofstream(path, std::ios::binary) << text;
  auto store = jb::JobStore::at(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, "jobs.db");
  EXPECT_EQ(store.error().message, path + ": file is not a database");
  EXPECT_EQ(bytes_of(path), text);
  std::filesystem::remove(path);
}

TEST(JobStore, AnotherProgramsDatabaseIsRefusedBeforeAnyWrite) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("kit-jobs-foreign-" + std::to_string(::getpid()) + ".db"))
                               .string();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT)");
    db.exec("INSERT INTO jobs (title) VALUES ('theirs')");
  }
  const std::string before = bytes_of(path);
  auto store = jb::JobStore::at(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, "jobs.db");
  EXPECT_EQ(store.error().kind, kit::ErrorKind::malformed_input);
  EXPECT_EQ(store.error().message, path + ": not a kit jobs database (it holds other tables)");
  EXPECT_EQ(bytes_of(path), before);
  std::filesystem::remove(path);
}

TEST_F(JobStoreTest, AnEmptyDatabaseBecomesOurs) {
  const std::string path = (dir_ / "empty.db").string();
  { SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); }
  auto store = jb::JobStore::at(path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_TRUE(store->submit({.argv = {"true"}}));
  auto reopened = jb::JobStore::at(path);  // ours now
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->list()->size(), 1u);
}

// The worker on real commands: exit codes, a command that cannot run (127, no retry), retries
// with backoff, output tails; and the order of the aging rule on the injected clock, with no
// waiting: "old" (priority 3) has waited 1 s at 300 ms an interval, so it runs before "new" (2).
TEST_F(JobStoreTest, WorkRunsJobsInAgingOrder) {
  auto old = store().submit({.argv = {"sh", "-c", "echo hello"}, .priority = 3, .name = "old"});
  clock_.advance(1s);
  auto fresh = store().submit(
      {.argv = {"sh", "-c", "exit 4"}, .priority = 2, .name = "new", .retries = 1, .backoff = 1ms});
  auto missing = store().submit({.argv = {"/nonexistent/kit-test"}, .priority = 9, .retries = 3});
  ASSERT_TRUE(old && fresh && missing);
  std::vector<std::pair<std::string, std::int64_t>> started;
  auto ran = jb::work(store(), {.jobs = 1,
                                .drain = true,
                                .aging_interval = 300ms,
                                .poll = std::chrono::milliseconds(5),
                                .on_start = [&](const jb::Job& j, std::int64_t effective) {
                                  started.emplace_back(j.spec.name, effective);
                                }});
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_EQ(*ran, 4u);  // old, new twice, missing once
  ASSERT_GE(started.size(), 2u);
  EXPECT_EQ(started[0], (std::pair<std::string, std::int64_t>{"old", 0}));
  EXPECT_EQ(started[1], (std::pair<std::string, std::int64_t>{"new", 2}));
  auto o = store().get(*old).value();
  EXPECT_EQ(o.state, JobState::done);
  ASSERT_EQ(o.history.size(), 1u);
  EXPECT_EQ(o.history[0].stdout_tail, "hello\n");
  auto f = store().get(*fresh).value();
  EXPECT_EQ(f.state, JobState::failed);
  EXPECT_EQ(f.status, 4);
  EXPECT_EQ(f.attempts, 2u);
  auto m = store().get(*missing).value();
  EXPECT_EQ(m.state, JobState::failed);
  EXPECT_EQ(m.status, 127);
  EXPECT_EQ(m.attempts, 1u);  // a command that cannot run is not retried
}
