// kit/web/app.hpp — routes, middleware and error handlers: the application, with no socket.
//
// An App maps requests to handlers as Starlette does: patterns with typed parameters
// ({id:int}, {x:float}, {rest:path}, {name} = str), a 405 with every method of the path in
// Allow, a redirect for a missing or extra trailing slash, middleware run outermost first,
// error handlers by status or by exception type. Handlers are plain functions that return a
// Response, or asynchronous ones that answer later through their Responder (from any thread:
// how a write answers only after its commit). The same App runs under a Server (server.hpp)
// or a TestClient (test_client.hpp).
//
// Example:
//   kit::web::App app;
//   app.get("/products/{id:int}", [](kit::web::Request& r) {
//     return kit::web::Response::json({{"id", r.param_int("id")}});
//   });
//   app.use(kit::web::timing_middleware([](std::string_view line) { std::puts(line.data()); }));
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "kit/web/http.hpp"

namespace kit::web {

// Responder: answers one request, once, from any thread. A Responder dropped without answering
// answers 500 (a handler that lost it is a bug, never a hung client).
class Responder {
 public:
  using Send = std::function<void(Response)>;
  Responder() = default;
  explicit Responder(Send send);
  Responder(Responder&&) noexcept;
  Responder& operator=(Responder&&) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void operator()(Response response);
  // then(fn): a Responder that lets fn change the response before this one sends it
  // (middleware's "after the handler" half).
  [[nodiscard]] Responder then(std::function<void(Response&)> fn) &&;
  [[nodiscard]] explicit operator bool() const { return static_cast<bool>(send_); }

 private:
  Send send_;
};

using Handler = std::function<Response(Request&)>;
using AsyncHandler = std::function<void(Request&, Responder)>;
// Next: the rest of the chain. A middleware calls it once (or answers itself).
using Next = std::function<void(Request&, Responder)>;
using Middleware = std::function<void(Request&, Responder, const Next&)>;

// WebSocket: one client connection, as a route's handler sees it. send_text may be called from
// any thread; messages are queued in order. A socket opened by a route is subscribed before its
// handshake answer goes out, so nothing sent after the 101 is missed.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  virtual void send_text(std::string text) = 0;
  virtual void close(std::uint16_t code = 1000, std::string reason = {}) = 0;
  [[nodiscard]] virtual const Request& request() const = 0;
};

struct WebSocketRoute {
  std::function<void(const std::shared_ptr<WebSocket>&)> on_open;
  std::function<void(WebSocket&, std::string_view)> on_message;
  std::function<void(WebSocket&)> on_close;
};

// An error handler gets the request and the error (status and detail for an HttpError, 500
// for any other exception) and returns the response to send.
using ErrorHandler = std::function<Response(Request&, const HttpError&)>;

class App {
 public:
  App();
  ~App();
  App(App&&) noexcept;
  App& operator=(App&&) noexcept;

  // route(methods, pattern, handler). A GET route answers HEAD too.
  void route(std::initializer_list<std::string_view> methods, std::string_view pattern,
             Handler handler);
  void route_async(std::initializer_list<std::string_view> methods, std::string_view pattern,
                   AsyncHandler handler);
  void get(std::string_view pattern, Handler h) { route({"GET"}, pattern, std::move(h)); }
  void post(std::string_view pattern, Handler h) { route({"POST"}, pattern, std::move(h)); }
  void put(std::string_view pattern, Handler h) { route({"PUT"}, pattern, std::move(h)); }
  void del(std::string_view pattern, Handler h) { route({"DELETE"}, pattern, std::move(h)); }
  // mount(prefix, handler): every path under prefix (the handler sees the rest in
  // path_params["path"]), any method: static files, a sub-application.
  void mount(std::string_view prefix, AsyncHandler handler);
  void websocket(std::string_view pattern, WebSocketRoute route);

  // use(m): middleware; the first added runs first (outermost), as Starlette's list.
  void use(Middleware m);
  // on_status(404, h): how an HttpError (or a 404/405 from routing) of that status answers.
  void on_status(int status, ErrorHandler h);
  // on_exception<E>(h): how a handler's exception of type E (or derived) answers; the detail
  // given to h is e.what(). Checked in the order added; anything else answers 500.
  template <class E>
  void on_exception(ErrorHandler h) {
    add_exception_handler(
        [](const std::exception_ptr& e) {
          try {
            std::rethrow_exception(e);
          } catch (const E&) {
            return true;
          } catch (...) {
            return false;
          }
        },
        std::move(h));
  }

  // handle(request, respond): the whole chain: middleware, routing, handler, error handlers.
  void handle(Request& request, Responder respond) const;
  // websocket_route(request): the route for an upgrade request, with path_params filled.
  [[nodiscard]] const WebSocketRoute* websocket_route(Request& request) const;

  // run_background(response): its background tasks, in order, when the status is 2xx; one
  // that throws goes to on_background_error and the others still run.
  void run_background(Response& response) const;
  std::function<void(std::string_view)> on_background_error;

  struct Impl;

 private:
  void add_route(std::initializer_list<std::string_view> methods, std::string_view pattern,
                 Handler handler, AsyncHandler async_handler);
  void add_exception_handler(std::function<bool(const std::exception_ptr&)> matches,
                             ErrorHandler h);
  std::unique_ptr<Impl> impl_;
};

// timing_middleware(log): the seed's TimingMiddleware: X-Process-Time: 0.42ms on every
// response, and `GET /tasks -- 200 in 0.42ms` to log (path without its query) when log is set.
[[nodiscard]] Middleware timing_middleware(std::function<void(std::string_view)> log = {});

}  // namespace kit::web
