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
#include <string>
#include <vector>

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
// gzip_middleware: compresses in-memory bodies when the client accepts gzip; adds
// Vary: Accept-Encoding.
[[nodiscard]] Middleware gzip_middleware(GzipOptions options = {});

struct SessionOptions {
  std::string secret_key;  // signs the cookie (HMAC-SHA256 through kit::hash)
  std::string cookie_name = "session";
  std::chrono::seconds max_age{14 * 24 * 3600};
  std::string path = "/";
  std::string same_site = "lax";
  bool https_only = false;
};
// session_middleware: a signed cookie holding a JSON object; handlers read and change
// request.state["session"]; a changed session is sent back, an emptied one is cleared.
// A cookie with a bad signature or past max_age is an empty session.
[[nodiscard]] Middleware session_middleware(SessionOptions options);

}  // namespace kit::web
