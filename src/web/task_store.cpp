// The task store in SQLite: one writer thread with group commit; reads from memory.
#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <variant>

#include <fmt/core.h>

#include "kit/scope.hpp"
#include "kit/web/tasks.hpp"

namespace kit::web {

Json to_json(const Task& task) {
  return Json{{"id", task.id}, {"title", task.title}, {"status", task.status}};
}

namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS kit_serve_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO kit_serve_meta VALUES ('schema', '1');
CREATE TABLE IF NOT EXISTS tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  status TEXT NOT NULL
);
)sql";

using Done = std::function<void(Result<std::optional<Task>>)>;

struct CreateOp {
  std::string title;
  std::function<void(Result<Task>)> done;
};
struct UpdateOp {
  std::int64_t id;
  TaskChange change;
  Done done;
};
struct RemoveOp {
  std::int64_t id;
  Done done;
};
using Op = std::variant<CreateOp, UpdateOp, RemoveOp>;

class SqliteTaskStore final : public TaskStore {
 public:
  SqliteTaskStore(std::unique_ptr<SQLite::Database> db, std::string path,
                  std::map<std::int64_t, Task> tasks)
      : db_(std::move(db)), path_(std::move(path)), tasks_(std::move(tasks)) {
    writer_ = std::thread([this] { write_loop(); });
  }
  ~SqliteTaskStore() override { (void)close(); }

  std::vector<Task> list(const TaskQuery& q) const override {
    std::shared_lock lock(tasks_mutex_);
    std::vector<Task> out;
    std::size_t skipped = 0;
    for (const auto& [id, t] : tasks_) {
      if (q.status && t.status != *q.status) continue;
      if (skipped < q.offset) {
        ++skipped;
        continue;
      }
      if (q.limit && out.size() >= *q.limit) break;
      out.push_back(t);
    }
    return out;
  }

  std::optional<Task> get(std::int64_t id) const override {
    std::shared_lock lock(tasks_mutex_);
    const auto it = tasks_.find(id);
    if (it == tasks_.end()) return std::nullopt;
    return it->second;
  }

  std::uint64_t version() const override { return version_.load(); }

  void create(std::string title, std::function<void(Result<Task>)> done) override {
    enqueue(CreateOp{std::move(title), std::move(done)});
  }
  void update(std::int64_t id, TaskChange change, Done done) override {
    enqueue(UpdateOp{id, std::move(change), std::move(done)});
  }
  void remove(std::int64_t id, Done done) override { enqueue(RemoveOp{id, std::move(done)}); }

