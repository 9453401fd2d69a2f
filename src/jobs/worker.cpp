// work(): the worker loop. Queued jobs go into an AgingScheduler on the store's aging clock;
// each is claimed (a lease, renewed while it runs) and run on a thread of its own.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <queue>
#include <thread>
#include <tuple>

#include <fmt/core.h>

#include "backend.hpp"
#include "kit/core/process.hpp"
#include "kit/jobs.hpp"
#include "kit/sched/queue.hpp"
#include "kit/timing.hpp"

namespace kit::jobs {

namespace {

constexpr std::size_t tail_bytes = 4096;

std::string tail_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff from =
      std::max<std::streamoff>(0, size - static_cast<std::streamoff>(tail_bytes));
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

struct Claimed {
  std::int64_t id;
  std::uint32_t attempt;
  JobSpec spec;
};

struct Finished {
  Claimed job;
  AttemptRecord record;
  bool fatal = false;  // the command cannot run at all: no retry helps
};

// A queued job waiting for its backoff to pass before it enters the scheduler.
struct Delayed {
  QueuedJob job;
  // Due first; among the due, in the order they were queued (the scheduler's tie-break).
  bool operator>(const Delayed& o) const {
    return std::tie(job.available_ns, job.seq, job.id) >
           std::tie(o.job.available_ns, o.job.seq, o.job.id);
  }
};

// Output folders of workers that were killed (their pid is gone) are removed.
void remove_dead_scratch() {
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
    const std::string base = entry.path().filename().string();
    if (!base.starts_with("kit-jobs-")) continue;
    const long pid = std::strtol(base.c_str() + 9, nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      std::filesystem::remove_all(entry.path(), ec);
  }
}

// run_attempt(job, worker, cancel_fd, scratch): one attempt of the command, its output's
// tails kept.
Finished run_attempt(const Claimed& job, const std::string& worker, int cancel_fd,
                     const std::filesystem::path& scratch) {
  const std::string out = (scratch / fmt::format("{}.out", job.id)).string();
  const std::string err = (scratch / fmt::format("{}.err", job.id)).string();
  Finished f{job, {}, false};
  f.record.number = job.attempt;
  f.record.started_ns = detail::wall_ns();
  f.record.worker = worker;
  core::ProcessOptions p{.argv = job.spec.argv,
                         .no_input = true,
                         .stdout_path = out,
                         .stderr_path = err,
                         .die_with_parent = true};
  p.cancel_fd = cancel_fd;
  if (job.spec.timeout) p.timeout = *job.spec.timeout;
  auto result = core::run_process(p);
  if (result) {
    f.record.status = result->status();
    f.record.outcome = core::describe(*result);
    f.record.duration_ns = result->wall.count();
  } else {
    f.fatal = true;
    f.record.status = core::exec_failure_status(result.error()).value_or(127);
    f.record.outcome = result.error().message;
    f.record.duration_ns = detail::wall_ns() - f.record.started_ns;
  }
  f.record.stdout_tail = tail_of(out);
  f.record.stderr_tail = tail_of(err);
  std::error_code ignored;
  std::filesystem::remove(out, ignored);
  std::filesystem::remove(err, ignored);
  return f;
}

}  // namespace

Result<std::size_t> work(JobStore& store, const WorkOptions& o) {
  const std::string me = fmt::format("pid {}", ::getpid());
  const unsigned slots = std::max(1u, o.jobs);
  const std::int64_t lease_ns = std::chrono::nanoseconds(o.lease).count();
  // The aging scheduler runs on the store's aging clock: times are passed to it.
  sched::AgingScheduler aging({.interval = o.aging_interval, .boost = o.aging_boost});
  std::map<sched::AgingScheduler::Id, std::int64_t> queued;  // scheduler id -> job id
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed;
  std::int64_t last_seq = 0;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Finished> finished;
  struct Running {
    std::thread thread;
    int cancel[2] = {-1, -1};
  };
  std::map<std::int64_t, Running> running;
  std::size_t attempts_run = 0;
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / fmt::format("kit-jobs-{}", ::getpid());
  remove_dead_scratch();
  std::error_code ec;
  std::filesystem::create_directories(scratch, ec);
  std::int64_t last_renewal = 0;
  std::optional<Error> failure;
  // check(result): false (and the loop ends) on the store's first error.
  auto check = [&](const auto& result) {
    if (!result && !failure) failure = result.error();
    return static_cast<bool>(result);
  };
  auto start = [&](Claimed job) {
    Running& r = running[job.id];
    if (::pipe2(r.cancel, O_CLOEXEC) != 0) r.cancel[0] = r.cancel[1] = -1;
    r.thread = std::thread([&, job = std::move(job), cancel_fd = r.cancel[0]] {
      Finished f = run_attempt(job, me, cancel_fd, scratch);
      {
        std::lock_guard lock(mutex);
        finished.push_back(std::move(f));
      }
      wake.notify_one();
    });
  };

  bool stopping = false;
  while (!failure) {
    const std::int64_t now = detail::wall_ns();
    // Jobs whose worker stopped renewing their lease (killed, hung machine) are queued again.
    if (!check(store.requeue_expired(now))) break;
    // What became queued since the last look goes into the scheduler (or waits its backoff).
    auto fresh = store.queued_after(last_seq);
    if (!check(fresh)) break;
    for (const QueuedJob& q : *fresh) {
      last_seq = std::max(last_seq, q.seq);
      delayed.push({q});
    }
    while (!delayed.empty() && delayed.top().job.available_ns <= now) {
      const QueuedJob q = delayed.top().job;
      delayed.pop();
      queued[aging.submit_at(q.priority, std::chrono::nanoseconds(q.submitted_ns))] = q.id;
    }
    // Results: one transaction each.
    std::deque<Finished> done;
    {
      std::lock_guard lock(mutex);
      done.swap(finished);
    }
    for (Finished& f : done) {
      Running& r = running[f.job.id];
      r.thread.join();
      for (int fd : r.cancel)
        if (fd >= 0) ::close(fd);
      running.erase(f.job.id);
      ++attempts_run;
      if (failure) continue;
      const std::int64_t t = detail::wall_ns();
      std::optional<std::int64_t> retry_at;
      if (f.record.status != 0 && !f.fatal && f.job.attempt <= f.job.spec.retries) {
        timing::Backoff wait({.base = f.job.spec.backoff,
                              .factor = 2,
                              .max_delay = std::chrono::hours(1),
                              .max_attempts = 0,
                              .jitter = timing::Jitter::full});
        retry_at = t + std::chrono::nanoseconds(wait.delay(f.job.attempt)).count();
      }
      if (!check(store.finish(f.job.id, me, f.record, retry_at, t))) continue;
      if (o.on_finish) {
        auto job = store.get(f.job.id);
        if (job) o.on_finish(*job, f.record);
      }
    }
    // Leases renewed while jobs run; a job cancelled meanwhile is stopped.
    if (!failure && !running.empty() && now - last_renewal >= lease_ns / 3) {
      last_renewal = now;
      check(store.renew(me, now + lease_ns));
    }
    for (auto& [id, r] : running) {
      if (failure) break;
      auto s = store.state(id);
      if (!check(s)) break;
      if (*s == JobState::cancelled && r.cancel[1] >= 0) {
        [[maybe_unused]] auto n = ::write(r.cancel[1], "x", 1);
        ::close(r.cancel[1]);
        r.cancel[1] = -1;
      }
    }
    if (o.stop && o.stop()) stopping = true;
    // Claim the best queued jobs for the free slots.
    while (!stopping && !failure && running.size() < slots) {
      auto next = aging.pop_at(std::chrono::nanoseconds(store.aging_now()));
      if (!next) break;
      const std::int64_t id = queued[next->id];
      queued.erase(next->id);
      const std::int64_t t = detail::wall_ns();
      auto claimed = store.claim(id, me, t, t + lease_ns);
      if (!check(claimed) || !*claimed) continue;  // taken by another worker, or cancelled
      const Job& job = **claimed;
      if (o.on_start) o.on_start(job, next->effective);
      start({id, job.attempts, job.spec});
    }
    if (failure || (stopping && running.empty())) break;
    if (o.drain && running.empty() && aging.size() == 0 && delayed.empty()) {
      auto pending = store.pending();
      if (!check(pending)) break;
      if (*pending == 0) break;
    }
    std::unique_lock lock(mutex);
    wake.wait_for(lock, o.poll, [&] { return !finished.empty(); });
  }
  for (auto& [id, r] : running) {  // a store error: let the running jobs finish
    r.thread.join();
    for (int fd : r.cancel)
      if (fd >= 0) ::close(fd);
  }
  std::filesystem::remove_all(scratch, ec);
  if (failure) return tl::unexpected(*failure);
  return attempts_run;
}

}  // namespace kit::jobs
