// kit/web/tasks.hpp — the tutorial's Task Manager API on a durable store: TaskStore, its SQLite
// implementation, and the routes, live feed and page of `kit serve`.
//
// Writes are queued to one writer thread that commits every waiting write in one transaction
// (group commit) and answers each only after that commit; reads come from memory, which the
// writer updates after each commit, so a GET never waits for a disk. Ids come from SQLite's
// AUTOINCREMENT: never reused, also after a restart.
//
// Example:
//   auto store = kit::web::open_sqlite_task_store("tasks.db");
//   if (!store) return report(store.error());
//   kit::web::App app;
//   kit::web::add_task_api(app, *store);
//   kit::web::TestClient client(app);
//   client.post("/tasks", R"({"title": "Write docs"})");   // 201 {"id":1,...}
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kit/core/error.hpp"
#include "kit/web/app.hpp"

namespace kit::web {

struct Task {
  std::int64_t id = 0;
  std::string title;
  std::string status;  // "pending" when created; any text after (the seed's rule)
};
// to_json(task): {"id":1,"title":"...","status":"..."} in the seed's key order.
[[nodiscard]] Json to_json(const Task& task);

struct TaskQuery {
  std::optional<std::string> status;  // only tasks with this status
  std::optional<std::size_t> limit;
  std::size_t offset = 0;
};

struct TaskChange {
  std::optional<std::string> title;
  std::optional<std::string> status;
};

// TaskStore: the tasks, safe to use from any thread. A write's callback runs after its commit
// (on the store's writer thread) with the result; none for a task that does not exist.
class TaskStore {
 public:
  virtual ~TaskStore() = default;
  [[nodiscard]] virtual std::vector<Task> list(const TaskQuery& query) const = 0;
  [[nodiscard]] virtual std::optional<Task> get(std::int64_t id) const = 0;
  // version(): changes with every committed write (a cache of rendered lists keys on it).
  [[nodiscard]] virtual std::uint64_t version() const = 0;
  virtual void create(std::string title, std::function<void(Result<Task>)> done) = 0;
  virtual void update(std::int64_t id, TaskChange change,
                      std::function<void(Result<std::optional<Task>>)> done) = 0;
  virtual void remove(std::int64_t id, std::function<void(Result<std::optional<Task>>)> done) = 0;
  // close(): waits for queued writes, checkpoints the log into the database, stops the writer.
  virtual Result<void> close() = 0;
};

// open_sqlite_task_store(path): the store in SQLite (WAL, synchronous=FULL, the file held
// exclusively: a second server cannot share it); ":memory:" for one that lives and dies with
// the process. Errors web.db (a corrupt or foreign file, a locked or read-only one).
[[nodiscard]] Result<std::shared_ptr<TaskStore>> open_sqlite_task_store(const std::string& path);

// add_task_api(app, store): the seed's routes (GET/POST /tasks, PUT/DELETE /tasks/{id:int})
// with kit's additions (GET /tasks/{id:int}, ?limit=&offset=), the live feed WS /ws
// ({"type": "created|updated|deleted", "task": {...}} after each commit) and the task page at /.
// The feed lives as long as the app.
void add_task_api(App& app, std::shared_ptr<TaskStore> store);

// task_page(): the HTML of the task page (embedded at build time).
[[nodiscard]] std::string_view task_page();

}  // namespace kit::web
