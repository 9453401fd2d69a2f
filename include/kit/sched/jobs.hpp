// kit/sched/jobs.hpp — a durable local job queue in SQLite, and the worker that runs it.
//
// Jobs are commands (argv, no shell) with a priority, retries with backoff and a time limit.
// Every state change is one transaction. A worker keeps the queued jobs in an AgingScheduler
// (O(log n) to pick the next) and claims each in the database before running it; a claim is a
// lease that the worker renews while the job runs, so a worker killed with SIGKILL leaves its
// jobs to be re-queued by the next worker once the lease runs out. Several workers on one
// database cooperate: a job is claimed by one of them at a time.
//
// Example:
//   auto store = kit::sched::JobStore::open("jobs.db");          // Result<JobStore>
//   auto id = store->submit({.argv = {"make", "report"}, .priority = 3});
//   kit::sched::work(*store, {.jobs = 2, .drain = true});        // runs it, returns when done
//   store->get(*id)->state;                                       // JobState::done
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::sched {

enum class JobState : std::uint8_t { queued, running, done, failed, cancelled };
[[nodiscard]] std::string_view job_state_name(JobState state);
[[nodiscard]] std::optional<JobState> parse_job_state(std::string_view text);

struct JobSpec {
  std::vector<std::string> argv;
  std::int64_t priority = 0;  // lower runs first; 0 or more
  std::string name;           // empty: the command line
  std::uint32_t retries = 0;  // attempts after the first failure
  std::chrono::milliseconds backoff{1000};  // the first retry's base wait (factor 2, full jitter)
  std::optional<std::chrono::milliseconds> timeout{};
};

struct AttemptRecord {
  std::uint32_t number = 0;
  std::int64_t started_ns = 0;  // wall clock, since the epoch
  std::int64_t duration_ns = 0;
  int status = 0;               // as a shell reports it (124: timed out, 128+N: signal N)
  std::string outcome;          // "exit 0", "timed out", "killed by SIGKILL", "lease expired"
  std::string stdout_tail, stderr_tail;  // the last 4 KiB of each
  std::string worker;
};

struct Job {
  std::int64_t id = 0;
  JobSpec spec;
  JobState state = JobState::queued;
  std::int64_t submitted_ns = 0;  // wall clock, since the epoch
  std::int64_t finished_ns = 0;
  std::uint32_t attempts = 0;
  std::optional<int> status;      // the last attempt's
  std::vector<AttemptRecord> history;  // filled by get()
};

class JobStore {
 public:
  // open(path): creates the database and its folder when missing; WAL mode. Errors: not a
  // kit jobs database, corrupt, locked past the busy timeout (sched.db).
  [[nodiscard]] static Result<JobStore> open(const std::string& path);
  JobStore(JobStore&&) noexcept;
  JobStore& operator=(JobStore&&) noexcept;
  ~JobStore();

  [[nodiscard]] Result<std::int64_t> submit(const JobSpec& spec);
  [[nodiscard]] Result<Job> get(std::int64_t id);  // with its attempt history
  [[nodiscard]] Result<std::vector<Job>> list(std::optional<JobState> state = std::nullopt);
  // cancel(id): a queued job is cancelled; a running one is cancelled and its worker stops it.
  [[nodiscard]] Result<void> cancel(std::int64_t id);
  // retry(id): a finished (done, failed, cancelled) job queued again, its attempts reset.
  [[nodiscard]] Result<void> retry(std::int64_t id);
  // prune(older_than): finished jobs that finished that long ago deleted; how many.
  [[nodiscard]] Result<std::size_t> prune(std::chrono::nanoseconds older_than);

 private:
  friend Result<std::size_t> work(JobStore& store, const struct WorkOptions& options);
  JobStore();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct WorkOptions {
  unsigned jobs = 1;     // run this many at a time
  bool drain = false;    // return when nothing is queued or running
  std::chrono::nanoseconds aging_interval = std::chrono::seconds(5);
  std::int64_t aging_boost = 1;
  std::chrono::milliseconds lease{30000};  // renewed every third of it while a job runs
  std::chrono::milliseconds poll{200};     // how often the database is read for new jobs
  // on_start(job, effective priority) as a job is claimed; on_finish after each attempt.
  std::function<void(const Job&, std::int64_t)> on_start{};
  std::function<void(const Job&, const AttemptRecord&)> on_finish{};
  std::function<bool()> stop{};  // asked between jobs: true ends the loop (running jobs finish)
};
// work(store, options): runs queued jobs until stopped (or drained). The number of attempts run.
[[nodiscard]] Result<std::size_t> work(JobStore& store, const WorkOptions& options);

// default_jobs_path(): $KIT_JOBS_DB, else $XDG_DATA_HOME/kit/jobs.db, else
// ~/.local/share/kit/jobs.db.
[[nodiscard]] std::string default_jobs_path();

}  // namespace kit::sched
