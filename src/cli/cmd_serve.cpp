// kit serve — the Starlette tutorial's Task Manager API as a server: tasks in SQLite, a live
// feed over WebSocket, a task page, the seed's timing log. Docs: docs/commands/serve.md.
//
// usage: kit serve [--host 127.0.0.1] [-p 8000] [--db PATH|:memory:] [--static DIR]
//                  [--threads N] [--cors-origin O]... [--max-body 1MiB] [--cache-size 64MiB]
//                  [--access-log -|FILE|off]
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/cache/file_cache.hpp"
#include "kit/config/dirs.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/core/process.hpp"
#include "kit/core/text.hpp"
#include "kit/web.hpp"
#include "kit/web/tasks.hpp"

namespace kit::cli {

namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::optional<std::string> db;
  std::optional<std::string> static_dir;
  unsigned threads = 0;
  std::vector<std::string> cors_origins;
  std::string max_body = "1MiB";
  std::string cache_size = "64MiB";
  std::string access_log = "-";
};

int usage(std::string message) {
  return core::report_error(
      "serve", make_error(ErrorKind::invalid_argument, "serve.usage", std::move(message)));
}

// A log written a whole line at a time, each line one write(2): a pipe reader sees each line as
// it happens, and lines from the server's threads never interleave. No descriptor: no log.
class LineLog {
 public:
  explicit LineLog(core::FileDescriptor fd) : fd_(std::move(fd)) {}
  void write(std::string_view line) const {
    if (!fd_.valid()) return;
    std::string text;
    text.reserve(line.size() + 1);
    text.append(line).push_back('\n');
    for (std::string_view rest = text; !rest.empty();) {
      const ssize_t n = ::write(fd_.get(), rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // a log that cannot be written is not worth stopping the server for
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }

 private:
  core::FileDescriptor fd_;
};

Result<std::string> database_path(const ServeOptions& o) {
  if (o.db) return *o.db;
  if (const char* env = std::getenv("KIT_SERVE_DB"); env && *env) return std::string(env);
  config::PlatformDirs dirs;
  dirs.app = "kit";
  dirs.ensure_exists = true;
  auto data = dirs.user_data_dir();
  if (!data) return tl::unexpected(data.error());
  return *data + "/tasks.db";
}

int run_serve(const ServeOptions& o) {
  if (o.port < 0 || o.port > 65535) return usage(fmt::format("-p {}: not a port", o.port));
  const auto max_body = core::parse_byte_size(o.max_body);
  if (!max_body) return usage("--max-body: " + max_body.error().message);
  const auto cache_size = core::parse_byte_size(o.cache_size);
  if (!cache_size) return usage("--cache-size: " + cache_size.error().message);

  core::FileDescriptor log_fd;
  if (o.access_log != "off") {
    auto opened = core::open_for_appending(o.access_log);
    if (!opened) return core::report_error("serve", opened.error());
    log_fd = std::move(*opened);
  }
  const LineLog access(std::move(log_fd));
  const LineLog errors(core::FileDescriptor::borrow(STDERR_FILENO));

  if (o.static_dir && !std::filesystem::is_directory(*o.static_dir))
    return usage(fmt::format("--static {}: not a folder", *o.static_dir));
  const auto path = database_path(o);
  if (!path) return core::report_error("serve", path.error());
  auto store = web::open_sqlite_task_store(*path);
  if (!store) return core::report_error("serve", store.error());

  web::App app;
  app.use(web::timing_middleware(o.access_log == "off"
                                     ? std::function<void(std::string_view)>()
                                     : [&access](std::string_view line) { access.write(line); }));
  app.on_background_error = [&errors](std::string_view e) {
    errors.write(fmt::format("kit serve: background task failed: {}", e));
  };
  if (!o.cors_origins.empty()) {
    web::CorsOptions cors;
    cors.allow_origins = o.cors_origins;
    cors.allow_methods = {"GET", "POST", "PUT", "DELETE"};
    cors.allow_headers = {"content-type"};
    app.use(web::cors_middleware(std::move(cors)));
  }
  app.use(web::gzip_middleware());
  web::add_task_api(app, *store);
  if (o.static_dir) {
    cache::FileCacheOptions cached;
    cached.budget_bytes = static_cast<std::size_t>(*cache_size);
    web::StaticOptions files;
    files.directory = *o.static_dir;
    files.cache = std::make_shared<cache::FileCache>(std::move(cached));
    app.mount("/static", web::static_files(std::move(files)));
  }

  // A descriptor per client: allow as many clients as the hard limit lets us.
  if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
  // Installed before the server's threads start, so that they inherit the handlers.
  auto signals = core::SignalPipe::install({SIGINT, SIGTERM});
  if (!signals) return core::report_error("serve", signals.error());

  web::ServerOptions options;
  options.host = o.host;
  options.port = static_cast<std::uint16_t>(o.port);
  options.threads = o.threads;
  options.max_body = static_cast<std::size_t>(*max_body);
  options.log = [&errors](std::string_view line) {
    errors.write(fmt::format("kit serve: {}", line));
  };
  auto server = web::Server::bind(app, options);
  if (!server) return core::report_error("serve", server.error());
  fmt::print("Listening on {}\n", (*server)->url());
  std::fflush(stdout);

  std::thread loop([&] { (*server)->run(); });
  pollfd wait{.fd = signals->fd(), .events = POLLIN, .revents = 0};
  while (::poll(&wait, 1, -1) < 0 && errno == EINTR) {
  }
  (*server)->stop();  // in-flight requests are answered, then run() returns
  loop.join();
  if (auto closed = (*store)->close(); !closed) return core::report_error("serve", closed.error());
  return core::exit_ok;
}

}  // namespace

Runner register_serve(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  app.add_option("--host", o->host, "Address to listen on (default 127.0.0.1; ::1 for IPv6)");
  app.add_option("-p,--port", o->port, "Port (default 8000; 0 picks a free one)");
  app.add_option("--db", o->db,
                 "Task database (SQLite; :memory: for none; default $KIT_SERVE_DB, else the "
                 "platform data folder's kit/tasks.db)");
  app.add_option("--static", o->static_dir, "Serve this folder at /static");
  app.add_option("--threads", o->threads, "Threads serving clients (default: one per core)");
  app.add_option("--cors-origin", o->cors_origins, "Allow this origin (CORS); repeat for more");
  app.add_option("--max-body", o->max_body, "Largest request body (default 1MiB): else 413");
  app.add_option("--cache-size", o->cache_size,
                 "Memory for cached static files (default 64MiB); larger files stream from disk");
  app.add_option("--access-log", o->access_log,
                 "Where the 'GET /tasks -- 200 in 0.42ms' lines go: - (stdout), FILE, or off");
  return [o] { return run_serve(*o); };
}

}  // namespace kit::cli
