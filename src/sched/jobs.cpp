// The durable job queue: SQLite (WAL) through SQLiteCpp, and the worker loop.
#include "kit/sched/jobs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cerrno>
#include <csignal>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <thread>
#include <tuple>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "kit/core/clock.hpp"
#include "kit/core/process.hpp"
#include "kit/sched.hpp"
#include "kit/timing.hpp"

namespace kit::sched {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t tail_bytes = 4096;

// The aging clock: submission times and "now" for effective priorities. core::now() is the
// wall clock unless SOURCE_DATE_EPOCH fixes it, which lets tests age jobs without waiting.
std::int64_t aging_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(core::now().time_since_epoch()).count();
}

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error db_error(const std::string& what) {
  return make_error(ErrorKind::io, "sched.db", what);
}

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS kit_jobs_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO kit_jobs_meta VALUES ('schema', '1');
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  argv TEXT NOT NULL,
  priority INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  backoff_ms INTEGER NOT NULL,
  timeout_ms INTEGER,
  state TEXT NOT NULL,
  submitted_ns INTEGER NOT NULL,
  available_ns INTEGER NOT NULL DEFAULT 0,
  queue_seq INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until_ns INTEGER,
  finished_ns INTEGER,
  status INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (state, queue_seq);
CREATE TABLE IF NOT EXISTS attempts (
  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  started_ns INTEGER NOT NULL,
  duration_ns INTEGER NOT NULL,
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  stdout_tail BLOB NOT NULL,
  stderr_tail BLOB NOT NULL,
  worker TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_job ON attempts (job_id);
)sql";

std::string tail_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff from = std::max<std::streamoff>(0, size - static_cast<std::streamoff>(tail_bytes));
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

}  // namespace

std::string_view job_state_name(JobState state) {
  switch (state) {
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::done: return "done";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
  }
  return "queued";
}

std::optional<JobState> parse_job_state(std::string_view text) {
  for (JobState s : {JobState::queued, JobState::running, JobState::done, JobState::failed, JobState::cancelled})
    if (text == job_state_name(s)) return s;
  return std::nullopt;
}

std::string default_jobs_path() {
  if (const char* env = std::getenv("KIT_JOBS_DB"); env != nullptr && *env != '\0') return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/')
    return std::string(xdg) + "/kit/jobs.db";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/share/kit/jobs.db";
}

struct JobStore::Impl {
  std::unique_ptr<SQLite::Database> db;
  std::string path;

  // write(fn): fn in one IMMEDIATE transaction (the write lock up front: no upgrade deadlocks
  // between workers).
  template <class Fn>
  Result<void> write(Fn&& fn) {
    try {
      SQLite::Transaction t(*db, SQLite::TransactionBehavior::IMMEDIATE);
      fn();
      t.commit();
      return {};
    } catch (const std::exception& e) {
      return tl::unexpected(db_error(fmt::format("{}: {}", path, e.what())));
    }
  }
  std::int64_t next_seq() {
    return db->execAndGet("SELECT COALESCE(MAX(queue_seq), 0) + 1 FROM jobs").getInt64();
  }
  Job row_to_job(SQLite::Statement& q) {
    Job j;
    j.id = q.getColumn(0).getInt64();
    j.spec.name = q.getColumn(1).getString();
    // A row damaged by hand is reported, not trusted: argv must be a list of strings.
    const auto argv = nlohmann::json::parse(q.getColumn(2).getString(), nullptr, false);
    if (!argv.is_array() || argv.empty())
      throw std::runtime_error(fmt::format("job {}: damaged row (argv is not a list of strings)", j.id));
    for (const auto& a : argv) {
      if (!a.is_string())
        throw std::runtime_error(fmt::format("job {}: damaged row (argv is not a list of strings)", j.id));
      j.spec.argv.push_back(a.get<std::string>());
    }
    j.spec.priority = q.getColumn(3).getInt64();
    j.spec.retries = static_cast<std::uint32_t>(q.getColumn(4).getInt64());
    j.spec.backoff = std::chrono::milliseconds(q.getColumn(5).getInt64());
    if (!q.getColumn(6).isNull()) j.spec.timeout = std::chrono::milliseconds(q.getColumn(6).getInt64());
    const auto state = parse_job_state(q.getColumn(7).getString());
    if (!state) throw std::runtime_error(fmt::format("job {}: damaged row (unknown state '{}')", j.id, q.getColumn(7).getString()));
    j.state = *state;
    j.submitted_ns = q.getColumn(8).getInt64();
    j.attempts = static_cast<std::uint32_t>(q.getColumn(9).getInt64());
    j.finished_ns = q.getColumn(10).isNull() ? 0 : q.getColumn(10).getInt64();
    if (!q.getColumn(11).isNull()) j.status = q.getColumn(11).getInt();
    return j;
  }
};

