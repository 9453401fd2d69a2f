// Requests and responses: headers, query strings, JSON bodies, Starlette's response bytes.
#include "kit/web/http.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "kit/core/text.hpp"

namespace kit::web {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [n, v] : fields_)
    if (same_name(n, name)) return std::string_view(v);
  return std::nullopt;
}

void Headers::set(std::string_view name, std::string_view value) {
  erase(name);
  add(name, value);
}

void Headers::add(std::string_view name, std::string_view value) {
  fields_.emplace_back(std::string(name), std::string(value));
}

void Headers::erase(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return same_name(f.first, name); });
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && c == '+' ? ' ' : c;
  }
  return out;
}

QueryParams::QueryParams(std::string_view query) {
  // parse_qsl(keep_blank_values=True): '&' separates (Python 3.10+ no longer splits on ';'),
  // empty pieces are skipped, a piece without '=' is a name with an empty value.
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view piece = query.substr(start, end - start);
    if (!piece.empty()) {
      const std::size_t eq = piece.find('=');
      const std::string_view name = piece.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
      items_.emplace_back(core::utf8_replace_invalid(percent_decode(name, true)),
                          core::utf8_replace_invalid(percent_decode(value, true)));
    }
    start = end + 1;
  }
}

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it)
    if (it->first == name) return std::string_view(it->second);
  return std::nullopt;
}

std::vector<std::string_view> QueryParams::get_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [n, v] : items_)
    if (n == name) values.emplace_back(v);
  return values;
}

Result<Json> Request::json() const {
  // Python's json stops near 1,000 levels (its recursion limit): kit allows as many.
  constexpr int max_depth = 1000;
  // A NUL is never valid JSON text (nlohmann's string input would end there).
  if (body.find('\0') != std::string::npos)
    return fail(ErrorKind::malformed_input, "web.bad_json", "Invalid JSON: a NUL byte");
  bool too_deep = false;
  const Json::parser_callback_t limit = [&](int depth, Json::parse_event_t, Json&) {
    if (depth > max_depth) too_deep = true;
    return !too_deep;
  };
  try {
    Json value = Json::parse(body.begin(), body.end(), limit, true, false);
    if (!too_deep) return value;
  } catch (const std::exception& e) {
    if (!too_deep)
      return fail(ErrorKind::malformed_input, "web.bad_json",
                  std::string("Invalid JSON: ") + e.what());
  }
  return fail(ErrorKind::malformed_input, "web.bad_json", "Invalid JSON: nested deeper than 1000");
}

std::optional<std::int64_t> Request::param_int(std::string_view name) const {
  const auto it = path_params.find(name);
  if (it == path_params.end()) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&it->second)) return *i;
  return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
  const auto it = path_params.find(name);
  if (it == path_params.end()) return {};
  if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  return {};
}

std::string render_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Response Response::json(const Json& value, int status) {
  Response r;
  r.status = status;
  r.body = render_json(value);
  r.headers.set("content-type", "application/json");
  return r;
}

Response Response::text(std::string body, int status, std::string_view content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.set("content-type", content_type);
  return r;
}

Response Response::html(std::string body, int status) {
  return text(std::move(body), status, "text/html; charset=utf-8");
}

Response Response::redirect(std::string_view location, int status) {
  Response r;
  r.status = status;
  r.headers.set("location", location);
  return r;
}

Response Response::error(int status) {
  return text(std::string(reason_phrase(status)), status);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Request Entity Too Large";
    case 414:
      return "Request-URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Requested Range Not Satisfiable";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace kit::web
