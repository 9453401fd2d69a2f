// CORS as Starlette's CORSMiddleware (starlette/middleware/cors.py), with what its users asked
// for instead where they differ:
//  - a failed preflight (origin, method or headers not allowed) is 400 "Disallowed CORS ..."
//    with no Access-Control-Allow-* headers at all (Starlette sends its allow headers anyway);
//  - with allow_credentials, `*` is never sent: the request's origin is echoed, with
//    Vary: Origin, on preflights and simple requests alike (Starlette sends `*` and `true`
//    together on a simple request without a cookie, which browsers reject);
//  - a simple request from an origin not allowed gets no CORS headers at all (Starlette adds
//    Allow-Credentials and Expose-Headers to it).
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kit/web/middleware.hpp"
#include "vary.hpp"

namespace kit::web {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool contains(const std::vector<std::string>& items, std::string_view s) {
  return std::find(items.begin(), items.end(), s) != items.end();
}

struct CorsConfig {
  std::vector<std::string> origins;
  std::vector<std::string> methods;
  std::set<std::string, std::less<>> allowed_headers;  // lowercased, safelisted ones included
  std::string allow_headers_text;                      // empty when every header is allowed
  std::string expose_headers_text;
  std::string max_age;
  bool allow_all_origins = false;
  bool allow_all_headers = false;
  bool credentials = false;
  // Whether the origin is echoed rather than `*`: for a list, and always with credentials.
  bool explicit_origin = true;

  [[nodiscard]] bool allowed(std::string_view origin) const {
    return allow_all_origins || contains(origins, origin);
  }
};

std::shared_ptr<const CorsConfig> configure(CorsOptions o) {
  auto c = std::make_shared<CorsConfig>();
  c->allow_all_origins = contains(o.allow_origins, "*");
  c->allow_all_headers = contains(o.allow_headers, "*");
  c->credentials = o.allow_credentials;
  c->explicit_origin = !c->allow_all_origins || c->credentials;
  c->origins = std::move(o.allow_origins);
  c->methods =
      contains(o.allow_methods, "*")
          ? std::vector<std::string>{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
          : std::move(o.allow_methods);
  // Starlette's sorted(SAFELISTED_HEADERS | set(allow_headers)): byte order, names as given.
  std::set<std::string> names = {"Accept", "Accept-Language", "Content-Language", "Content-Type"};
  for (const auto& h : o.allow_headers)
    if (h != "*") names.insert(h);
  std::vector<std::string> sorted(names.begin(), names.end());
  for (const auto& h : sorted) c->allowed_headers.insert(lower(h));
  if (!c->allow_all_headers) c->allow_headers_text = join(sorted);
  c->expose_headers_text = join(o.expose_headers);
  c->max_age = std::to_string(o.max_age.count());
  return c;
}

Response preflight(const CorsConfig& c, const Request& request, std::string_view origin) {
  const std::string_view method = *request.headers.get("Access-Control-Request-Method");
  const auto requested_headers = request.headers.get("Access-Control-Request-Headers");
  std::vector<std::string> failures;
  if (!c.allowed(origin)) failures.emplace_back("origin");
  if (!contains(c.methods, method)) failures.emplace_back("method");
  if (requested_headers && !c.allow_all_headers) {
    std::string_view rest = *requested_headers;
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view name = trim(rest.substr(0, comma));
      if (!name.empty() && !c.allowed_headers.contains(lower(name))) {
        failures.emplace_back("headers");
        break;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (!failures.empty()) {
    Response r = Response::text("Disallowed CORS " + join(failures), 400);
    if (c.explicit_origin) r.headers.set("Vary", "Origin");
    return r;
  }
  Response r = Response::text("OK", 200);
  if (c.explicit_origin) {
    r.headers.set("Vary", "Origin");
    r.headers.set("Access-Control-Allow-Origin", origin);
  } else {
    r.headers.set("Access-Control-Allow-Origin", "*");
  }
  r.headers.set("Access-Control-Allow-Methods", join(c.methods));
  r.headers.set("Access-Control-Max-Age", c.max_age);
  if (c.allow_all_headers) {
    if (requested_headers) r.headers.set("Access-Control-Allow-Headers", *requested_headers);
  } else {
    r.headers.set("Access-Control-Allow-Headers", c.allow_headers_text);
  }
  if (c.credentials) r.headers.set("Access-Control-Allow-Credentials", "true");
  return r;
}

}  // namespace

Middleware cors_middleware(CorsOptions options) {
  std::shared_ptr<const CorsConfig> config = configure(std::move(options));
  return [config](Request& request, Responder respond, const Next& next) {
    const auto origin_header = request.headers.get("Origin");
    if (!origin_header) {
      next(request, std::move(respond));
      return;
    }
    std::string origin(*origin_header);
    if (request.method == "OPTIONS" && request.headers.contains("Access-Control-Request-Method")) {
      respond(preflight(*config, request, origin));
      return;
    }
    if (!config->allowed(origin)) {
      next(request, std::move(respond));
      return;
    }
    // A request with cookies must see its origin, not `*` (as Starlette).
    const bool echo = config->explicit_origin || request.headers.contains("Cookie");
    next(request, std::move(respond).then([config, origin = std::move(origin), echo](Response& r) {
      if (echo) {
        r.headers.set("Access-Control-Allow-Origin", origin);
        detail::add_vary(r.headers, "Origin");
      } else {
        r.headers.set("Access-Control-Allow-Origin", "*");
      }
      if (config->credentials) r.headers.set("Access-Control-Allow-Credentials", "true");
      if (!config->expose_headers_text.empty())
        r.headers.set("Access-Control-Expose-Headers", config->expose_headers_text);
    }));
  };
}

}  // namespace kit::web