constexpr const char* job_columns =
    "id, name, argv, priority, retries, backoff_ms, timeout_ms, state, submitted_ns, attempts, "
    "finished_ns, status";

JobStore::JobStore() : impl_(std::make_unique<Impl>()) {}
JobStore::JobStore(JobStore&&) noexcept = default;
JobStore& JobStore::operator=(JobStore&&) noexcept = default;
JobStore::~JobStore() = default;

Result<JobStore> JobStore::open(const std::string& path) {
  JobStore store;
  store.impl_->path = path;
  try {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    store.impl_->db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Database& db = *store.impl_->db;
    db.setBusyTimeout(10000);
    // Another program's database (or not a database: this read fails) is refused before
    // anything is written to it; an empty one becomes ours.
    const bool ours = db.tableExists("kit_jobs_meta");
    const bool empty = db.execAndGet("SELECT COUNT(*) FROM sqlite_master").getInt64() == 0;
    if (!ours && !empty)
      return fail(ErrorKind::malformed_input, "sched.db",
                  fmt::format("{}: not a kit jobs database (it holds other tables)", path));
    if (!ours) {
      db.exec("PRAGMA journal_mode=WAL");
      db.exec(schema);
    }
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA foreign_keys=ON");
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(fmt::format("{}: {}", path, e.what())));
  }
  return store;
}

Result<std::int64_t> JobStore::submit(const JobSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty())
    return fail(ErrorKind::invalid_argument, "sched.usage", "no command to run");
  if (spec.priority < 0)
    return fail(ErrorKind::invalid_argument, "sched.usage",
                fmt::format("the priority must be 0 or more (got {})", spec.priority));
  std::int64_t id = 0;
  std::string name = spec.name;
  if (name.empty())
    for (const std::string& a : spec.argv) name += (name.empty() ? "" : " ") + a;
  auto r = impl_->write([&] {
    SQLite::Statement q(*impl_->db,
                        "INSERT INTO jobs (name, argv, priority, retries, backoff_ms, timeout_ms, state, "
                        "submitted_ns, queue_seq) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)");
    q.bind(1, name);
    q.bind(2, nlohmann::json(spec.argv).dump());
    q.bind(3, static_cast<std::int64_t>(spec.priority));
    q.bind(4, static_cast<std::int64_t>(spec.retries));
    q.bind(5, static_cast<std::int64_t>(spec.backoff.count()));
    if (spec.timeout) q.bind(6, static_cast<std::int64_t>(spec.timeout->count()));
    q.bind(7, aging_ns());
    q.bind(8, impl_->next_seq());
    q.exec();
    id = impl_->db->getLastInsertRowid();
  });
  if (!r) return tl::unexpected(r.error());
  return id;
}

Result<Job> JobStore::get(std::int64_t id) {
  try {
    SQLite::Statement q(*impl_->db, fmt::format("SELECT {} FROM jobs WHERE id = ?", job_columns));
    q.bind(1, id);
    if (!q.executeStep()) return fail(ErrorKind::not_found, "sched.no_job", fmt::format("no job {}", id));
    Job j = impl_->row_to_job(q);
    SQLite::Statement a(*impl_->db,
                        "SELECT number, started_ns, duration_ns, status, outcome, stdout_tail, "
                        "stderr_tail, worker FROM attempts WHERE job_id = ? ORDER BY rowid");
    a.bind(1, id);
    while (a.executeStep())
      j.history.push_back({static_cast<std::uint32_t>(a.getColumn(0).getInt64()), a.getColumn(1).getInt64(),
                           a.getColumn(2).getInt64(), a.getColumn(3).getInt(), a.getColumn(4).getString(),
                           a.getColumn(5).getString(), a.getColumn(6).getString(), a.getColumn(7).getString()});
    return j;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(fmt::format("{}: {}", impl_->path, e.what())));
  }
}

Result<std::vector<Job>> JobStore::list(std::optional<JobState> state) {
  try {
    SQLite::Statement q(*impl_->db, fmt::format("SELECT {} FROM jobs {} ORDER BY id", job_columns,
                                                state ? "WHERE state = ?" : ""));
    if (state) q.bind(1, std::string(job_state_name(*state)));
    std::vector<Job> jobs;
    while (q.executeStep()) jobs.push_back(impl_->row_to_job(q));
    return jobs;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(fmt::format("{}: {}", impl_->path, e.what())));
  }
}

