// The job store in SQLite (WAL) through SQLiteCpp: one transaction per operation.
#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <stdexcept>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "backend.hpp"

namespace kit::jobs::detail {

namespace {

Error db_error(const std::string& what) {
  return make_error(ErrorKind::io, "jobs.db", what);
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

constexpr const char* job_columns =
    "id, name, argv, priority, retries, backoff_ms, timeout_ms, state, submitted_ns, attempts, "
    "finished_ns, status";

class SqliteBackend final : public Backend {
 public:
  SqliteBackend(std::unique_ptr<SQLite::Database> db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}

  Result<std::int64_t> insert(const JobSpec& spec, const std::string& name,
                              std::int64_t submitted) override {
    std::int64_t id = 0;
    auto r = write([&] {
      SQLite::Statement q(
          *db_,
          "INSERT INTO jobs (name, argv, priority, retries, backoff_ms, timeout_ms, "
          "state, submitted_ns, queue_seq) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)");
      q.bind(1, name);
      q.bind(2, nlohmann::json(spec.argv).dump());
      q.bind(3, static_cast<std::int64_t>(spec.priority));
      q.bind(4, static_cast<std::int64_t>(spec.retries));
      q.bind(5, static_cast<std::int64_t>(spec.backoff.count()));
      if (spec.timeout) q.bind(6, static_cast<std::int64_t>(spec.timeout->count()));
      q.bind(7, submitted);
      q.bind(8, next_seq());
      q.exec();
      id = db_->getLastInsertRowid();
    });
    if (!r) return tl::unexpected(r.error());
    return id;
  }

  Result<std::optional<Job>> get(std::int64_t id) override {
    return read([&]() -> std::optional<Job> {
      SQLite::Statement q(*db_, fmt::format("SELECT {} FROM jobs WHERE id = ?", job_columns));
      q.bind(1, id);
      if (!q.executeStep()) return std::nullopt;
      Job j = row_to_job(q);
      SQLite::Statement a(*db_,
                          "SELECT number, started_ns, duration_ns, status, outcome, stdout_tail, "
                          "stderr_tail, worker FROM attempts WHERE job_id = ? ORDER BY rowid");
      a.bind(1, id);
      while (a.executeStep())
        j.history.push_back(
            {static_cast<std::uint32_t>(a.getColumn(0).getInt64()), a.getColumn(1).getInt64(),
             a.getColumn(2).getInt64(), a.getColumn(3).getInt(), a.getColumn(4).getString(),
             a.getColumn(5).getString(), a.getColumn(6).getString(), a.getColumn(7).getString()});
      return j;
    });
  }

  Result<std::vector<Job>> list(std::optional<JobState> state) override {
    return read([&] {
      SQLite::Statement q(*db_, fmt::format("SELECT {} FROM jobs {} ORDER BY id", job_columns,
                                            state ? "WHERE state = ?" : ""));
      if (state) q.bind(1, std::string(job_state_name(*state)));
      std::vector<Job> jobs;
      while (q.executeStep()) jobs.push_back(row_to_job(q));
      return jobs;
    });
  }

  Result<bool> cancel(std::int64_t id, std::int64_t now) override {
    int changed = 0;
    auto r = write([&] {
      SQLite::Statement q(*db_,
                          "UPDATE jobs SET state = 'cancelled', finished_ns = ? WHERE id = ? AND "
                          "state IN ('queued', 'running')");
      q.bind(1, now);
      q.bind(2, id);
      changed = q.exec();
    });
    if (!r) return tl::unexpected(r.error());
    return changed != 0;
  }

  Result<bool> retry(std::int64_t id) override {
    int changed = 0;
    auto r = write([&] {
      SQLite::Statement q(*db_,
                          "UPDATE jobs SET state = 'queued', attempts = 0, available_ns = 0, "
                          "finished_ns = NULL, lease_owner = NULL, queue_seq = ? WHERE id = ? AND "
                          "state IN ('done', 'failed', 'cancelled')");
      q.bind(1, next_seq());
      q.bind(2, id);
      changed = q.exec();
    });
    if (!r) return tl::unexpected(r.error());
    return changed != 0;
  }

  Result<std::size_t> prune(std::int64_t finished_by) override {
    return count([&] {
      SQLite::Statement q(*db_,
                          "DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND "
                          "finished_ns <= ?");
      q.bind(1, finished_by);
      return q.exec();
    });
  }

  Result<std::size_t> requeue_expired(std::int64_t now) override {
    return count([&] {
      SQLite::Statement q(*db_,
                          "UPDATE jobs SET state = 'queued', lease_owner = NULL, queue_seq = "
                          "(SELECT MAX(queue_seq) + 1 FROM jobs) WHERE state = 'running' AND "
                          "lease_until_ns < ?");
      q.bind(1, now);
      return q.exec();
    });
  }

  Result<std::vector<QueuedJob>> queued_after(std::int64_t seq) override {
    return read([&] {
      SQLite::Statement q(*db_,
                          "SELECT id, priority, submitted_ns, available_ns, queue_seq FROM jobs "
                          "WHERE state = 'queued' AND queue_seq > ? ORDER BY queue_seq, id");
      q.bind(1, seq);
      std::vector<QueuedJob> jobs;
      while (q.executeStep())
        jobs.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                        q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
                        q.getColumn(4).getInt64()});
      return jobs;
    });
  }

