// kit/web.hpp — kit::web: Starlette's lesson as a C++ framework: an App of routes and
// middleware, served by a Server or called by a TestClient.
//
// Example:
//   kit::web::App app;
//   app.get("/", [](kit::web::Request&) {
//     return kit::web::Response::json({{"message", "Hello from Starlette!"}, {"version", "1.0"}});
//   });
//   auto server = kit::web::Server::bind(app, {.port = 8000});
//   (*server)->run();
#pragma once

#include "kit/web/app.hpp"           // IWYU pragma: export
#include "kit/web/http.hpp"          // IWYU pragma: export
#include "kit/web/middleware.hpp"    // IWYU pragma: export
#include "kit/web/server.hpp"        // IWYU pragma: export
#include "kit/web/static_files.hpp"  // IWYU pragma: export
#include "kit/web/test_client.hpp"   // IWYU pragma: export