Result<void> JobStore::cancel(std::int64_t id) {
  int changed = 0;
  auto r = impl_->write([&] {
    SQLite::Statement q(*impl_->db,
                        "UPDATE jobs SET state = 'cancelled', finished_ns = ? WHERE id = ? AND state "
                        "IN ('queued', 'running')");
    q.bind(1, wall_ns());
    q.bind(2, id);
    changed = q.exec();
  });
  if (!r) return r;
  if (changed == 0) {
    auto job = get(id);
    if (!job) return tl::unexpected(job.error());
    return fail(ErrorKind::invalid_argument, "sched.state",
                fmt::format("job {} is {}: only queued or running jobs can be cancelled", id,
                            job_state_name(job->state)));
  }
  return {};
}

Result<void> JobStore::retry(std::int64_t id) {
  int changed = 0;
  auto r = impl_->write([&] {
    SQLite::Statement q(*impl_->db,
                        "UPDATE jobs SET state = 'queued', attempts = 0, available_ns = 0, finished_ns = "
                        "NULL, lease_owner = NULL, queue_seq = ? WHERE id = ? AND state IN ('done', "
                        "'failed', 'cancelled')");
    q.bind(1, impl_->next_seq());
    q.bind(2, id);
    changed = q.exec();
  });
  if (!r) return r;
  if (changed == 0) {
    auto job = get(id);
    if (!job) return tl::unexpected(job.error());
    return fail(ErrorKind::invalid_argument, "sched.state",
                fmt::format("job {} is {}: only finished jobs can be retried", id, job_state_name(job->state)));
  }
  return {};
}

Result<std::size_t> JobStore::prune(std::chrono::nanoseconds older_than) {
  int deleted = 0;
  auto r = impl_->write([&] {
    SQLite::Statement q(*impl_->db,
                        "DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND "
                        "finished_ns <= ?");
    q.bind(1, wall_ns() - older_than.count());
    deleted = q.exec();
  });
  if (!r) return tl::unexpected(r.error());
  return static_cast<std::size_t>(deleted);
}

// ---- The worker -----------------------------------------------------------------------------

namespace {

struct Claimed {
  std::int64_t id;
  std::uint32_t attempt;
  JobSpec spec;
};

struct Finished {
  std::int64_t id;
  std::uint32_t attempt;
  AttemptRecord record;
  bool fatal = false;  // the command cannot run at all: no retry helps
};

struct Delayed {
  std::int64_t available_ns, seq, id, priority, submitted_ns;
  // Due first; among the due, in the order they were queued (the scheduler's tie-break).
  bool operator>(const Delayed& o) const {
    return std::tie(available_ns, seq, id) > std::tie(o.available_ns, o.seq, o.id);
  }
};

}  // namespace

