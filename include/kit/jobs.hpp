// kit/jobs.hpp — a durable local job queue, and the worker that runs it.
//
// Jobs are commands (argv, no shell) with a priority, retries with backoff and a time limit.
// Every state change is one transaction. A worker keeps the queued jobs in a
// kit::sched::AgingScheduler (O(log n) to pick the next) and claims each in the store before
// running it; a claim is a lease that the worker renews while the job runs, so a worker killed
// with SIGKILL leaves its jobs to be re-queued by the next worker once the lease runs out.
// Several workers on one store cooperate: a job is claimed by one of them at a time.
//
// The store is SQLite (WAL) today; the backend sits behind JobStore, so that another one (a
// PostgreSQL server for workers on several machines) plugs in without touching the worker.
//
// Two times: the aging clock (the injected core::Clock's system_now(), which SOURCE_DATE_EPOCH
// fixes) gives submission times and the "now" of effective priorities, so tests age jobs
// without waiting; leases, backoff, attempts and finish times are the machine's wall time,
// which every worker on the store shares. The lease protocol takes those times as arguments.
//
// Example:
//   auto store = kit::jobs::JobStore::at("jobs.db");             // Result<JobStore>
//   auto id = store->submit({.argv = {"make", "report"}, .priority = 3});
//   auto ran = kit::jobs::work(*store, {.jobs = 2, .drain = true});   // returns when done
//   store->get(*id)->state;                                        // JobState::done
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/clock.hpp"
#include "kit/core/error.hpp"

namespace kit::jobs {

enum class JobState : std::uint8_t { queued, running, done, failed, cancelled };
[[nodiscard]] std::string_view job_state_name(JobState state);
[[nodiscard]] std::optional<JobState> parse_job_state(std::string_view text);

struct JobSpec {
  std::vector<std::string> argv;
  std::int64_t priority = 0;                // lower runs first; 0 or more
  std::string name{};                       // empty: the command line
  std::uint32_t retries = 0;                // attempts after the first failure
  std::chrono::milliseconds backoff{1000};  // the first retry's base wait (factor 2, full jitter)
  std::optional<std::chrono::milliseconds> timeout{};
};

struct AttemptRecord {
  std::uint32_t number = 0;
  std::int64_t started_ns = 0;  // wall clock, since the epoch
  std::int64_t duration_ns = 0;
  int status = 0;       // as a shell reports it (124: timed out, 128+N: signal N, 127/126)
  std::string outcome;  // "exit 0", "timed out", "killed by SIGKILL", "lease expired"
  std::string stdout_tail, stderr_tail;  // the last 4 KiB of each
  std::string worker;
};

struct Job {
  std::int64_t id = 0;
  JobSpec spec;
  JobState state = JobState::queued;
  std::int64_t submitted_ns = 0;  // aging clock, since the epoch
  std::int64_t finished_ns = 0;   // wall clock
  std::uint32_t attempts = 0;
  std::optional<int> status;           // the last attempt's
  std::vector<AttemptRecord> history;  // filled by get()
};

// QueuedJob: what a worker needs to schedule a queued job.
struct QueuedJob {
  std::int64_t id = 0;
  std::int64_t priority = 0;
  std::int64_t submitted_ns = 0;  // aging clock
  std::int64_t available_ns = 0;  // wall clock: not before (a retry's backoff)
  std::int64_t seq = 0;           // the queue's order: grows each time a job is (re)queued
};

namespace detail {
class Backend;
}

class JobStore {
 public:
  // at(path, clock): the store in the SQLite database at path, created with its folder when
  // missing (WAL mode). `clock` is the aging clock. Errors (jobs.db): not a database, corrupt,
  // another program's database (refused before anything is written), locked past the busy
  // timeout.
  [[nodiscard]] static Result<JobStore> at(const std::string& path,
                                           core::Clock& clock = core::steady_clock());
  JobStore(JobStore&&) noexcept;
  JobStore& operator=(JobStore&&) noexcept;
  ~JobStore();

  // aging_now(): the aging clock's now, in ns since the epoch (for effective priorities).
  [[nodiscard]] std::int64_t aging_now() const;