  Result<void> close() override {
    {
      std::lock_guard lock(queue_mutex_);
      if (stopping_) return {};
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    try {
      db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const std::exception& e) {
      return fail(ErrorKind::io, "web.db", fmt::format("{}: checkpoint: {}", path_, e.what()));
    }
    return {};
  }

 private:
  void enqueue(Op op) {
    {
      std::lock_guard lock(queue_mutex_);
      if (!stopping_) {
        queue_.push_back(std::move(op));
        queue_cv_.notify_one();
        return;
      }
    }
    answer_error(op, make_error(ErrorKind::failed, "web.db", "the store is closed"));
  }

  static void answer_error(Op& op, const Error& e) {
    std::visit([&](auto& o) { o.done(tl::unexpected(e)); }, op);
  }

  // The writer: every write waiting is committed in one transaction (group commit), then
  // memory is updated and each write is answered, in order.
  void write_loop() {
    for (;;) {
      std::vector<Op> batch;
      {
        std::unique_lock lock(queue_mutex_);
        queue_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;
        batch.swap(queue_);
      }
      commit(batch);
    }
  }

  void commit(std::vector<Op>& batch) {
    std::map<std::int64_t, std::optional<Task>> staged;  // this batch's changes, by id
    std::vector<std::function<void()>> answers;
    const auto current = [&](std::int64_t id) -> std::optional<Task> {
      if (const auto it = staged.find(id); it != staged.end()) return it->second;
      if (const auto it = tasks_.find(id); it != tasks_.end()) return it->second;  // writer only
      return std::nullopt;
    };
    const auto refuse_all = [&](const std::string& why) {
      const Error error = make_error(ErrorKind::io, "web.db", fmt::format("{}: {}", path_, why));
      for (auto& op : batch) answer_error(op, error);
    };
    // One transaction for the whole batch: committed only when every write went in, rolled
    // back by kit::scope::Transaction on any other way out.
    auto transaction = scope::begin([&] { db_->exec("BEGIN IMMEDIATE"); },
                                    [&] { db_->exec("COMMIT"); }, [&] { db_->exec("ROLLBACK"); });
    if (!transaction) return refuse_all(transaction.error().message);
    try {
      for (auto& op : batch) {
        if (auto* c = std::get_if<CreateOp>(&op)) {
          SQLite::Statement insert(*db_, "INSERT INTO tasks (title, status) VALUES (?, 'pending')");
          insert.bind(1, c->title);
          insert.exec();
          Task t{db_->getLastInsertRowid(), c->title, "pending"};
          staged[t.id] = t;
          answers.push_back([done = c->done, t] { done(t); });
        } else if (auto* u = std::get_if<UpdateOp>(&op)) {
          auto t = current(u->id);
          if (t) {
            if (u->change.status) t->status = *u->change.status;
            if (u->change.title) t->title = *u->change.title;
            SQLite::Statement update(*db_, "UPDATE tasks SET title = ?, status = ? WHERE id = ?");
            update.bind(1, t->title);
            update.bind(2, t->status);
            update.bind(3, t->id);
            update.exec();
            staged[t->id] = t;
          }
          answers.push_back([done = u->done, t] { done(t); });
        } else if (auto* r = std::get_if<RemoveOp>(&op)) {
          const auto t = current(r->id);
          if (t) {
            SQLite::Statement del(*db_, "DELETE FROM tasks WHERE id = ?");
            del.bind(1, t->id);
            del.exec();
            staged[t->id] = std::nullopt;
          }
          answers.push_back([done = r->done, t] { done(t); });
        }
      }
    } catch (const std::exception& e) {
      return refuse_all(e.what());
    }
    if (auto committed = transaction->commit(); !committed)
      return refuse_all(committed.error().message);
    {
      std::unique_lock lock(tasks_mutex_);
      for (auto& [id, t] : staged) {
        if (t)
          tasks_[id] = std::move(*t);
        else
          tasks_.erase(id);
      }
      ++version_;
    }
    for (auto& answer : answers) answer();
  }

  std::unique_ptr<SQLite::Database> db_;
  std::string path_;
  mutable std::shared_mutex tasks_mutex_;
  std::map<std::int64_t, Task> tasks_;
  std::atomic<std::uint64_t> version_{0};
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::vector<Op> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace

Result<std::shared_ptr<TaskStore>> open_sqlite_task_store(const std::string& path) {
  try {
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->setBusyTimeout(2000);
    // Exclusive: the first write takes the lock for good, so a second server fails at start
    // instead of both keeping diverging copies of the tasks in memory.
    db->exec("PRAGMA locking_mode = EXCLUSIVE");
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = FULL");
    {
      SQLite::Transaction t(*db, SQLite::TransactionBehavior::IMMEDIATE);
      db->exec(schema);
      t.commit();
    }
    std::map<std::int64_t, Task> tasks;
    SQLite::Statement q(*db, "SELECT id, title, status FROM tasks ORDER BY id");
    while (q.executeStep())
      tasks.emplace(
          q.getColumn(0).getInt64(),
          Task{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString()});
    return std::shared_ptr<TaskStore>(
        std::make_shared<SqliteTaskStore>(std::move(db), path, std::move(tasks)));
  } catch (const std::exception& e) {
    return fail(ErrorKind::io, "web.db", fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace kit::web
