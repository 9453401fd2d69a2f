// Signed-cookie sessions with Starlette's SessionMiddleware semantics
// (starlette/middleware/sessions.py): the session is a JSON object in a cookie, signed, aged by
// max_age, re-sent while non-empty and cleared once emptied, with the same cookie attributes
// (`path=/; Max-Age=N; httponly; samesite=lax[; secure]`).
//
// The signed format is kit's own, not itsdangerous' TimestampSigner (so a Starlette cookie is
// not read by kit, nor the reverse):
//   <base64url(JSON)>.<unix seconds>.<base64url(HMAC-SHA256(secret, "kit.session:" name ":"
//   base64url(JSON) "." seconds))>
// The cookie's name is signed too, so a value cannot be moved to another cookie under the same
// key. base64url without padding keeps the value a plain cookie-octet string (RFC 6265).
#include <array>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kit/core/text.hpp"
#include "kit/hash.hpp"
#include "kit/web/middleware.hpp"

namespace kit::web {
namespace {

std::string base64url(std::string_view bytes) {
  std::string s = kit::core::base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

std::optional<std::string> base64url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : s) {
    std::uint32_t v = 0;
    if (c >= 'A' && c <= 'Z')
      v = static_cast<std::uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z')
      v = static_cast<std::uint32_t>(c - 'a' + 26);
    else if (c >= '0' && c <= '9')
      v = static_cast<std::uint32_t>(c - '0' + 52);
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return std::nullopt;
    bits = (bits << 6) | v;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  if (count >= 6) return std::nullopt;  // a lone sixth of a byte: not base64
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of cookie `name` in a Cookie header; the last one wins, as Starlette's dict does.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
  std::optional<std::string_view> found;
  while (true) {
    const auto semi = header.find(';');
    const std::string_view chunk = header.substr(0, semi);
    const auto eq = chunk.find('=');
    if (eq != std::string_view::npos && trim(chunk.substr(0, eq)) == name)
      found = trim(chunk.substr(eq + 1));
    if (semi == std::string_view::npos) return found;
    header.remove_prefix(semi + 1);
  }
}

struct SessionConfig {
  SessionOptions options;
  std::string flags;  // "; httponly; samesite=lax[; secure]"

  [[nodiscard]] std::int64_t now() const {
    const auto t =
        options.clock ? options.clock->system_now() : kit::core::steady_clock().system_now();
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  }

  [[nodiscard]] std::string signature(std::string_view signed_part) const {
    std::string message = "kit.session:" + options.cookie_name + ":";
    message += signed_part;
    auto mac = kit::hash::hmac("sha256", options.secret_key, message);
    return mac ? base64url(*mac) : std::string();
  }

  [[nodiscard]] std::string sign(std::string_view json) const {
    std::string value = base64url(json) + "." + std::to_string(now());
    const std::string sig = signature(value);
    return value + "." + sig;
  }

  // The session object in a cookie value, or nullopt when it is forged, expired or damaged.
  [[nodiscard]] std::optional<Json> unsign(std::string_view value) const {
    const auto last_dot = value.rfind('.');
    if (last_dot == std::string_view::npos) return std::nullopt;
    const std::string_view signed_part = value.substr(0, last_dot);
    const std::string expected = signature(signed_part);
    if (expected.empty() || !kit::hash::compare_digest(expected, value.substr(last_dot + 1)))
      return std::nullopt;
    const auto ts_dot = signed_part.rfind('.');
    if (ts_dot == std::string_view::npos) return std::nullopt;
    const std::string_view ts_text = signed_part.substr(ts_dot + 1);
    std::int64_t stamped = 0;
    const auto [end, ec] =
        std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), stamped);
    if (ec != std::errc() || end != ts_text.data() + ts_text.size() || ts_text.empty())
      return std::nullopt;
    const std::int64_t age = now() - stamped;
    // A stamp from the future is refused, as itsdangerous does ("Signature age is negative").
    if (age < 0 || (options.max_age.count() > 0 && age > options.max_age.count()))
      return std::nullopt;
    auto json_text = base64url_decode(signed_part.substr(0, ts_dot));
    if (!json_text) return std::nullopt;
    Json session = Json::parse(*json_text, nullptr, /*allow_exceptions=*/false);
    if (!session.is_object()) return std::nullopt;
    return session;
  }

  [[nodiscard]] std::string set_cookie(std::string_view data) const {
    std::string h = options.cookie_name + "=" + std::string(data) + "; path=" + options.path;
    if (options.max_age.count() > 0) h += "; Max-Age=" + std::to_string(options.max_age.count());
    return h + flags;
  }

  [[nodiscard]] std::string clear_cookie() const {
    return options.cookie_name + "=null; path=" + options.path +
           "; expires=Thu, 01 Jan 1970 00:00:00 GMT" + flags;
  }
};

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Middleware session_middleware(SessionOptions options) {
  auto config = std::make_shared<SessionConfig>();
  config->flags = "; httponly";
  if (!options.same_site.empty()) config->flags += "; samesite=" + options.same_site;
  if (options.https_only) config->flags += "; secure";
  config->options = std::move(options);
  std::shared_ptr<const SessionConfig> c = std::move(config);
  return [c](Request& request, Responder respond, const Next& next) {
    if (c->options.secret_key.empty()) {
      respond(Response::error(500));
      return;
    }
    bool was_empty = true;
    std::string initial = "{}";
    if (auto cookies = request.headers.get("Cookie")) {
      if (auto value = find_cookie(*cookies, c->options.cookie_name)) {
        if (auto session = c->unsign(*value)) {
          was_empty = session->empty();
          initial = dump(*session);
        }
      }
    }
    request.state.insert_or_assign("session", initial);
    // The server keeps the Request alive until its response is sent (the Responder's contract).
    Request* req = &request;
    next(request, std::move(respond).then([c, req, was_empty](Response& r) {
      const auto it = req->state.find("session");
      Json session = Json::object();
      if (it != req->state.end()) {
        session = Json::parse(it->second, nullptr, /*allow_exceptions=*/false);
        if (!session.is_object()) return;  // not a session: the cookie stays as it is
      }
      if (!session.empty()) {
        r.headers.add("Set-Cookie", c->set_cookie(c->sign(dump(session))));
      } else if (!was_empty) {
        r.headers.add("Set-Cookie", c->clear_cookie());
      }
    }));
  };
}

}  // namespace kit::web
