// The task API on SQLite through TestClient: the seed's answers, kit's additions, durability.
#include <gtest/gtest.h>

#include <filesystem>

#include "kit/fs.hpp"
#include "kit/web.hpp"
#include "kit/web/tasks.hpp"

namespace kit::web {
namespace {

struct TaskApp {
  explicit TaskApp(const std::string& path = ":memory:") {
    auto s = open_sqlite_task_store(path);
    if (!s) throw std::runtime_error(s.error().message);
    store = *s;
    add_task_api(app, store);
  }
  std::shared_ptr<TaskStore> store;
  App app;
};

TEST(WebTasks, TheSeedsCrud) {
  TaskApp t;
  TestClient c(t.app);
  auto r = c.post("/tasks", R"({"title": "  Write docs \u3000"})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"id":1,"title":"Write docs","status":"pending"})");
  EXPECT_EQ(c.post("/tasks", R"({"title": "Ship"})").status, 201);
  EXPECT_EQ(
      c.get("/tasks").body,
      R"({"tasks":[{"id":1,"title":"Write docs","status":"pending"},{"id":2,"title":"Ship","status":"pending"}],"count":2})");
  r = c.put("/tasks/1", R"({"status": "done"})");
  EXPECT_EQ(r.body, R"({"id":1,"title":"Write docs","status":"done"})");
  EXPECT_EQ(c.get("/tasks?status=done").body,
            R"({"tasks":[{"id":1,"title":"Write docs","status":"done"}],"count":1})");
  EXPECT_EQ(c.get("/tasks?status=").json()["count"], 2);
  EXPECT_EQ(c.del("/tasks/1").body, R"({"deleted":{"id":1,"title":"Write docs","status":"done"}})");
  EXPECT_EQ(c.del("/tasks/1").body, R"({"error":"Task not found"})");
  EXPECT_EQ(c.post("/tasks", R"({"title": "Third"})").json()["id"], 3);  // ids never reused
  EXPECT_EQ(c.get("/tasks?limit=1&offset=1").body,
            R"({"tasks":[{"id":3,"title":"Third","status":"pending"}],"count":1})");
  EXPECT_EQ(c.get("/tasks/2").json()["title"], "Ship");
}

TEST(WebTasks, RefusalsWhereTheSeedCrashes) {
  TaskApp t;
  TestClient c(t.app);
  const auto expect = [&](std::string_view method, std::string_view target, std::string body,
                          int status, std::string_view answer) {
    const auto r = c.request(method, target, std::move(body));
    EXPECT_EQ(r.status, status) << method << " " << target;
    EXPECT_EQ(r.body, answer) << method << " " << target;
  };
  expect("POST", "/tasks", "{", 400, R"({"error":"Invalid JSON"})");
  expect("POST", "/tasks", "", 400, R"({"error":"Invalid JSON"})");
  expect("POST", "/tasks", "[1]", 422, R"({"error":"JSON object expected"})");
  expect("POST", "/tasks", R"({"title": 0})", 422, R"({"error":"title is required"})");
  expect("POST", "/tasks", R"({"title": []})", 422, R"({"error":"title is required"})");
  expect("POST", "/tasks", R"({"title": " \t"})", 422, R"({"error":"title is required"})");
  expect("POST", "/tasks", R"({"title": 5})", 422, R"({"error":"title must be a string"})");
  expect("POST", "/tasks", R"({"title": "ok"})", 201,
         R"({"id":1,"title":"ok","status":"pending"})");
  expect("PUT", "/tasks/9", "{", 404, R"({"error":"Task not found"})");  // 404 before the body
  expect("PUT", "/tasks/1", "{", 400, R"({"error":"Invalid JSON"})");
  expect("PUT", "/tasks/1", R"({"status": 1})", 422, R"({"error":"status must be a string"})");
  expect("PUT", "/tasks/1", R"({"status": "x", "title": null})", 422,
         R"({"error":"title must be a string"})");
  expect("PUT", "/tasks/1", R"({"title": "  "})", 422, R"({"error":"title is required"})");
  expect("GET", "/tasks/1", "", 200, R"({"id":1,"title":"ok","status":"pending"})");  // unchanged
  expect("GET", "/tasks?limit=-1", "", 422, R"({"error":"limit must be a non-negative integer"})");
  expect("GET", "/tasks/abc", "", 404, "Not Found");
  expect("GET", "/tasks/99999999999999999999", "", 404, R"({"error":"Task not found"})");
  const auto r = c.request("PATCH", "/tasks");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.get("allow").value_or(""), "GET, HEAD, POST");
}

TEST(WebTasks, ConcurrentWritersAllCommittedAndIdsPersist) {
  const auto dir = fs::TempDir::create("kit-web-tasks");
  ASSERT_TRUE(dir);
  const std::string path = dir->path() + "/tasks.db";
  {
    TaskApp t(path);
    TestClient c(t.app);
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w)
      writers.emplace_back([&, w] {
        for (int i = 0; i < 25; ++i)
          EXPECT_EQ(c.post("/tasks",
                           "{\"title\": \"w" + std::to_string(w) + "-" + std::to_string(i) + "\"}")
                        .status,
                    201);
      });
    for (auto& th : writers) th.join();
    EXPECT_EQ(c.get("/tasks").json()["count"], 200);
    EXPECT_EQ(c.del("/tasks/200").status, 200);
    ASSERT_TRUE(t.store->close());
  }
  TaskApp again(path);
  TestClient c(again.app);
  EXPECT_EQ(c.get("/tasks").json()["count"], 199);
  EXPECT_EQ(c.post("/tasks", R"({"title": "after restart"})").json()["id"], 201);
}

TEST(WebTasks, CorruptAndLockedDatabasesAreRefused) {
  const auto dir = fs::TempDir::create("kit-web-tasks");
  ASSERT_TRUE(dir);
  const std::string corrupt = dir->path() + "/corrupt.db";
  ASSERT_TRUE(fs::atomic_write(corrupt, std::string(4096, '\x5a')));
  const auto r = open_sqlite_task_store(corrupt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "web.db");
  const std::string held = dir->path() + "/held.db";
  auto first = open_sqlite_task_store(held);
  ASSERT_TRUE(first);
  const auto second = open_sqlite_task_store(held);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("locked"), std::string::npos) << second.error().message;
}

}  // namespace
}  // namespace kit::web
