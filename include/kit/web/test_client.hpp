// kit/web/test_client.hpp — call an App without a socket, as Starlette's TestClient does.
//
// Requests go through the same path decoding, query parsing, middleware and routing as on the
// server; background tasks run before the call returns. raw() feeds bytes through the
// server's own HTTP parser and limits and returns the bytes the server would send (how the
// fuzz target and the malformed-request corpus reach the parser).
//
// Example:
//   kit::web::TestClient client(app);
//   kit::web::Response r = client.get("/products?category=widgets");
//   assert(r.status == 200 && r.json()["count"] == 2);
#pragma once

#include <string>
#include <string_view>

#include "kit/web/app.hpp"

namespace kit::web {

struct TestResponse : Response {
  // json(): the body as JSON (a discarded value when it is not JSON).
  [[nodiscard]] Json json() const;
};

class TestClient {
 public:
  explicit TestClient(const App& app, std::size_t max_body = std::size_t{1} << 20,
                      std::size_t max_header = 8 * 1024)
      : app_(app), max_body_(max_body), max_header_(max_header) {}

  TestResponse request(std::string_view method, std::string_view target, std::string body = {},
                       const Headers& headers = {});
  TestResponse get(std::string_view target, const Headers& h = {}) {
    return request("GET", target, {}, h);
  }
  TestResponse post(std::string_view target, std::string body, const Headers& h = {}) {
    return request("POST", target, std::move(body), h);
  }
  TestResponse put(std::string_view target, std::string body, const Headers& h = {}) {
    return request("PUT", target, std::move(body), h);
  }
  TestResponse del(std::string_view target, const Headers& h = {}) {
    return request("DELETE", target, {}, h);
  }
  // raw(bytes): every request in `bytes` (pipelined), parsed as the server parses, answered;
  // the response bytes as the server would write them (a file body is read in).
  std::string raw(std::string_view bytes);

 private:
  const App& app_;
  std::size_t max_body_;
  std::size_t max_header_;
};

}  // namespace kit::web
