// kit/web/http.hpp — the request and response of kit::web: headers, query parameters, bodies.
//
// Plain values with no socket behind them: the server fills a Request from the wire, a handler
// returns a Response, and TestClient builds both without a socket. Bodies render as Starlette's
// JSONResponse does (compact JSON, UTF-8 kept), so kit's bytes can be compared with Python's.
//
// Example:
//   kit::web::Response r = kit::web::Response::json({{"ok", true}});   // 200 {"ok":true}
//   r.headers.set("X-Process-Time", "0.42ms");
//   std::optional<std::string_view> s = request.query.get("status");     // the last one wins
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "kit/core/error.hpp"

namespace kit::web {

// Objects keep their keys in insertion order, as Python's dict (the same type as kit::config's).
using Json = nlohmann::ordered_json;

// Headers: an ordered list of fields; names compare case-insensitively.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }
  void set(std::string_view name, std::string_view value);  // replaces every field of that name
  void add(std::string_view name, std::string_view value);  // appends (Set-Cookie, Vary ...)
  void erase(std::string_view name);
  [[nodiscard]] const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

// QueryParams: a query string parsed as Python's urllib.parse.parse_qsl(keep_blank_values=True)
// ('+' is a space, bad UTF-8 becomes U+FFFD); get() returns the last value of a name, as
// Starlette's QueryParams.get.
class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::string_view query);
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const {
    return items_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// A path parameter after its converter: {id:int} -> int64, {x:float} -> double, else text.
using PathParam = std::variant<std::string, std::int64_t, double>;

struct Request {
  std::string method;  // "GET"
  std::string target;  // as sent: "/tasks?status=done"
  std::string path;    // percent-decoded, without the query: "/tasks"
  QueryParams query;
  Headers headers;
  std::string body;
  unsigned version = 11;  // 10 or 11
  std::string client;     // "127.0.0.1:50412"; "testclient" from TestClient
  std::map<std::string, PathParam, std::less<>> path_params;
  // Set by middleware for handlers after it (SessionMiddleware: "session" -> JSON text).
  std::map<std::string, std::string, std::less<>> state;

  // json(): the body as strict JSON (RFC 8259, UTF-8, depth <= 1000, as Python's recursion allows).
  // Error web.bad_json.
  [[nodiscard]] Result<Json> json() const;
  // param_int("id"): an {id:int} parameter; none when absent or past 64 bits (the route still
  // matched: /tasks/99999999999999999999 is a task that does not exist, as in Starlette).
  [[nodiscard]] std::optional<std::int64_t> param_int(std::string_view name) const;
  [[nodiscard]] std::string_view param(std::string_view name) const;
};

// A body streamed from a file instead of held in memory (static files past the cache budget).
struct FileBody {
  int fd = -1;  // owned by `keep` (an open file kept alive until the send ends)
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::shared_ptr<const void> keep;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::shared_ptr<const std::string> shared_body;  // a cached buffer, sent without a copy
  std::optional<FileBody> file;
  // Run after the response is sent, in order, only for a 2xx; one that throws is logged and
  // the others still run.
  std::vector<std::function<void()>> background;

  // json(value): Starlette's JSONResponse: compact, non-ASCII kept, application/json.
  [[nodiscard]] static Response json(const Json& value, int status = 200);
  [[nodiscard]] static Response text(std::string body, int status = 200,
                                     std::string_view content_type = "text/plain; charset=utf-8");
  [[nodiscard]] static Response html(std::string body, int status = 200);
  // redirect(location): 307 by default, as Starlette's RedirectResponse.
  [[nodiscard]] static Response redirect(std::string_view location, int status = 307);
  // error(status): Starlette's plain-text error: "Not Found", "Method Not Allowed" ...
  [[nodiscard]] static Response error(int status);

  // The bytes of the body, wherever they live (not a FileBody's).
  [[nodiscard]] std::string_view body_view() const {
    return shared_body ? std::string_view(*shared_body) : std::string_view(body);
  }
};

// reason_phrase(404): "Not Found" (Python's http.HTTPStatus phrases).
[[nodiscard]] std::string_view reason_phrase(int status);

// render_json(value): the bytes of Starlette's JSONResponse for `value` (json.dumps with
// ensure_ascii=False, separators=(",", ":")).
[[nodiscard]] std::string render_json(const Json& value);

// percent_decode(text, plus_is_space): %XX decoded (bad escapes kept as they are).
[[nodiscard]] std::string percent_decode(std::string_view text, bool plus_is_space = false);

// HttpError: thrown by a handler to answer with a status (and optional detail), as Starlette's
// HTTPException; the app's handlers by status turn it into a response.
struct HttpError : std::exception {
  HttpError(int status_code, std::string text = {}, Headers extra = {})
      : status(status_code), detail(std::move(text)), headers(std::move(extra)) {}
  [[nodiscard]] const char* what() const noexcept override { return detail.c_str(); }
  int status = 500;
  std::string detail;  // empty: the reason phrase
  Headers headers;
};

}  // namespace kit::web