  // submit(spec): the new job's id. Errors (jobs.usage): no command, a negative priority.
  [[nodiscard]] Result<std::int64_t> submit(const JobSpec& spec);
  [[nodiscard]] Result<Job> get(std::int64_t id);  // with its attempt history; jobs.no_job
  [[nodiscard]] Result<std::vector<Job>> list(std::optional<JobState> state = std::nullopt);
  // cancel(id): a queued job is cancelled; a running one is cancelled and its worker stops it.
  // Errors: jobs.no_job, jobs.state (it has finished).
  [[nodiscard]] Result<void> cancel(std::int64_t id);
  // retry(id): a finished (done, failed, cancelled) job queued again, its attempts reset.
  // Errors: jobs.no_job, jobs.state (it is queued or running).
  [[nodiscard]] Result<void> retry(std::int64_t id);
  // prune(older_than): finished jobs that finished that long ago deleted; how many.
  [[nodiscard]] Result<std::size_t> prune(std::chrono::nanoseconds older_than);

  // ---- The lease protocol: what work() does, a transaction a step. Times: wall clock, ns.
  // requeue_expired(now): running jobs whose lease ended before `now` queued again; how many.
  [[nodiscard]] Result<std::size_t> requeue_expired(std::int64_t now);
  // queued_after(seq): the queued jobs whose seq is above `seq`, in queue order.
  [[nodiscard]] Result<std::vector<QueuedJob>> queued_after(std::int64_t seq);
  // claim(id, worker, now, lease_until): the job, now running under `worker`'s lease with its
  // attempt counted; nullopt when it is not queued and due at `now` (another worker took it,
  // it was cancelled, its backoff has not passed).
  [[nodiscard]] Result<std::optional<Job>> claim(std::int64_t id, const std::string& worker,
                                                 std::int64_t now, std::int64_t lease_until);
  // renew(worker, lease_until): the leases of the worker's running jobs extended; how many.
  [[nodiscard]] Result<std::size_t> renew(const std::string& worker, std::int64_t lease_until);
  // finish(id, worker, attempt, retry_at, now): the attempt recorded, and the job queued again
  // (due at *retry_at) or finished at `now` (done on status 0, else failed) — while it is still
  // the worker's: a cancel or a lost lease wins (a cancelled job keeps the attempt's status).
  [[nodiscard]] Result<void> finish(std::int64_t id, const std::string& worker,
                                    const AttemptRecord& attempt,
                                    std::optional<std::int64_t> retry_at, std::int64_t now);
  // state(id): the job's state; jobs.no_job.
  [[nodiscard]] Result<JobState> state(std::int64_t id);
  // pending(): how many jobs are queued or running.
  [[nodiscard]] Result<std::size_t> pending();

 private:
  JobStore(std::unique_ptr<detail::Backend> backend, core::Clock& clock);
  std::unique_ptr<detail::Backend> backend_;
  core::Clock* clock_;
};

struct WorkOptions {
  unsigned jobs = 1;   // run this many at a time
  bool drain = false;  // return when nothing is queued or running
  std::chrono::nanoseconds aging_interval = std::chrono::seconds(5);
  std::int64_t aging_boost = 1;
  std::chrono::milliseconds lease{30000};  // renewed every third of it while a job runs
  std::chrono::milliseconds poll{200};     // how often the store is read for new jobs
  // on_start(job, effective priority) as a job is claimed; on_finish after each attempt.
  std::function<void(const Job&, std::int64_t)> on_start{};
  std::function<void(const Job&, const AttemptRecord&)> on_finish{};
  std::function<bool()> stop{};  // asked between jobs: true ends the loop (running jobs finish)
};
// effective_priority(job, now, options): the aging rule for a job at `now` (aging clock, ns
// since the epoch), with the options' interval and boost: what a worker ranks it by.
[[nodiscard]] std::int64_t effective_priority(const Job& job, std::int64_t now,
                                              const WorkOptions& options);

// work(store, options): runs queued jobs until stopped (or drained). The number of attempts run.
[[nodiscard]] Result<std::size_t> work(JobStore& store, const WorkOptions& options);

// default_jobs_path(): $KIT_JOBS_DB, else $XDG_DATA_HOME/kit/jobs.db, else
// ~/.local/share/kit/jobs.db.
[[nodiscard]] std::string default_jobs_path();

}  // namespace kit::jobs
