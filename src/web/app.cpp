// The application: Starlette's routing rules, the middleware chain and the error handlers.
#include "kit/web/app.hpp"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

namespace kit::web {

// ---- Responder ----------------------------------------------------------------------------

Responder::Responder(Send send) : send_(std::move(send)) {}
Responder::Responder(Responder&& other) noexcept : send_(std::exchange(other.send_, nullptr)) {}
Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (send_) std::exchange(send_, nullptr)(Response::error(500));
    send_ = std::exchange(other.send_, nullptr);
  }
  return *this;
}
Responder::~Responder() {
  if (send_) {
    try {
      std::exchange(send_, nullptr)(Response::error(500));
    } catch (...) {  // a destructor must not throw; the client's connection ends instead
    }
  }
}

void Responder::operator()(Response response) {
  if (send_) std::exchange(send_, nullptr)(std::move(response));
}

Responder Responder::then(std::function<void(Response&)> fn) && {
  return Responder([send = std::exchange(send_, nullptr), fn = std::move(fn)](Response r) {
    fn(r);
    send(std::move(r));
  });
}

// ---- Patterns -----------------------------------------------------------------------------

namespace {

enum class Converter { str, path, integer, number };

struct Token {
  std::string literal;  // empty for a parameter
  std::string name;
  Converter converter = Converter::str;
};

std::vector<Token> compile_pattern(std::string_view pattern) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const std::size_t open = pattern.find('{', i);
    if (open == std::string_view::npos) {
      tokens.push_back({std::string(pattern.substr(i)), {}, {}});
      break;
    }
    if (open > i) tokens.push_back({std::string(pattern.substr(i, open - i)), {}, {}});
    const std::size_t close = pattern.find('}', open);
    if (close == std::string_view::npos)
      throw std::invalid_argument(fmt::format("route pattern {}: '{{' without '}}'", pattern));
    const std::string_view spec = pattern.substr(open + 1, close - open - 1);
    const std::size_t colon = spec.find(':');
    Token t;
    t.name = std::string(spec.substr(0, colon));
    const std::string_view conv = colon == std::string_view::npos ? "str" : spec.substr(colon + 1);
    if (conv == "str")
      t.converter = Converter::str;
    else if (conv == "path")
      t.converter = Converter::path;
    else if (conv == "int")
      t.converter = Converter::integer;
    else if (conv == "float")
      t.converter = Converter::number;
    else
      throw std::invalid_argument(
          fmt::format("route pattern {}: unknown converter {}", pattern, conv));
    tokens.push_back(std::move(t));
    i = close + 1;
  }
  return tokens;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// accepts(converter, text): the converter's regex (Starlette's): [^/]+, .*, [0-9]+,
// [0-9]+(\.[0-9]+)?
bool accepts(Converter c, std::string_view text) {
  switch (c) {
    case Converter::str:
      return !text.empty() && text.find('/') == std::string_view::npos;
    case Converter::path:
      return true;
    case Converter::integer:
      return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
    case Converter::number: {
      const std::size_t dot = text.find('.');
      const std::string_view whole = text.substr(0, dot);
      if (whole.empty() || !std::all_of(whole.begin(), whole.end(), is_digit)) return false;
      if (dot == std::string_view::npos) return true;
      const std::string_view frac = text.substr(dot + 1);
      return !frac.empty() && std::all_of(frac.begin(), frac.end(), is_digit);
    }
  }
  return false;
}

PathParam convert(Converter c, std::string_view text) {
  if (c == Converter::integer) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) return v;
    return std::string(text);  // past 64 bits: param_int says none
  }
  if (c == Converter::number) return std::stod(std::string(text));
  return std::string(text);
}

using Params = std::map<std::string, PathParam, std::less<>>;

