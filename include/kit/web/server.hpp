// kit/web/server.hpp — an App on a socket: HTTP/1.1 keep-alive and WebSockets on Boost.Beast.
//
// The server enforces what a public server must: headers over max_header -> 431, a declared
// body over max_body -> 413 before it is read, bad framing (Content-Length with chunked, a bad
// length) -> 400 and close, a version other than 1.0/1.1 -> 505, a header timeout and an idle
// keep-alive timeout. stop() is graceful: no new connections, requests in flight answered,
// idle keep-alive connections closed, WebSockets closed with 1001 (going away).
//
// Example:
//   auto server = kit::web::Server::bind(app, {.host = "127.0.0.1", .port = 0});
//   if (!server) return fail(server.error());
//   std::printf("Listening on %s\n", (*server)->url().c_str());
//   std::thread t([&] { (*server)->run(); });   // ... later: (*server)->stop(); t.join();
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kit/core/error.hpp"
#include "kit/web/app.hpp"

namespace kit::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;  // 0: any free port (port() tells which)
  unsigned threads = 0;       // 0: one per core
  std::size_t max_body = std::size_t{1} << 20;
  std::size_t max_header = 8 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // to receive a request's head (and body)
  std::chrono::milliseconds idle_timeout{5'000};     // between keep-alive requests
  // Protocol-level events worth a line in the log (a 431, a bad request, a failed background
  // task); called from server threads.
  std::function<void(std::string_view)> log;
};

class Server {
 public:
  // bind(app, options): listening on host:port; error web.bind. The app must outlive the server.
  [[nodiscard]] static Result<std::unique_ptr<Server>> bind(const App& app, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::string url() const;  // "http://127.0.0.1:8000" ("http://[::1]:8000")
  // run(): serves on options.threads threads (this one included) until stop() has drained.
  void run();
  // stop(): graceful stop, from any thread; run() returns once in-flight work is done.
  void stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kit::web
