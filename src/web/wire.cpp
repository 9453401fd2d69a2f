// Requests from Beast's parser and response heads for the wire.
#include "wire.hpp"

#include <ctime>
#include <mutex>

#include <fmt/format.h>
#include <boost/beast/http/error.hpp>

#include "kit/cache/file_cache.hpp"
#include "kit/core/text.hpp"

namespace kit::web::detail {

namespace http = boost::beast::http;

bool set_target(Request& request, std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const std::size_t authority = target.find("//") + 2;
    const std::size_t slash = target.find('/', authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  if (!target.starts_with('/')) return false;
  request.target = std::string(target);
  const std::size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (const std::size_t hash = raw_path.find('#'); hash != std::string_view::npos)
    raw_path = raw_path.substr(0, hash);
  request.path = core::utf8_replace_invalid(percent_decode(raw_path));
  request.query = q == std::string_view::npos ? QueryParams() : QueryParams(target.substr(q + 1));
  return true;
}

std::optional<Request> to_request(http::request<http::string_body>&& message, std::string client) {
  Request r;
  r.method = std::string(message.method_string());
  if (!set_target(r, std::string_view(message.target().data(), message.target().size())))
    return std::nullopt;
  for (const auto& field : message)
    r.headers.add(std::string_view(field.name_string().data(), field.name_string().size()),
                  std::string_view(field.value().data(), field.value().size()));
  r.version = message.version();
  r.body = std::move(message.body());
  r.client = std::move(client);
  return r;
}

namespace {

// A request line ending in a well-formed "HTTP/d.d" (Beast refuses every version but 1.x with
// the same error as a garbled one).
bool well_formed_version(std::string_view received) {
  const std::size_t eol = received.find("\r\n");
  if (eol == std::string_view::npos) return false;
  const std::string_view line = received.substr(0, eol);
  const std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos) return false;
  const std::string_view v = line.substr(space + 1);
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return v.size() == 8 && v.starts_with("HTTP/") && digit(v[5]) && v[6] == '.' && digit(v[7]);
}

}  // namespace

int status_for(const boost::beast::error_code& ec, std::string_view received) {
  if (ec.category() != http::make_error_code(http::error::bad_method).category())
    return 0;  // the socket's own errors: the client left, a timeout
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::bad_version) return well_formed_version(received) ? 505 : 400;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return 0;
  return 400;
}

namespace {

// The Date field, formatted once a second.
std::string http_date() {
  static std::mutex mutex;
  static std::time_t cached_second = 0;
  static std::string cached;
  const std::time_t now = std::time(nullptr);
  std::lock_guard lock(mutex);
  if (now != cached_second) {
    cached = cache::http_date(std::chrono::system_clock::from_time_t(now));
    cached_second = now;
  }
  return cached;
}

}  // namespace

std::uint64_t body_size(const Response& response) {
  if (response.file) return response.file->length;
  return response.body_view().size();
}

std::string head(const Response& response, std::uint64_t size, bool keep_alive, unsigned version) {
  std::string out;
  out.reserve(256);
  fmt::format_to(std::back_inserter(out), "HTTP/1.{} {} {}\r\n", version == 10 ? 0 : 1,
                 response.status, reason_phrase(response.status));
  for (const auto& [name, value] : response.headers.fields()) {
    // Framing is the server's: a handler's own Content-Length or Connection is not trusted.
    if (core::ascii_lower(name) == "content-length" || core::ascii_lower(name) == "connection" ||
        core::ascii_lower(name) == "transfer-encoding")
      continue;
    // A field value with CR or LF would split the response: such a field is dropped.
    if (value.find_first_of("\r\n") != std::string::npos ||
        name.find_first_of("\r\n: ") != std::string::npos)
      continue;
    fmt::format_to(std::back_inserter(out), "{}: {}\r\n", name, value);
  }
  if (!response.headers.contains("date"))
    fmt::format_to(std::back_inserter(out), "date: {}\r\n", http_date());
  if (!bodiless(response.status))
    fmt::format_to(std::back_inserter(out), "content-length: {}\r\n", size);
  if (!keep_alive)
    out += "connection: close\r\n";
  else if (version == 10)
    out += "connection: keep-alive\r\n";
  out += "\r\n";
  return out;
}

}  // namespace kit::web::detail