// match(tokens, k, path, params): whether path matches tokens[k..] entirely; a parameter takes
// as much as it can, then gives back (the regex's backtracking, for patterns like
// "/files/{name}.txt").
bool match(const std::vector<Token>& tokens, std::size_t k, std::string_view path, Params& params) {
  if (k == tokens.size()) return path.empty();
  const Token& t = tokens[k];
  if (t.name.empty()) {
    if (!path.starts_with(t.literal)) return false;
    return match(tokens, k + 1, path.substr(t.literal.size()), params);
  }
  std::size_t longest = path.size();
  if (t.converter != Converter::path) longest = std::min(longest, path.find('/'));
  for (std::size_t n = longest + 1; n-- > 0;) {
    const std::string_view piece = path.substr(0, n);
    if (!accepts(t.converter, piece)) continue;
    if (match(tokens, k + 1, path.substr(n), params)) {
      params[t.name] = convert(t.converter, piece);
      return true;
    }
  }
  return false;
}

}  // namespace

// ---- App ----------------------------------------------------------------------------------

struct App::Impl {
  struct Route {
    std::vector<std::string> methods;  // empty: any (a mount)
    std::vector<Token> tokens;
    Handler handler;  // one of the two
    AsyncHandler async_handler;
  };
  struct WsRoute {
    std::vector<Token> tokens;
    WebSocketRoute route;
  };
  struct ExceptionHandler {
    std::function<bool(const std::exception_ptr&)> matches;
    ErrorHandler handler;
  };
  std::vector<Route> routes;
  std::vector<WsRoute> ws_routes;
  std::vector<Middleware> middleware;
  std::map<int, ErrorHandler> status_handlers;
  std::vector<ExceptionHandler> exception_handlers;

  void run_chain(std::size_t i, Request& req, Responder respond) const;
  void dispatch(Request& req, Responder respond) const;
  Response error_response(Request& req, const HttpError& e) const;
  Response exception_response(Request& req, const std::exception_ptr& e) const;
};

App::App() : impl_(std::make_unique<Impl>()) {}
App::~App() = default;
App::App(App&&) noexcept = default;
App& App::operator=(App&&) noexcept = default;

void App::route(std::initializer_list<std::string_view> methods, std::string_view pattern,
                Handler handler) {
  add_route(methods, pattern, std::move(handler), {});
}

void App::route_async(std::initializer_list<std::string_view> methods, std::string_view pattern,
                      AsyncHandler handler) {
  add_route(methods, pattern, {}, std::move(handler));
}

void App::add_route(std::initializer_list<std::string_view> methods, std::string_view pattern,
                    Handler handler, AsyncHandler async_handler) {
  Impl::Route r;
  for (auto m : methods) {
    r.methods.emplace_back(m);
    if (m == "GET") r.methods.emplace_back("HEAD");
  }
  r.tokens = compile_pattern(pattern);
  r.handler = std::move(handler);
  r.async_handler = std::move(async_handler);
  impl_->routes.push_back(std::move(r));
}

void App::mount(std::string_view prefix, AsyncHandler handler) {
  std::string pattern(prefix);
  if (!pattern.ends_with('/')) pattern += '/';
  pattern += "{path:path}";
  Impl::Route r;
  r.tokens = compile_pattern(pattern);
  r.async_handler = std::move(handler);
  impl_->routes.push_back(std::move(r));
}

void App::websocket(std::string_view pattern, WebSocketRoute route) {
  impl_->ws_routes.push_back({compile_pattern(pattern), std::move(route)});
}

void App::use(Middleware m) {
  impl_->middleware.push_back(std::move(m));
}

void App::on_status(int status, ErrorHandler h) {
  impl_->status_handlers[status] = std::move(h);
}

void App::add_exception_handler(std::function<bool(const std::exception_ptr&)> matches,
                                ErrorHandler h) {
  impl_->exception_handlers.push_back({std::move(matches), std::move(h)});
}

void App::handle(Request& request, Responder respond) const {
  impl_->run_chain(0, request, std::move(respond));
}

const WebSocketRoute* App::websocket_route(Request& request) const {
  for (const auto& r : impl_->ws_routes) {
    Params params;
    if (match(r.tokens, 0, request.path, params)) {
      request.path_params = std::move(params);
      return &r.route;
    }
  }
  return nullptr;
}

void App::run_background(Response& response) const {
  if (response.status < 200 || response.status > 299) return;
  for (auto& task : response.background) {
    try {
      task();
    } catch (const std::exception& e) {
      if (on_background_error) on_background_error(e.what());
    } catch (...) {
      if (on_background_error) on_background_error("unknown exception");
    }
  }
  response.background.clear();
}

