// hello_api — the Starlette tutorial's first program on kit::web: one route that returns JSON.
//
//   $ hello_api 8000 &
//   $ curl http://127.0.0.1:8000/
//   {"message":"Hello from Starlette!","version":"1.0"}
#include <cstdio>
#include <cstdlib>

#include "kit/web.hpp"

kit::web::App make_hello_app() {
  kit::web::App app;
  app.get("/", [](kit::web::Request&) {
    return kit::web::Response::json({{"message", "Hello from Starlette!"}, {"version", "1.0"}});
  });
  return app;
}

#ifndef KIT_EXAMPLE_NO_MAIN
int main(int argc, char** argv) {
  kit::web::ServerOptions options;
  options.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8000);
  const kit::web::App app = make_hello_app();
  auto server = kit::web::Server::bind(app, options);
  if (!server) {
    std::fprintf(stderr, "hello_api: %s\n", server.error().message.c_str());
    return 2;
  }
  std::printf("Listening on %s\n", (*server)->url().c_str());
  std::fflush(stdout);
  (*server)->run();
}
#endif