  Result<std::optional<Job>> claim(std::int64_t id, const std::string& worker, std::int64_t now,
                                   std::int64_t lease_until) override {
    std::optional<Job> claimed;
    auto r = write([&] {
      SQLite::Statement q(*db_,
                          "UPDATE jobs SET state = 'running', attempts = attempts + 1, "
                          "lease_owner = ?, lease_until_ns = ? WHERE id = ? AND state = 'queued' "
                          "AND available_ns <= ?");
      q.bind(1, worker);
      q.bind(2, lease_until);
      q.bind(3, id);
      q.bind(4, now);
      if (q.exec() != 1) return;  // taken by another worker, cancelled, not due
      SQLite::Statement j(*db_, fmt::format("SELECT {} FROM jobs WHERE id = ?", job_columns));
      j.bind(1, id);
      if (j.executeStep()) claimed = row_to_job(j);
    });
    if (!r) return tl::unexpected(r.error());
    return claimed;
  }

  Result<std::size_t> renew(const std::string& worker, std::int64_t lease_until) override {
    return count([&] {
      SQLite::Statement q(*db_,
                          "UPDATE jobs SET lease_until_ns = ? WHERE state = 'running' AND "
                          "lease_owner = ?");
      q.bind(1, lease_until);
      q.bind(2, worker);
      return q.exec();
    });
  }

