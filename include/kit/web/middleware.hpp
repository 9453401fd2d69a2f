// kit/web/middleware.hpp — the middleware set the Starlette tutorial names: CORS, GZip, Session.
//
// Each returns a kit::web::Middleware for App::use. They follow Starlette's middleware where
// users agree with it, and its trackers where they do not: a preflight from a disallowed origin
// gets no allow headers; credentials never go with `*` (the request's origin is echoed instead).
//
// Example:
//   app.use(kit::web::cors_middleware({.allow_origins = {"https://example.org"}}));
//   app.use(kit::web::gzip_middleware());
//   app.use(kit::web::session_middleware({.secret_key = key}));
//   // in a handler: request.state["session"] is the session as JSON text ("{}" when new)
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "kit/core/clock.hpp"
#include "kit/web/app.hpp"

namespace kit::web {

struct CorsOptions {
  std::vector<std::string> allow_origins;  // "*" for any
  std::vector<std::string> allow_methods = {"GET"};
  std::vector<std::string> allow_headers;
  std::vector<std::string> expose_headers;
  bool allow_credentials = false;
  std::chrono::seconds max_age{600};
};
[[nodiscard]] Middleware cors_middleware(CorsOptions options);

struct GzipOptions {
  std::size_t minimum_size = 500;  // smaller bodies go as they are (Starlette's default)
  int level = 9;
};
// gzip_middleware: compresses in-memory bodies of at least minimum_size bytes when the client
// accepts gzip (not FileBody ones, not a 206 or one with Content-Range, not one that already
// has a Content-Encoding); adds Vary: Accept-Encoding and turns a strong ETag weak.
[[nodiscard]] Middleware gzip_middleware(GzipOptions options = {});

struct SessionOptions {
  std::string secret_key;  // signs the cookie (HMAC-SHA256 through kit::hash); empty: every
                           // request answers 500 (a server that cannot sign must not run)
  std::string cookie_name = "session";
  std::chrono::seconds max_age{14 * 24 * 3600};  // 0: a browser-session cookie, no expiry
  std::string path = "/";
  std::string same_site = "lax";
  bool https_only = false;  // adds `secure`
  // The wall clock that stamps and ages cookies (tests pass a ManualClock); none: the system's.
  std::shared_ptr<kit::core::Clock> clock;
};
// session_middleware: Starlette's SessionMiddleware semantics with kit's own signed format
// (not itsdangerous'). Handlers read and change request.state["session"], the session as the
// JSON text of an object ("{}" when new). A non-empty session is sent back on every response
// (its max_age starts again), an emptied one is cleared; state["session"] left as text that is
// not a JSON object changes nothing. A cookie with a bad signature or past max_age is an empty
// session.
[[nodiscard]] Middleware session_middleware(SessionOptions options);

}  // namespace kit::web
