// Drives kit::scope for tests/diff/scope_vs_python.py: the context-manager tutorial's programs
// written with kit::scope, printing what the Python ones print. One case per stdin line; after
// each case's output a line "=== end".
//
//   seed NAME                      the tutorial's program NAME (tracked_file, exception_handling,
//                                  ..., resource_manager)
//   exitstack_db NAMES|- FAIL|-    exitstack_database's multi_db_transaction(NAMES, fail_on=FAIL)
//   conditional LOG DEBUG          conditional_contexts' process_files (0/1 flags)
//   suppress TYPES RAISED|-        suppress<TYPES...> around a body raising RAISED
//   partial NAMES|- FAILBODY       resource_manager's TransactionManager; "bad*" fails to connect
//   async NAMES|- FAILBODY         async_exitstack's main; "bad*" fails to acquire
#include "kit/scope.hpp"
#include "kit/scope/async.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kit/core/clock.hpp"

namespace {

namespace asio = boost::asio;
namespace sc = kit::scope;
using asio::awaitable;
using namespace std::chrono_literals;

void say(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
}

// Python's exceptions, by the names the programs print.
struct PyException : std::runtime_error {
  using std::runtime_error::runtime_error;
  [[nodiscard]] virtual const char* type() const noexcept { return "Exception"; }
  // str(e): KeyError shows its argument's repr.
  [[nodiscard]] virtual std::string str() const { return what(); }
};
#define PY_EXCEPTION(Name, Base)                                               \
  struct Name : Base {                                                         \
    using Base::Base;                                                          \
    [[nodiscard]] const char* type() const noexcept override { return #Name; } \
  }
PY_EXCEPTION(ValueError, PyException);
PY_EXCEPTION(UnicodeError, ValueError);
PY_EXCEPTION(LookupError, PyException);
PY_EXCEPTION(IndexError, LookupError);
PY_EXCEPTION(RuntimeError, PyException);
PY_EXCEPTION(ConnectionError, PyException);
struct KeyError : LookupError {
  using LookupError::LookupError;
  [[nodiscard]] const char* type() const noexcept override { return "KeyError"; }
  [[nodiscard]] std::string str() const override { return "'" + std::string(what()) + "'"; }
};
#undef PY_EXCEPTION

// The Python exception an exception_ptr holds (it stays alive as long as that pointer).
const PyException* py(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const PyException& x) {
    return &x;
  } catch (...) {
    return nullptr;
  }
}

std::string strip(const std::string& s) {
  const char* ws = " \t\n\r\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  if (s == "-") return out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

// An open file whose name is kept, as Python's file objects (f.name).
struct OpenFile {
  std::string name;
  std::ifstream in;
  static OpenFile open(const std::string& path) {
    OpenFile f{path, std::ifstream(path)};
    if (!f.in) throw PyException("cannot open " + path);
    return f;
  }
};

// ----- the tutorial's programs

// tracked_file.py: __enter__ opens, __exit__ reports the reads (a scope_exit).
void tracked_file() {
  std::string filename = "/etc/hostname";
  say("Opening " + filename);
  OpenFile file = OpenFile::open(filename);
  int access_count = 0;
  sc::scope_exit closing([&] {
    say("Closing " + filename + " (accessed " + std::to_string(access_count) + " times)");
  });
  auto read_line = [&] {
    ++access_count;
    std::string line;
    if (std::getline(file.in, line) && !file.in.eof()) line += '\n';
    return line;
  };
  std::string line = read_line();
  say("Read: " + strip(line));
  std::string line2 = read_line();
}

// exception_handling.py: SafeConnection's __exit__ sees the exception: an ExitStack release
// that takes the Exit.
struct SafeConnection {
  std::string db_name;
  [[nodiscard]] std::string query(const std::string& sql) const {
    return "Query result for: " + sql;
  }
};

void safe_connection(const std::function<void(SafeConnection&)>& body) {
  sc::with_exit_stack([&](sc::ExitStack& stack) {
    SafeConnection& conn = stack.enter(
        [] {
          say("Connecting to mydb");
          return SafeConnection{"mydb"};
        },
        [](SafeConnection&, const sc::Exit& e) {
          if (e.failed) {
            const PyException* x = py(e.error);
            say(std::string("Exception occurred: ") + x->type() + ": " + x->str());
            say("Rolling back transaction");
          } else {
            say("Committing transaction");
          }
        });
    body(conn);
  });
}

void exception_handling() {
  say("=== Normal completion ===");
  safe_connection([](SafeConnection& conn) {
    std::string result = conn.query("SELECT * FROM users");
    say("Got: " + result);
  });
  say("\n=== With exception ===");
  try {
    safe_connection([](SafeConnection& conn) {
      std::string result = conn.query("SELECT * FROM users");
      throw ValueError("Data validation failed!");
    });
  } catch (const ValueError&) {
    say("Caught exception in outer scope");
  }
}

// suppress_exception.py: ErrorIgnorer is suppress<E...>; its two prints are the driver's.
template <class... E, class F>
void error_ignorer(F body) {
  try {
    auto r = sc::suppress<E...>(body);
    if (!r) say(std::string("Suppressed: ") + py(r.exception())->type());
  } catch (const PyException& e) {
    say(std::string("Not suppressed: ") + e.type());
    throw;
  }
}

void suppress_exception() {
  error_ignorer<ValueError>([] {
    say("Inside context");
    throw ValueError("This will be suppressed");
  });
  say("Execution continues after ValueError");
  try {
    error_ignorer<ValueError>([] { throw RuntimeError("This will NOT be suppressed"); });
  } catch (const RuntimeError& e) {
    say(std::string("RuntimeError propagated: ") + e.what());
  }
}

// simple_decorator.py: timed_operation on a manual clock (the reference's time is fake too).
void simple_decorator() {
  kit::core::ManualClock clock;
  {
    auto start = clock.now();
    say("Starting download");
    sc::scope_exit finished([&] {
      double elapsed = std::chrono::duration<double>(clock.now() - start).count();
      char buf[64];
      std::snprintf(buf, sizeof buf, "Finished download in %.2fs", elapsed);
      say(buf);
    });
    clock.sleep_for(500ms);
  }
  say("Done");
}

// yield_value.py
void yield_value() {
  struct Connection {
    [[nodiscard]] std::string query(const std::string& sql) const { return "Result of: " + sql; }
  };
  say("Connecting to mydb");
  Connection connection;
  sc::scope_exit disconnect([] { say("Disconnecting from mydb"); });
  std::string result = connection.query("SELECT * FROM users");
  say(result);
}

// exception_decorator.py: a Transaction, committed only when the body returned.
template <class Body>
void transaction(const std::string& db_name, Body body) {
  say("Starting transaction on " + db_name);
  sc::Transaction tx([] { say("Transaction committed"); }, [] { say("Rolling back..."); });
  try {
    body();
  } catch (const PyException& e) {
    say("Transaction failed: " + e.str());
    throw;  // rolled back as it leaves
  }
  if (!tx.commit()) say("commit failed");
}

void exception_decorator() {
  say("=== Normal transaction ===");
  transaction("mydb", [] { say("Executing query"); });
  say("\n=== Failed transaction ===");
  try {
    transaction("mydb", [] {
      say("Executing query");
      throw ValueError("Data invalid!");
    });
  } catch (const ValueError&) {
    say("Caught in outer scope");
  }
}

// exitstack_basics.py
void exitstack_basics() {
  sc::ExitStack stack;
  std::vector<OpenFile*> file_objects;
  for (const char* f : {"file1.txt", "file2.txt", "file3.txt"})
    file_objects.push_back(
        &stack.enter([f] { return OpenFile::open(f); }, [](OpenFile& o) { o.in.close(); }));
  for (OpenFile* f : file_objects) say("Opened: " + f->name);
}

// conditional_contexts.py
bool process_files(bool write_log, bool debug) {
  struct Connection {
    std::string name;
  };
  auto open = [](const char* name) {
    return [name] {
      say(std::string("Opening ") + name);
      return Connection{name};
    };
  };
  auto close = [](Connection& c) { say("Closing " + c.name); };
  sc::ExitStack stack;
  stack.enter(open("main.txt"), close);
  Connection* log_file = write_log ? &stack.enter(open("log.txt"), close) : nullptr;
  Connection* debug_file = debug ? &stack.enter(open("debug.txt"), close) : nullptr;
  say("Processing...");
  return log_file != nullptr && debug_file != nullptr;
}

void conditional(bool log, bool debug) {
  say(std::string("All files opened: ") + (process_files(log, debug) ? "True" : "False"));
}

void conditional_contexts() {
  say("=== With log and debug ===");
  conditional(true, true);
  say("");
  say("=== With only log ===");
  conditional(true, false);
}

// callback_registration.py
void callback_registration() {
  sc::ExitStack stack;
  OpenFile& f = stack.enter([] { return OpenFile::open("/etc/hostname"); },
                            [](OpenFile& o) { o.in.close(); });
  for (const char* step : {"Cleanup step 1", "Cleanup step 2", "Cleanup step 3"})
    stack.callback([step] { say(step); });
  say("Doing work...");
  std::string content{std::istreambuf_iterator<char>(f.in), {}};
  say("Read: " + strip(content));
}

// exitstack_database.py: FakeConnection's __exit__ commits or rolls back as the stack's scope
// is left (the destructor: normal return or exception). Connections are kept as the tutorial's
// dict: first-insertion order, the last value of a repeated name.
struct FakeConnection {
  std::string name;
  bool committed = false;
};

void multi_db_transaction(const std::vector<std::string>& db_names,
                          const std::optional<std::string>& fail_on) {
  sc::ExitStack stack;
  std::vector<std::pair<std::string, FakeConnection*>> connections;
  for (const std::string& db_name : db_names) {
    FakeConnection& conn = stack.enter(
        [&] {
          say("Opening " + db_name);
          return FakeConnection{db_name};
        },
        [](FakeConnection& c, const sc::Exit& e) {
          say((e.failed ? "Rollback " : "Commit ") + c.name);
          c.committed = !e.failed;
        });
    bool found = false;
    for (auto& [name, c] : connections)
      if (name == db_name) c = &conn, found = true;
    if (!found) connections.emplace_back(db_name, &conn);
  }
  for (auto& [db_name, conn] : connections) {
    if (fail_on && db_name == *fail_on) throw ValueError("Intentional failure on " + db_name);
    say("Execute query on " + db_name);
  }
}

void exitstack_db(const std::vector<std::string>& names, const std::optional<std::string>& fail) {
  try {
    multi_db_transaction(names, fail);
  } catch (const ValueError& e) {
    say(std::string("Error: ") + e.what());
  }
}

void exitstack_database() {
  say("=== All succeed ===");
  multi_db_transaction({"db1", "db2", "db3"}, std::nullopt);
  say("\n=== Second database fails ===");
  exitstack_db({"db1", "db2", "db3"}, "db2");
}

// ----- async: a real io_context; asyncio.sleep becomes a yield to the other handlers.

awaitable<void> yield_once() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

// Runs a coroutine to its end; rethrows what it ended with.
template <class F>
void run_async(F f) {
  asio::io_context io;
  std::exception_ptr failure;
  asio::co_spawn(io, f(), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

struct AsyncConnection {
  std::string db_name;
};

awaitable<AsyncConnection> async_connect(std::string db_name) {
  say("Async connecting to " + db_name);
  co_await yield_once();
  co_return AsyncConnection{db_name};
}

awaitable<void> async_disconnect(AsyncConnection& c) {
  say("Async disconnecting from " + c.db_name);
  co_await yield_once();
}

awaitable<std::string> async_query(std::string sql) {
  say("Executing: " + sql);
  co_await yield_once();
  co_return "Query result";
}

void async_context() {
  run_async([]() -> awaitable<void> {
    co_await sc::with_async_exit_stack([](sc::AsyncExitStack& stack) -> awaitable<void> {
      auto connect = [] { return async_connect("mydb"); };
      auto disconnect = [](AsyncConnection& c) { return async_disconnect(c); };
      co_await stack.enter(connect, disconnect);
      std::string result = co_await async_query("SELECT * FROM users");
      say("Got: " + result);
    });
  });
}

void async_decorator() {
  run_async([]() -> awaitable<void> {
    co_await sc::with_async_exit_stack([](sc::AsyncExitStack& stack) -> awaitable<void> {
      say("Starting async transaction on mydb");
      co_await yield_once();
      stack.callback([]() -> awaitable<void> {
        say("Committing async transaction on mydb");
        co_await yield_once();
      });
      say("Doing async work...");
      co_await yield_once();
    });
  });
}

struct AsyncResource {
  std::string name;
};

awaitable<AsyncResource> acquire_resource(std::string name) {
  say("Acquiring " + name);
  co_await yield_once();
  if (name.rfind("bad", 0) == 0) throw RuntimeError("cannot acquire " + name);
  co_return AsyncResource{name};
}

awaitable<void> release_resource(AsyncResource& r) {
  say("Releasing " + r.name);
  co_await yield_once();
}

// async_exitstack.py's main, with the generated cases' failures.
void async_resources(const std::vector<std::string>& resources, bool fail_body) {
  run_async([&]() -> awaitable<void> {
    co_await sc::with_async_exit_stack([&](sc::AsyncExitStack& stack) -> awaitable<void> {
      std::vector<AsyncResource*> acquired;
      for (const std::string& r : resources) {
        auto get = [r] { return acquire_resource(r); };
        auto put = [](AsyncResource& res) { return release_resource(res); };
        acquired.push_back(co_await stack.enter(get, put));
      }
      say("Using resources...");
      co_await yield_once();
      if (fail_body) throw RuntimeError("body failed");
      say("Acquired " + std::to_string(acquired.size()) + " resources");
    });
    say("Done");
  });
}

void async_case(const std::vector<std::string>& resources, bool fail_body) {
  try {
    async_resources(resources, fail_body);
  } catch (const RuntimeError& e) {
    say(std::string("Failed: ") + e.what());
  }
}

void async_exitstack() {
  async_resources({"res1", "res2", "res3"}, false);
}

// resource_manager.py. TransactionManager acquires its connections through an ExitStack, so a
// connection that fails to connect leaves the ones before it released (LIFO) and nothing else;
// once all are connected pop_all() keeps them. Its exit reports commit or rollback and
// disconnects in the tutorial's order (first connected first); disconnect is idempotent, so the
// kept stack's releases after that only free the connections.
struct DatabaseConnection {
  std::string db_name;
  bool is_connected = false;

  static DatabaseConnection connect(const std::string& db_name) {
    say("[DB] Connecting to " + db_name);
    if (db_name.rfind("bad", 0) == 0) throw ConnectionError("cannot connect to " + db_name);
    return DatabaseConnection{db_name, true};
  }
  void disconnect() {
    if (!is_connected) return;
    say("[DB] Disconnecting from " + db_name);
    is_connected = false;
  }
  [[nodiscard]] std::string execute(const std::string& query) const {
    if (!is_connected) throw RuntimeError("Not connected!");
    return "Result of: " + query;
  }
};

class TransactionManager {
 public:
  explicit TransactionManager(std::vector<std::string> databases)
      : databases_(std::move(databases)) {}

  void enter() {
    say("[TX] Starting transaction");
    sc::ExitStack stack;
    for (const std::string& db : databases_) {
      DatabaseConnection& conn = stack.enter([&] { return DatabaseConnection::connect(db); },
                                             [](DatabaseConnection& c) { c.disconnect(); });
      connections_.emplace_back(db, &conn);
    }
    held_ = std::make_unique<sc::ExitStack>(stack.pop_all());
  }

  void exit(const sc::Exit& e) {
    if (e.failed) {
      const PyException* x = py(e.error);
      say(std::string("[TX] Rolling back (error: ") + (x ? x->type() : "?") + ")");
    } else {
      say("[TX] Committing");
    }
    for (auto& [db, conn] : connections_) conn->disconnect();
    (void)held_->close();
  }

  [[nodiscard]] std::string execute(const std::string& db, const std::string& query) const {
    for (const auto& [name, conn] : connections_)
      if (name == db) return conn->execute(query);
    throw ValueError("Unknown database: " + db);
  }

 private:
  std::vector<std::string> databases_;
  std::vector<std::pair<std::string, DatabaseConnection*>> connections_;
  std::unique_ptr<sc::ExitStack> held_;
};

// `with TransactionManager(databases) as tx: body(tx)`
template <class Body>
void with_transaction(std::vector<std::string> databases, Body body) {
  sc::with_exit_stack([&](sc::ExitStack& stack) {
    TransactionManager& tx = stack.enter(
        [&] {
          TransactionManager t(databases);
          t.enter();
          return t;
        },
        [](TransactionManager& t, const sc::Exit& e) { t.exit(e); });
    body(tx);
  });
}

void partial_case(const std::vector<std::string>& names, bool fail_body) {
  try {
    with_transaction(names, [&](TransactionManager& tx) {
      for (const std::string& db : names) say("Result: " + tx.execute(db, "SELECT 1"));
      if (fail_body) throw ValueError("Simulated error!");
    });
  } catch (const ValueError& e) {
    say(std::string("Caught: ") + e.what());
  } catch (const ConnectionError& e) {
    say(std::string("Transaction failed: ") + e.what());
  }
}

void resource_manager() {
  say("=== Multi-Database Transaction ===");
  try {
    with_transaction({"db1", "db2"}, [](TransactionManager& tx) {
      sc::with_exit_stack([&](sc::ExitStack& stack) {
        std::string& backup = stack.enter(
            [] {
              say("[BACKUP] Starting backup to /backup/latest");
              return std::string("Backup handle for /backup/latest");
            },
            [](std::string&) { say("[BACKUP] Completed backup to /backup/latest"); });
        say("Backup: " + backup);
        std::string result1 = tx.execute("db1", "INSERT INTO users VALUES (...)");
        std::string result2 = tx.execute("db2", "INSERT INTO logs VALUES (...)");
        say("Results: " + result1 + ", " + result2);
      });
    });
  } catch (const PyException& e) {
    say("Transaction failed: " + e.str());
  }
  say("\n=== Multi-Database with Failure ===");
  try {
    with_transaction({"db1", "db2"}, [](TransactionManager& tx) {
      std::string result = tx.execute("db1", "SELECT * FROM users");
      say("DB1 result: " + result);
      throw ValueError("Simulated error!");
    });
  } catch (const ValueError& e) {
    say(std::string("Caught: ") + e.what());
  }
  say("\n=== Async Context Managers ===");
  run_async([]() -> awaitable<void> {
    sc::AsyncExitStack stack;
    auto connect = [](std::string name) -> awaitable<AsyncConnection> {
      say("[ASYNC DB] Connecting to " + name);
      co_await yield_once();
      co_return AsyncConnection{name};
    };
    auto disconnect = [](AsyncConnection& c) -> awaitable<void> {
      say("[ASYNC DB] Disconnecting from " + c.db_name);
      co_await yield_once();
    };
    auto query = [](std::string sql) -> awaitable<std::string> {
      co_await yield_once();
      co_return "Async result: " + sql;
    };
    auto connect1 = [&] { return connect("async_db1"); };
    auto connect2 = [&] { return connect("async_db2"); };
    AsyncConnection* db1 = co_await stack.enter(connect1, disconnect);
    AsyncConnection* db2 = co_await stack.enter(connect2, disconnect);
    (void)db1;
    (void)db2;
    std::string result1 = co_await query("SELECT * FROM users");
    std::string result2 = co_await query("SELECT * FROM posts");
    say("Results: " + result1 + ", " + result2);
    (void)co_await stack.close();
  });
}

// ----- suppress cases: the listed types are template arguments, chosen from the names.

template <class F>
bool with_type(const std::string& name, F f) {
  if (name == "ValueError") return f(std::type_identity<ValueError>{}), true;
  if (name == "UnicodeError") return f(std::type_identity<UnicodeError>{}), true;
  if (name == "KeyError") return f(std::type_identity<KeyError>{}), true;
  if (name == "LookupError") return f(std::type_identity<LookupError>{}), true;
  if (name == "RuntimeError") return f(std::type_identity<RuntimeError>{}), true;
  if (name == "IndexError") return f(std::type_identity<IndexError>{}), true;
  return false;
}

[[noreturn]] void raise_named(const std::string& name) {
  if (name == "ValueError") throw ValueError("boom");
  if (name == "UnicodeError") throw UnicodeError("boom");
  if (name == "KeyError") throw KeyError("boom");
  if (name == "LookupError") throw LookupError("boom");
  if (name == "RuntimeError") throw RuntimeError("boom");
  if (name == "IndexError") throw IndexError("boom");
  throw std::invalid_argument("unknown exception type " + name);
}

void suppress_case(const std::vector<std::string>& listed, const std::string& raised) {
  auto body = [&] {
    say("Inside context");
    if (raised != "-") raise_named(raised);
    say("Completed");
  };
  try {
    if (listed.size() == 1) {
      with_type(listed[0], [&]<class A>(std::type_identity<A>) { (void)sc::suppress<A>(body); });
    } else {
      with_type(listed[0], [&]<class A>(std::type_identity<A>) {
        with_type(listed[1],
                  [&]<class B>(std::type_identity<B>) { (void)sc::suppress<A, B>(body); });
      });
    }
    say("Execution continues");
  } catch (const PyException& e) {
    say(std::string(e.type()) + " propagated: " + e.str());
  }
}

// ----- the case loop

bool run_case(const std::string& line) {
  std::stringstream in(line);
  std::string what, a, b;
  in >> what >> a >> b;
  if (what == "seed") {
    if (a == "tracked_file")
      tracked_file();
    else if (a == "exception_handling")
      exception_handling();
    else if (a == "suppress_exception")
      suppress_exception();
    else if (a == "simple_decorator")
      simple_decorator();
    else if (a == "yield_value")
      yield_value();
    else if (a == "exception_decorator")
      exception_decorator();
    else if (a == "exitstack_basics")
      exitstack_basics();
    else if (a == "conditional_contexts")
      conditional_contexts();
    else if (a == "callback_registration")
      callback_registration();
    else if (a == "exitstack_database")
      exitstack_database();
    else if (a == "async_context")
      async_context();
    else if (a == "async_decorator")
      async_decorator();
    else if (a == "async_exitstack")
      async_exitstack();
    else if (a == "resource_manager")
      resource_manager();
    else
      return false;
  } else if (what == "exitstack_db") {
    exitstack_db(split(a), b == "-" ? std::nullopt : std::optional<std::string>(b));
  } else if (what == "conditional") {
    conditional(a == "1", b == "1");
  } else if (what == "suppress") {
    suppress_case(split(a), b);
  } else if (what == "partial") {
    partial_case(split(a), b == "1");
  } else if (what == "async") {
    async_case(split(a), b == "1");
  } else {
    return false;
  }
  return true;
}

}  // namespace

int main() {
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty()) continue;
    try {
      if (!run_case(line)) {
        std::fprintf(stderr, "scope_driver: unknown case: %s\n", line.c_str());
        return 2;
      }
    } catch (const std::exception& e) {
      say(std::string("uncaught: ") + e.what());
    }
    say("=== end");
    std::fflush(stdout);
  }
  return 0;
}