  Result<void> finish(std::int64_t id, const std::string& worker, const AttemptRecord& a,
                      std::optional<std::int64_t> retry_at, std::int64_t now) override {
    return write([&] {
      SQLite::Statement ins(*db_, "INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      ins.bind(1, id);
      ins.bind(2, static_cast<std::int64_t>(a.number));
      ins.bind(3, a.started_ns);
      ins.bind(4, a.duration_ns);
      ins.bind(5, a.status);
      ins.bind(6, a.outcome);
      ins.bind(7, a.stdout_tail.data(), static_cast<int>(a.stdout_tail.size()));
      ins.bind(8, a.stderr_tail.data(), static_cast<int>(a.stderr_tail.size()));
      ins.bind(9, a.worker);
      ins.exec();
      // Only while the job is still ours: a cancel or a lost lease wins.
      if (retry_at) {
        SQLite::Statement u(*db_,
                            "UPDATE jobs SET state = 'queued', status = ?, available_ns = ?, "
                            "queue_seq = (SELECT MAX(queue_seq) + 1 FROM jobs), lease_owner = "
                            "NULL WHERE id = ? AND state = 'running' AND lease_owner = ?");
        u.bind(1, a.status);
        u.bind(2, *retry_at);
        u.bind(3, id);
        u.bind(4, worker);
        u.exec();
      } else {
        SQLite::Statement u(*db_,
                            "UPDATE jobs SET state = ?, status = ?, finished_ns = ?, lease_owner "
                            "= NULL WHERE id = ? AND state = 'running' AND lease_owner = ?");
        u.bind(1, a.status == 0 ? "done" : "failed");
        u.bind(2, a.status);
        u.bind(3, now);
        u.bind(4, id);
        u.bind(5, worker);
        u.exec();
      }
      SQLite::Statement cancelled(
          *db_, "UPDATE jobs SET status = ? WHERE id = ? AND state = 'cancelled'");
      cancelled.bind(1, a.status);
      cancelled.bind(2, id);
      cancelled.exec();
    });
  }

  Result<std::optional<JobState>> state(std::int64_t id) override {
    return read([&]() -> std::optional<JobState> {
      SQLite::Statement q(*db_, "SELECT state FROM jobs WHERE id = ?");
      q.bind(1, id);
      if (!q.executeStep()) return std::nullopt;
      const auto s = parse_job_state(q.getColumn(0).getString());
      if (!s)
        throw std::runtime_error(fmt::format("job {}: damaged row (unknown state '{}')", id,
                                             q.getColumn(0).getString()));
      return s;
    });
  }

  Result<std::size_t> pending() override {
    return read([&] {
      return static_cast<std::size_t>(
          db_->execAndGet("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')")
              .getInt64());
    });
  }

 private:
  // write(fn): fn in one IMMEDIATE transaction (the write lock up front: no upgrade deadlocks
  // between workers).
  template <class Fn>
  Result<void> write(Fn&& fn) {
    try {
      SQLite::Transaction t(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      fn();
      t.commit();
      return {};
    } catch (const std::exception& e) {
      return tl::unexpected(db_error(fmt::format("{}: {}", path_, e.what())));
    }
  }
  // count(fn): fn's count of changed rows, in one write transaction.
  template <class Fn>
  Result<std::size_t> count(Fn&& fn) {
    int n = 0;
    auto r = write([&] { n = fn(); });
    if (!r) return tl::unexpected(r.error());
    return static_cast<std::size_t>(n);
  }
  // read(fn): fn's value; SQLite's exceptions (and a damaged row's) as errors.
  template <class Fn>
  auto read(Fn&& fn) -> Result<decltype(fn())> {
    try {
      return fn();
    } catch (const std::exception& e) {
      return tl::unexpected(db_error(fmt::format("{}: {}", path_, e.what())));
    }
  }
  std::int64_t next_seq() {
    return db_->execAndGet("SELECT COALESCE(MAX(queue_seq), 0) + 1 FROM jobs").getInt64();
  }
  static Job row_to_job(SQLite::Statement& q) {
    Job j;
    j.id = q.getColumn(0).getInt64();
    j.spec.name = q.getColumn(1).getString();
    // A row damaged by hand is reported, not trusted: argv must be a list of strings.
    const auto damaged = [&](const std::string& what) {
      return std::runtime_error(fmt::format("job {}: damaged row ({})", j.id, what));
    };
    const auto argv = nlohmann::json::parse(q.getColumn(2).getString(), nullptr, false);
    if (!argv.is_array() || argv.empty()) throw damaged("argv is not a list of strings");
    for (const auto& a : argv) {
      if (!a.is_string()) throw damaged("argv is not a list of strings");
      j.spec.argv.push_back(a.get<std::string>());
    }
    j.spec.priority = q.getColumn(3).getInt64();
    j.spec.retries = static_cast<std::uint32_t>(q.getColumn(4).getInt64());
    j.spec.backoff = std::chrono::milliseconds(q.getColumn(5).getInt64());
    if (!q.getColumn(6).isNull())
      j.spec.timeout = std::chrono::milliseconds(q.getColumn(6).getInt64());
    const auto state = parse_job_state(q.getColumn(7).getString());
    if (!state) throw damaged(fmt::format("unknown state '{}'", q.getColumn(7).getString()));
    j.state = *state;
    j.submitted_ns = q.getColumn(8).getInt64();
    j.attempts = static_cast<std::uint32_t>(q.getColumn(9).getInt64());
    j.finished_ns = q.getColumn(10).isNull() ? 0 : q.getColumn(10).getInt64();
    if (!q.getColumn(11).isNull()) j.status = q.getColumn(11).getInt();
    return j;
  }

  std::unique_ptr<SQLite::Database> db_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<Backend>> open_sqlite(const std::string& path) {
  try {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->setBusyTimeout(10000);
    // Another program's database (or not a database: this read fails) is refused before
    // anything is written to it; an empty one becomes ours.
    const bool ours = db->tableExists("kit_jobs_meta");
    const bool empty = db->execAndGet("SELECT COUNT(*) FROM sqlite_master").getInt64() == 0;
    if (!ours && !empty)
      return fail(ErrorKind::malformed_input, "jobs.db",
                  fmt::format("{}: not a kit jobs database (it holds other tables)", path));
    if (!ours) {
      db->exec("PRAGMA journal_mode=WAL");
      db->exec(schema);
    }
    db->exec("PRAGMA synchronous=NORMAL");
    db->exec("PRAGMA foreign_keys=ON");
    std::unique_ptr<Backend> backend = std::make_unique<SqliteBackend>(std::move(db), path);
    return backend;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(fmt::format("{}: {}", path, e.what())));
  }
}

}  // namespace kit::jobs::detail