void App::Impl::run_chain(std::size_t i, Request& req, Responder respond) const {
  if (i == middleware.size()) return dispatch(req, std::move(respond));
  // The Responder is shared with the catch below: a middleware that throws before passing it
  // on still gets its request answered.
  auto held = std::make_shared<Responder>(std::move(respond));
  try {
    const Next next = [this, i](Request& r, Responder rr) { run_chain(i + 1, r, std::move(rr)); };
    middleware[i](req, std::move(*held), next);
  } catch (...) {
    (*held)(exception_response(req, std::current_exception()));
  }
}

void App::Impl::dispatch(Request& req, Responder respond) const {
  const Route* partial = nullptr;
  std::string allow;
  for (const auto& r : routes) {
    Params params;
    if (!match(r.tokens, 0, req.path, params)) continue;
    const bool method_ok = r.methods.empty() || std::find(r.methods.begin(), r.methods.end(),
                                                          req.method) != r.methods.end();
    if (method_ok) {
      req.path_params = std::move(params);
      if (r.handler) {
        Response response;
        try {
          response = r.handler(req);
        } catch (...) {
          response = exception_response(req, std::current_exception());
        }
        return respond(std::move(response));
      }
      // An async handler that throws before answering has dropped its Responder: 500.
      try {
        r.async_handler(req, std::move(respond));
      } catch (...) {
      }
      return;
    }
    if (!partial) partial = &r;
    for (const auto& m : r.methods) {
      if (allow.find(m) != std::string::npos) continue;
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
  }
  if (partial) {
    Headers h;
    h.set("allow", allow);
    return respond(error_response(req, HttpError(405, {}, std::move(h))));
  }
  // Starlette's redirect_slashes: the other spelling of the path matches some route.
  if (req.path != "/") {
    // Starlette strips every trailing slash (rstrip("/")), or adds one.
    std::string other = req.path;
    if (other.ends_with('/'))
      other.erase(other.find_last_not_of('/') + 1);
    else
      other += '/';
    for (const auto& r : routes) {
      Params params;
      if (!match(r.tokens, 0, other, params)) continue;
      std::string location(req.headers.get("host").value_or("localhost"));
      location = "http://" + location + other;
      if (const auto q = req.target.find('?'); q != std::string::npos)
        location += req.target.substr(q);
      return respond(Response::redirect(location));
    }
  }
  respond(error_response(req, HttpError(404)));
}

Response App::Impl::error_response(Request& req, const HttpError& e) const {
  if (const auto it = status_handlers.find(e.status); it != status_handlers.end())
    return it->second(req, e);
  Response r =
      Response::text(e.detail.empty() ? std::string(reason_phrase(e.status)) : e.detail, e.status);
  for (const auto& [n, v] : e.headers.fields()) r.headers.set(n, v);
  return r;
}

Response App::Impl::exception_response(Request& req, const std::exception_ptr& e) const {
  try {
    std::rethrow_exception(e);
  } catch (const HttpError& http) {
    return error_response(req, http);
  } catch (...) {
  }
  std::string what = "Internal Server Error";
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    what = ex.what();
  } catch (...) {
  }
  for (const auto& h : exception_handlers)
    if (h.matches(e)) return h.handler(req, HttpError(500, what));
  if (const auto it = status_handlers.find(500); it != status_handlers.end())
    return it->second(req, HttpError(500, what));
  return Response::error(500);
}

// ---- Timing -------------------------------------------------------------------------------

Middleware timing_middleware(std::function<void(std::string_view)> log) {
  return [log = std::move(log)](Request& req, Responder respond, const Next& next) {
    const auto start = std::chrono::steady_clock::now();
    next(req, std::move(respond).then([start, &req, &log](Response& r) {
      const std::chrono::duration<double, std::milli> elapsed =
          std::chrono::steady_clock::now() - start;
      r.headers.set("x-process-time", fmt::format("{:.2f}ms", elapsed.count()));
      if (log)
        log(fmt::format("{} {} -- {} in {:.2f}ms", req.method, req.path, r.status,
                        elapsed.count()));
    }));
  };
}

}  // namespace kit::web
