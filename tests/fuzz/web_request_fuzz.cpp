// Fuzz target: bytes from a client, through the server's HTTP parser and limits, the router,
// the middleware (timing, CORS, gzip, sessions) and the task API's JSON bodies — what
// TestClient::raw shares with the server. Oracles: every answer is a whole HTTP/1.x response,
// and none is a 5xx except 505 (a version we do not speak).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kit/web.hpp"
#include "kit/web/tasks.hpp"

namespace {

kit::web::App& fuzz_app() {
  static kit::web::App* app = [] {
    auto* a = new kit::web::App();
    a->use(kit::web::timing_middleware());
    kit::web::CorsOptions cors;
    cors.allow_origins = {"https://example.org"};
    cors.allow_methods = {"GET", "POST", "PUT", "DELETE"};
    a->use(kit::web::cors_middleware(cors));
    a->use(kit::web::gzip_middleware());
    kit::web::SessionOptions session;
    session.secret_key = "fuzz";
    a->use(kit::web::session_middleware(session));
    auto store = kit::web::open_sqlite_task_store(":memory:");
    if (!store) std::abort();
    kit::web::add_task_api(*a, *store);
    a->get("/price/{x:float}/{rest:path}", [](kit::web::Request& r) {
      return kit::web::Response::text(std::string(r.param("rest")));
    });
    return a;
  }();
  return *app;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kit::web::TestClient client(fuzz_app(), 64 * 1024, 8 * 1024);
  const std::string out = client.raw(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view rest(out);
  while (!rest.empty()) {
    if (!rest.starts_with("HTTP/1.")) std::abort();
    const std::string_view status = rest.substr(9, 3);
    if (status.size() != 3 || (status[0] == '5' && status != "505")) std::abort();
    const std::size_t next = rest.find("\r\nHTTP/1.", 12);
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 2);
  }
  return 0;
}