Result<std::size_t> work(JobStore& store, const WorkOptions& o) {
  JobStore::Impl& db = *store.impl_;
  const std::string me = fmt::format("pid {}", ::getpid());
  const unsigned slots = std::max(1u, o.jobs);
  AgingScheduler aging({.interval = o.aging_interval, .boost = o.aging_boost,
                        .clock = [] { return std::chrono::nanoseconds(aging_ns()); }});
  std::map<AgingScheduler::Id, std::int64_t> queued;  // scheduler id -> job id
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
  std::error_code ec;
  // Output folders of workers that were killed (their pid is gone) are removed.
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
    const std::string base = entry.path().filename().string();
    if (!base.starts_with("kit-jobs-")) continue;
    const long pid = std::strtol(base.c_str() + 9, nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      std::filesystem::remove_all(entry.path(), ec);
  }
  std::filesystem::create_directories(scratch, ec);
  std::int64_t last_renewal = 0;
  Error failure{};
  bool failed = false;

  auto guard = [&](auto&& fn) {
    if (failed) return;
    try {
      fn();
    } catch (const std::exception& e) {
      failure = db_error(fmt::format("{}: {}", db.path, e.what()));
      failed = true;
    }
  };
  auto start = [&](Claimed job) {
    Running& r = running[job.id];
    if (::pipe2(r.cancel, O_CLOEXEC) != 0) r.cancel[0] = r.cancel[1] = -1;
    const int cancel_fd = r.cancel[0];
    const std::string out = (scratch / fmt::format("{}.out", job.id)).string();
    const std::string err = (scratch / fmt::format("{}.err", job.id)).string();
    r.thread = std::thread([&, job, cancel_fd, out, err] {
      Finished f{job.id, job.attempt, {}, false};
      f.record.number = job.attempt;
      f.record.started_ns = wall_ns();
      f.record.worker = me;
      core::ProcessOptions p{.argv = job.spec.argv, .no_input = true, .stdout_path = out,
                             .stderr_path = err, .die_with_parent = true};
      p.cancel_fd = cancel_fd;
      if (job.spec.timeout) p.timeout = *job.spec.timeout;
      auto result = core::run_process(p);
      if (result) {
        f.record.status = result->status();
        f.record.outcome = core::describe(*result);
        f.record.duration_ns = result->wall.count();
      } else {
        f.fatal = true;
        f.record.status = result.error().code == "core.not_executable" ? 126 : 127;
        f.record.outcome = result.error().message;
        f.record.duration_ns = wall_ns() - f.record.started_ns;
      }
      f.record.stdout_tail = tail_of(out);
      f.record.stderr_tail = tail_of(err);
      std::error_code ignored;
      std::filesystem::remove(out, ignored);
      std::filesystem::remove(err, ignored);
      {
        std::lock_guard lock(mutex);
        finished.push_back(std::move(f));
      }
      wake.notify_one();
    });
  };

  bool stopping = false;
  while (!failed) {
    const std::int64_t now = wall_ns();
    // Jobs whose worker stopped renewing their lease (killed, hung machine) are queued again.
    guard([&] {
      db.write([&] {
        SQLite::Statement q(*db.db,
                            "UPDATE jobs SET state = 'queued', lease_owner = NULL, queue_seq = "
                            "(SELECT MAX(queue_seq) + 1 FROM jobs) WHERE state = 'running' AND "
                            "lease_until_ns < ?");
        q.bind(1, now);
        q.exec();
      }).map_error([&](Error e) { failure = e; failed = true; return e; });
    });
    // What became queued since the last look goes into the scheduler (or waits its backoff).
    guard([&] {
      SQLite::Statement q(*db.db,
                          "SELECT id, priority, submitted_ns, available_ns, queue_seq FROM jobs WHERE "
                          "state = 'queued' AND queue_seq > ? ORDER BY queue_seq, id");
      q.bind(1, last_seq);
      while (q.executeStep()) {
        const Delayed d{q.getColumn(3).getInt64(), q.getColumn(4).getInt64(), q.getColumn(0).getInt64(),
                        q.getColumn(1).getInt64(), q.getColumn(2).getInt64()};
        last_seq = std::max(last_seq, q.getColumn(4).getInt64());
        delayed.push(d);
      }
    });
    while (!delayed.empty() && delayed.top().available_ns <= now) {
      const Delayed d = delayed.top();
      delayed.pop();
      queued[aging.submit_at(d.priority, std::chrono::nanoseconds(d.submitted_ns))] = d.id;
    }
    // Results: one transaction each.
    std::deque<Finished> done;
    {
      std::lock_guard lock(mutex);
      done.swap(finished);
    }
    for (Finished& f : done) {
      Running& r = running[f.id];
      r.thread.join();
      for (int fd : r.cancel)
        if (fd >= 0) ::close(fd);
      running.erase(f.id);
      ++attempts_run;
      std::optional<Job> after;
      guard([&] {
        db.write([&] {
          SQLite::Statement a(*db.db, "INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
          a.bind(1, f.id);
          a.bind(2, static_cast<std::int64_t>(f.attempt));
          a.bind(3, f.record.started_ns);
          a.bind(4, f.record.duration_ns);
          a.bind(5, f.record.status);
          a.bind(6, f.record.outcome);
          a.bind(7, f.record.stdout_tail.data(), static_cast<int>(f.record.stdout_tail.size()));
          a.bind(8, f.record.stderr_tail.data(), static_cast<int>(f.record.stderr_tail.size()));
          a.bind(9, f.record.worker);
          a.exec();
          SQLite::Statement info(*db.db, "SELECT retries, backoff_ms FROM jobs WHERE id = ?");
          info.bind(1, f.id);
          std::int64_t retries = 0, base_ms = 1000;
          if (info.executeStep()) {
            retries = info.getColumn(0).getInt64();
            base_ms = info.getColumn(1).getInt64();
          }
          const std::int64_t t = wall_ns();
          const bool ok = f.record.status == 0;
          const bool again = !ok && !f.fatal && f.attempt <= retries;
          // Only while the job is still ours: a cancel or a lost lease wins.
          SQLite::Statement u(*db.db,
                              again ? "UPDATE jobs SET state = 'queued', status = ?, available_ns = ?, "
                                      "queue_seq = (SELECT MAX(queue_seq) + 1 FROM jobs), lease_owner = "
                                      "NULL WHERE id = ? AND state = 'running' AND lease_owner = ?"
                                    : "UPDATE jobs SET state = ?, status = ?, finished_ns = ?, lease_owner "
                                      "= NULL WHERE id = ? AND state = 'running' AND lease_owner = ?");
          if (again) {
            timing::Backoff wait({.base = std::chrono::milliseconds(base_ms), .factor = 2,
                                  .max_delay = std::chrono::hours(1), .max_attempts = 0,
                                  .jitter = timing::Jitter::full});
            u.bind(1, f.record.status);
            u.bind(2, t + wait.delay(f.attempt).count());
            u.bind(3, f.id);
            u.bind(4, me);
          } else {
            u.bind(1, ok ? "done" : "failed");
            u.bind(2, f.record.status);
            u.bind(3, t);
            u.bind(4, f.id);
            u.bind(5, me);
          }
          u.exec();
          SQLite::Statement cancelled(*db.db, "UPDATE jobs SET status = ? WHERE id = ? AND state = 'cancelled'");
          cancelled.bind(1, f.record.status);
          cancelled.bind(2, f.id);
          cancelled.exec();
        }).map_error([&](Error e) { failure = e; failed = true; return e; });
      });
      if (o.on_finish) {
        auto job = store.get(f.id);
        if (job) o.on_finish(*job, f.record);
      }
    }
    // Leases renewed while jobs run; a job cancelled meanwhile is stopped.
    if (!running.empty() && now - last_renewal >= std::chrono::nanoseconds(o.lease).count() / 3) {
      last_renewal = now;
      guard([&] {
        db.write([&] {
          SQLite::Statement q(*db.db, "UPDATE jobs SET lease_until_ns = ? WHERE state = 'running' AND lease_owner = ?");
          q.bind(1, now + std::chrono::nanoseconds(o.lease).count());
          q.bind(2, me);
          q.exec();
        }).map_error([&](Error e) { failure = e; failed = true; return e; });
      });
    }
    if (!running.empty())
      guard([&] {
        for (auto& [id, r] : running) {
          SQLite::Statement q(*db.db, "SELECT state FROM jobs WHERE id = ?");
          q.bind(1, id);
          if (q.executeStep() && q.getColumn(0).getString() == "cancelled" && r.cancel[1] >= 0) {
            [[maybe_unused]] auto n = ::write(r.cancel[1], "x", 1);
            ::close(r.cancel[1]);
            r.cancel[1] = -1;
          }
        }
      });
    if (o.stop && o.stop()) stopping = true;
    // Claim the best queued jobs for the free slots.
    while (!stopping && !failed && running.size() < slots) {
      auto next = aging.pop();
      if (!next) break;
      const std::int64_t id = queued[next->id];
      queued.erase(next->id);
      std::optional<Claimed> claimed;
      guard([&] {
        db.write([&] {
          SQLite::Statement q(*db.db,
                              "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, "
                              "lease_until_ns = ? WHERE id = ? AND state = 'queued' AND available_ns <= ?");
          q.bind(1, me);
          q.bind(2, wall_ns() + std::chrono::nanoseconds(o.lease).count());
          q.bind(3, id);
          q.bind(4, wall_ns());
          if (q.exec() != 1) return;  // taken by another worker, or cancelled
          SQLite::Statement j(*db.db, fmt::format("SELECT {} FROM jobs WHERE id = ?", job_columns));
          j.bind(1, id);
          if (j.executeStep()) {
            Job job = db.row_to_job(j);
            claimed = Claimed{id, job.attempts, job.spec};
            if (o.on_start) o.on_start(job, next->effective);
          }
        }).map_error([&](Error e) { failure = e; failed = true; return e; });
      });
      if (claimed) start(std::move(*claimed));
    }
    if (stopping && running.empty()) break;
    if (o.drain && running.empty() && aging.size() == 0 && delayed.empty()) {
      std::int64_t pending = 1;
      guard([&] {
        pending = db.db->execAndGet("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')").getInt64();
      });
      if (pending == 0) break;
    }
    std::unique_lock lock(mutex);
    wake.wait_for(lock, o.poll, [&] { return !finished.empty(); });
  }
  for (auto& [id, r] : running) {  // a database error: let the running jobs finish
    r.thread.join();
    for (int fd : r.cancel)
      if (fd >= 0) ::close(fd);
  }
  std::filesystem::remove_all(scratch, ec);
  if (failed) return tl::unexpected(failure);
  return attempts_run;
}

}  // namespace kit::sched
