// kit::web's CORS, GZip and Session middleware, each called directly: a Request built by hand,
// a handler behind Next, and a Responder that keeps the Response.
#include <zlib.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kit/core/clock.hpp"
#include "kit/web/middleware.hpp"
#include "kit/web/test_client.hpp"

namespace {

using kit::web::Headers;
using kit::web::Middleware;
using kit::web::Next;
using kit::web::Request;
using kit::web::Responder;
using kit::web::Response;

struct Outcome {
  std::optional<Response> response;
  int handler_calls = 0;
};

// run(m, request, handler): the middleware around one handler; what came out and whether the
// handler ran.
Outcome run(
    const Middleware& m, Request& request,
    const std::function<Response(Request&)>& handler = [](Request&) {
      return Response::text("hello");
    }) {
  Outcome out;
  Responder respond([&out](Response r) { out.response = std::move(r); });
  Next next = [&](Request& r, Responder res) {
    ++out.handler_calls;
    res(handler(r));
  };
  m(request, std::move(respond), next);
  return out;
}

Request make_request(std::string method, std::vector<std::pair<std::string, std::string>> headers,
                     std::string path = "/") {
  Request r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  for (const auto& [k, v] : headers) r.headers.add(k, v);
  return r;
}

std::string header(const Response& r, std::string_view name) {
  return std::string(r.headers.get(name).value_or("<none>"));
}

bool has_cors_allow_headers(const Response& r) {
  for (const auto& [name, value] : r.headers.fields()) {
    std::string lo = name;
    for (char& c : lo) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lo.rfind("access-control-", 0) == 0) return true;
  }
  return false;
}

// ---- CORS ----------------------------------------------------------------------------------

// Options built field by field: kit's -Wextra flags reject designated initializers that leave
// fields out (GCC 12's -Wmissing-field-initializers).
kit::web::CorsOptions cors_options(std::vector<std::string> origins) {
  kit::web::CorsOptions o;
  o.allow_origins = std::move(origins);
  return o;
}

Middleware example_cors(bool credentials = false) {
  auto o = cors_options({"https://example.org"});
  o.allow_methods = {"GET", "POST"};
  o.allow_headers = {"X-Token"};
  o.allow_credentials = credentials;
  return kit::web::cors_middleware(o);
}

TEST(Cors, WithoutOriginNothingChanges) {
  auto req = make_request("GET", {});
  auto out = run(example_cors(), req);
  EXPECT_EQ(out.handler_calls, 1);
  EXPECT_FALSE(has_cors_allow_headers(*out.response));
  EXPECT_FALSE(out.response->headers.contains("Vary"));
}

TEST(Cors, SimpleRequestFromAllowedOriginEchoesIt) {
  auto req = make_request("GET", {{"Origin", "https://example.org"}});
  auto out = run(example_cors(), req);
  EXPECT_EQ(out.handler_calls, 1);
  EXPECT_EQ(out.response->body, "hello");
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(*out.response, "Vary"), "Origin");
  EXPECT_FALSE(out.response->headers.contains("Access-Control-Allow-Credentials"));
}

TEST(Cors, SimpleRequestFromOtherOriginGetsNoCorsHeaders) {
  auto req = make_request("POST", {{"Origin", "https://evil.example"}});
  auto o = cors_options({"https://example.org"});
  o.expose_headers = {"X-Count"};
  o.allow_credentials = true;
  auto out = run(kit::web::cors_middleware(o), req);
  EXPECT_EQ(out.handler_calls, 1);  // the browser, not the server, enforces CORS
  EXPECT_EQ(out.response->status, 200);
  EXPECT_FALSE(has_cors_allow_headers(*out.response));
}

TEST(Cors, WildcardWithoutCredentialsIsStar) {
  auto req = make_request("GET", {{"Origin", "https://any.example"}});
  auto out = run(kit::web::cors_middleware(cors_options({"*"})), req);
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(out.response->headers.contains("Vary"));
}

TEST(Cors, WildcardWithCookieEchoesTheOrigin) {
  auto req = make_request("GET", {{"Origin", "https://any.example"}, {"Cookie", "a=1"}});
  auto out = run(kit::web::cors_middleware(cors_options({"*"})), req);
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Origin"), "https://any.example");
  EXPECT_EQ(header(*out.response, "Vary"), "Origin");
}

TEST(Cors, CredentialsNeverGoWithStar) {
  auto o = cors_options({"*"});
  o.allow_credentials = true;
  auto m = kit::web::cors_middleware(o);
  auto simple = make_request("GET", {{"Origin", "https://any.example"}});
  auto out = run(m, simple);
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Origin"), "https://any.example");
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(*out.response, "Vary"), "Origin");

  auto pre = make_request(
      "OPTIONS", {{"Origin", "https://any.example"}, {"Access-Control-Request-Method", "GET"}});
  auto pout = run(m, pre);
  EXPECT_EQ(pout.handler_calls, 0);
  EXPECT_EQ(pout.response->status, 200);
  EXPECT_EQ(header(*pout.response, "Access-Control-Allow-Origin"), "https://any.example");
  EXPECT_EQ(header(*pout.response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(*pout.response, "Vary"), "Origin");
}

TEST(Cors, PreflightFromAllowedOrigin) {
  auto req = make_request("OPTIONS", {{"Origin", "https://example.org"},
                                      {"Access-Control-Request-Method", "POST"},
                                      {"Access-Control-Request-Headers", "x-token, content-type"}});
  auto out = run(example_cors(), req);
  EXPECT_EQ(out.handler_calls, 0);
  const Response& r = *out.response;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK");
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "GET, POST");
  EXPECT_EQ(header(r, "Access-Control-Max-Age"), "600");
  // Starlette's sorted(SAFELISTED_HEADERS | allow_headers).
  EXPECT_EQ(header(r, "Access-Control-Allow-Headers"),
            "Accept, Accept-Language, Content-Language, Content-Type, X-Token");
  EXPECT_EQ(header(r, "Vary"), "Origin");
  EXPECT_FALSE(r.headers.contains("Access-Control-Allow-Credentials"));
}

TEST(Cors, PreflightFromDisallowedOriginIs400WithoutAllowHeaders) {
  auto req = make_request(
      "OPTIONS", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  auto out = run(example_cors(true), req);
  EXPECT_EQ(out.handler_calls, 0);
  EXPECT_EQ(out.response->status, 400);
  EXPECT_EQ(out.response->body, "Disallowed CORS origin");
  EXPECT_FALSE(has_cors_allow_headers(*out.response));
}

TEST(Cors, PreflightFailuresAreNamed) {
  auto m = example_cors();
  auto bad_method = make_request(
      "OPTIONS", {{"Origin", "https://example.org"}, {"Access-Control-Request-Method", "DELETE"}});
  auto out = run(m, bad_method);
  EXPECT_EQ(out.response->status, 400);
  EXPECT_EQ(out.response->body, "Disallowed CORS method");
  EXPECT_FALSE(has_cors_allow_headers(*out.response));

  auto bad_header =
      make_request("OPTIONS", {{"Origin", "https://example.org"},
                               {"Access-Control-Request-Method", "GET"},
                               {"Access-Control-Request-Headers", "X-Token, X-Other"}});
  out = run(m, bad_header);
  EXPECT_EQ(out.response->status, 400);
  EXPECT_EQ(out.response->body, "Disallowed CORS headers");

  auto all = make_request("OPTIONS", {{"Origin", "https://x.example"},
                                      {"Access-Control-Request-Method", "PUT"},
                                      {"Access-Control-Request-Headers", "X-Other"}});
  out = run(m, all);
  EXPECT_EQ(out.response->body, "Disallowed CORS origin, method, headers");
}

TEST(Cors, AnyHeaderAndAnyMethod) {
  auto o = cors_options({"https://example.org"});
  o.allow_methods = {"*"};
  o.allow_headers = {"*"};
  auto m = kit::web::cors_middleware(o);
  auto req = make_request("OPTIONS", {{"Origin", "https://example.org"},
                                      {"Access-Control-Request-Method", "PATCH"},
                                      {"Access-Control-Request-Headers", "X-Anything, X-Else"}});
  auto out = run(m, req);
  EXPECT_EQ(out.response->status, 200);
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Headers"), "X-Anything, X-Else");
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Methods"),
            "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
}

TEST(Cors, OptionsWithoutRequestMethodIsNotAPreflight) {
  auto req = make_request("OPTIONS", {{"Origin", "https://example.org"}});
  auto out = run(example_cors(), req);
  EXPECT_EQ(out.handler_calls, 1);
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Origin"), "https://example.org");
}

TEST(Cors, ExposeHeadersAndExistingVary) {
  auto o = cors_options({"https://example.org"});
  o.expose_headers = {"X-Count", "X-Page"};
  auto m = kit::web::cors_middleware(o);
  auto req = make_request("GET", {{"Origin", "https://example.org"}});
  auto out = run(m, req, [](Request&) {
    Response r = Response::text("x");
    r.headers.set("Vary", "Accept-Encoding");
    return r;
  });
  EXPECT_EQ(header(*out.response, "Access-Control-Expose-Headers"), "X-Count, X-Page");
  EXPECT_EQ(header(*out.response, "Vary"), "Accept-Encoding, Origin");
}

TEST(Cors, MaxAgeOption) {
  auto o = cors_options({"*"});
  o.max_age = std::chrono::seconds(3600);
  auto m = kit::web::cors_middleware(o);
  auto req = make_request(
      "OPTIONS", {{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "GET"}});
  auto out = run(m, req);
  EXPECT_EQ(header(*out.response, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(*out.response, "Access-Control-Max-Age"), "3600");
  EXPECT_FALSE(out.response->headers.contains("Vary"));
}

// ---- GZip ----------------------------------------------------------------------------------

std::string gunzip(const std::string& data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return "<init failed>";
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "<inflate failed>";
}

std::string big_text(std::size_t n) {
  std::string s;
  while (s.size() < n) s += "task " + std::to_string(s.size()) + ", ";
  s.resize(n);
  return s;
}

Outcome gzip_run(std::vector<std::pair<std::string, std::string>> headers, Response response,
                 kit::web::GzipOptions options = {}) {
  auto req = make_request("GET", std::move(headers));
  return run(kit::web::gzip_middleware(options), req,
             [response](Request&) mutable { return std::move(response); });
}

TEST(Gzip, CompressesALargeBody) {
  const std::string body = big_text(4000);
  Response r = Response::text(body);
  r.headers.set("Content-Length", std::to_string(body.size()));
  auto out = gzip_run({{"Accept-Encoding", "gzip, deflate, br"}}, r);
  const Response& g = *out.response;
  EXPECT_EQ(header(g, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(g, "Vary"), "Accept-Encoding");
  EXPECT_LT(g.body.size(), body.size());
  EXPECT_EQ(header(g, "Content-Length"), std::to_string(g.body.size()));
  EXPECT_EQ(gunzip(g.body), body);
  EXPECT_EQ(header(g, "Content-Type"), "text/plain; charset=utf-8");
}

TEST(Gzip, MinimumSizeIsInclusive) {
  auto out = gzip_run({{"Accept-Encoding", "gzip"}}, Response::text(big_text(499)));
  EXPECT_FALSE(out.response->headers.contains("Content-Encoding"));
  EXPECT_FALSE(out.response->headers.contains("Vary"));
  EXPECT_EQ(out.response->body, big_text(499));
  out = gzip_run({{"Accept-Encoding", "gzip"}}, Response::text(big_text(500)));
  EXPECT_EQ(header(*out.response, "Content-Encoding"), "gzip");
  out = gzip_run({{"Accept-Encoding", "gzip"}}, Response::text(big_text(100)),
                 kit::web::GzipOptions{50, 1});
  EXPECT_EQ(gunzip(out.response->body), big_text(100));
}

TEST(Gzip, OnlyWhenTheClientAcceptsIt) {
  const std::string body = big_text(2000);
  for (const char* refused :
       {"", "deflate", "br, identity", "gzip;q=0", "gzip; q=0.000", "x-gzipped", "*"}) {
    auto out = gzip_run({{"Accept-Encoding", refused}}, Response::text(body));
    EXPECT_FALSE(out.response->headers.contains("Content-Encoding")) << refused;
    EXPECT_EQ(out.response->body, body) << refused;
  }
  auto none = gzip_run({}, Response::text(body));
  EXPECT_EQ(none.response->body, body);
  for (const char* accepted :
       {"GZIP", "deflate, gzip;q=0.5", "br;q=1.0, gzip ; q=0.01", "gzip;q=1"}) {
    auto out = gzip_run({{"Accept-Encoding", accepted}}, Response::text(body));
    EXPECT_EQ(header(*out.response, "Content-Encoding"), "gzip") << accepted;
  }
}

TEST(Gzip, LeavesEncodedAndFileBodiesAlone) {
  const std::string body = big_text(2000);
  Response encoded = Response::text(body);
  encoded.headers.set("Content-Encoding", "br");
  auto out = gzip_run({{"Accept-Encoding", "gzip"}}, encoded);
  EXPECT_EQ(header(*out.response, "Content-Encoding"), "br");
  EXPECT_EQ(out.response->body, body);

  Response file;
  file.file = kit::web::FileBody{.fd = 0, .offset = 0, .length = 100000, .keep = {}};
  out = gzip_run({{"Accept-Encoding", "gzip"}}, file);
  EXPECT_FALSE(out.response->headers.contains("Content-Encoding"));
  EXPECT_TRUE(out.response->file.has_value());
}

TEST(Gzip, LeavesPartialResponsesAlone) {
  const std::string body = big_text(2000);
  Response partial = Response::text(body, 206);
  partial.headers.set("Content-Range", "bytes 0-1999/5000");
  auto out = gzip_run({{"Accept-Encoding", "gzip"}}, partial);
  EXPECT_FALSE(out.response->headers.contains("Content-Encoding"));
  EXPECT_EQ(out.response->body, body);
}

TEST(Gzip, StrongETagBecomesWeak) {
  Response tagged = Response::text(big_text(2000));
  tagged.headers.set("ETag", "\"abc\"");
  auto out = gzip_run({{"Accept-Encoding", "gzip"}}, tagged);
  EXPECT_EQ(header(*out.response, "ETag"), "W/\"abc\"");
  Response weak = Response::text(big_text(2000));
  weak.headers.set("ETag", "W/\"abc\"");
  out = gzip_run({{"Accept-Encoding", "gzip"}}, weak);
  EXPECT_EQ(header(*out.response, "ETag"), "W/\"abc\"");
  Response small = Response::text("tiny");
  small.headers.set("ETag", "\"abc\"");
  out = gzip_run({{"Accept-Encoding", "gzip"}}, small);
  EXPECT_EQ(header(*out.response, "ETag"), "\"abc\"");
}

TEST(Gzip, CompressesASharedBody) {
  const std::string body = big_text(3000);
  Response shared;
  shared.shared_body = std::make_shared<const std::string>(body);
  shared.headers.set("Vary", "Origin");
  auto out = gzip_run({{"Accept-Encoding", "gzip"}}, shared);
  EXPECT_EQ(out.response->shared_body, nullptr);
  EXPECT_EQ(gunzip(out.response->body), body);
  EXPECT_EQ(header(*out.response, "Vary"), "Origin, Accept-Encoding");
}

// ---- Session -------------------------------------------------------------------------------

struct SessionFixture : ::testing::Test {
  std::shared_ptr<kit::core::ManualClock> clock = std::make_shared<kit::core::ManualClock>();
  kit::web::SessionOptions options;

  SessionFixture() {
    options.secret_key = "s3cret";
    options.clock = clock;
    clock->advance(std::chrono::hours(24 * 365 * 50));  // 2020
  }

  // One request with `cookie` (if any); the handler sees the session and may replace it.
  Outcome call(const Middleware& m, const std::string& cookie,
               std::optional<std::string> new_session, std::string* seen = nullptr) {
    auto req = cookie.empty() ? make_request("GET", {}) : make_request("GET", {{"Cookie", cookie}});
    return run(m, req, [&](Request& r) {
      if (seen) *seen = r.state["session"];
      if (new_session) r.state["session"] = *new_session;
      return Response::text("ok");
    });
  }

  // The cookie a Set-Cookie line sets: "name=value".
  static std::string cookie_of(const Response& r) {
    const std::string line(r.headers.get("Set-Cookie").value_or(""));
    return line.substr(0, line.find(';'));
  }
};

TEST_F(SessionFixture, NewSessionIsEmptyAndSetsNoCookie) {
  auto m = kit::web::session_middleware(options);
  std::string seen;
  auto out = call(m, "", std::nullopt, &seen);
  EXPECT_EQ(seen, "{}");
  EXPECT_FALSE(out.response->headers.contains("Set-Cookie"));
}

TEST_F(SessionFixture, RoundTrip) {
  auto m = kit::web::session_middleware(options);
  auto first = call(m, "", R"({"user":"ann","n":1,"é":[true,null]})");
  const std::string line(first.response->headers.get("Set-Cookie").value_or(""));
  EXPECT_EQ(line.rfind("session=", 0), 0u);
  EXPECT_NE(line.find("; path=/; Max-Age=1209600; httponly; samesite=lax"), std::string::npos);
  EXPECT_EQ(line.find("secure"), std::string::npos);

  std::string seen;
  auto second =
      call(m, "theme=dark; " + cookie_of(*first.response) + "; other=1", std::nullopt, &seen);
  EXPECT_EQ(seen, R"({"user":"ann","n":1,"é":[true,null]})");
  // A non-empty session is sent again on every response, as Starlette does.
  EXPECT_TRUE(second.response->headers.contains("Set-Cookie"));
}

TEST_F(SessionFixture, TamperedOrForeignCookiesAreEmptySessions) {
  auto m = kit::web::session_middleware(options);
  auto first = call(m, "", R"({"user":"ann"})");
  const std::string cookie = cookie_of(*first.response);  // session=<payload>.<ts>.<sig>
  const std::string value = cookie.substr(8);

  std::vector<std::string> bad;
  for (std::size_t i = 0; i < value.size(); i += 3) {
    std::string v = value;
    v[i] = v[i] == 'A' ? 'B' : 'A';
    if (v != value) bad.push_back(v);
  }
  bad.insert(bad.end(),
             {"", ".", "..", "a.b", "a.b.c", "e30.x." + value.substr(value.rfind('.') + 1),
              value + "x", value.substr(0, value.size() - 1), value.substr(0, value.rfind('.'))});
  for (const auto& v : bad) {
    std::string seen;
    auto out = call(m, "session=" + v, std::nullopt, &seen);
    EXPECT_EQ(seen, "{}") << v;
    EXPECT_FALSE(out.response->headers.contains("Set-Cookie")) << v;
  }

  auto other_key = options;
  other_key.secret_key = "another";
  std::string seen;
  call(kit::web::session_middleware(other_key), cookie, std::nullopt, &seen);
  EXPECT_EQ(seen, "{}");

  // The cookie's name is signed: the same value under another name does not verify.
  auto renamed = options;
  renamed.cookie_name = "sid";
  call(kit::web::session_middleware(renamed), "sid=" + value, std::nullopt, &seen);
  EXPECT_EQ(seen, "{}");
}

TEST_F(SessionFixture, MaxAge) {
  options.max_age = std::chrono::seconds(100);
  auto m = kit::web::session_middleware(options);
  auto first = call(m, "", R"({"a":1})");
  const std::string cookie = cookie_of(*first.response);
  std::string seen;
  clock->advance(std::chrono::seconds(100));
  call(m, cookie, std::nullopt, &seen);
  EXPECT_EQ(seen, R"({"a":1})");
  clock->advance(std::chrono::seconds(1));
  call(m, cookie, std::nullopt, &seen);
  EXPECT_EQ(seen, "{}");
}

TEST_F(SessionFixture, StampFromTheFutureIsRefused) {
  auto m = kit::web::session_middleware(options);
  clock->advance(std::chrono::seconds(1000));
  auto first = call(m, "", R"({"a":1})");
  auto earlier = std::make_shared<kit::core::ManualClock>();
  earlier->advance(std::chrono::hours(24 * 365 * 50));
  auto opts = options;
  opts.clock = earlier;
  std::string seen;
  call(kit::web::session_middleware(opts), cookie_of(*first.response), std::nullopt, &seen);
  EXPECT_EQ(seen, "{}");
}

TEST_F(SessionFixture, NoMaxAgeNeverExpires) {
  options.max_age = std::chrono::seconds(0);
  auto m = kit::web::session_middleware(options);
  auto first = call(m, "", R"({"a":1})");
  const std::string line(first.response->headers.get("Set-Cookie").value_or(""));
  EXPECT_EQ(line.find("Max-Age"), std::string::npos);
  clock->advance(std::chrono::hours(24 * 365 * 10));
  std::string seen;
  call(m, cookie_of(*first.response), std::nullopt, &seen);
  EXPECT_EQ(seen, R"({"a":1})");
}

TEST_F(SessionFixture, ClearedSessionExpiresTheCookie) {
  auto m = kit::web::session_middleware(options);
  auto first = call(m, "", R"({"a":1})");
  auto cleared = call(m, cookie_of(*first.response), "{}");
  EXPECT_EQ(header(*cleared.response, "Set-Cookie"),
            "session=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly; samesite=lax");
}

TEST_F(SessionFixture, CookieAttributes) {
  options.cookie_name = "sid";
  options.path = "/app";
  options.same_site = "strict";
  options.https_only = true;
  options.max_age = std::chrono::seconds(60);
  auto m = kit::web::session_middleware(options);
  auto out = call(m, "", R"({"a":1})");
  const std::string line(out.response->headers.get("Set-Cookie").value_or(""));
  EXPECT_EQ(line.rfind("sid=", 0), 0u);
  EXPECT_EQ(line.substr(line.find(';')),
            "; path=/app; Max-Age=60; httponly; samesite=strict; secure");
}

TEST_F(SessionFixture, TextThatIsNotAnObjectChangesNothing) {
  auto m = kit::web::session_middleware(options);
  for (const char* junk : {"not json", "[1,2]", "\"s\"", ""}) {
    auto out = call(m, "", std::string(junk));
    EXPECT_FALSE(out.response->headers.contains("Set-Cookie")) << junk;
  }
}

TEST_F(SessionFixture, EmptySecretAnswers500) {
  options.secret_key.clear();
  auto m = kit::web::session_middleware(options);
  auto out = call(m, "", std::nullopt);
  EXPECT_EQ(out.handler_calls, 0);
  EXPECT_EQ(out.response->status, 500);
}

TEST_F(SessionFixture, SessionKeptAcrossAsyncAnswer) {
  // A handler answering later (as a write answers after its commit) still has its session sent.
  auto m = kit::web::session_middleware(options);
  Request req = make_request("GET", {});
  std::optional<Response> got;
  Responder saved;
  m(req, Responder([&](Response r) { got = std::move(r); }), [&](Request& r, Responder res) {
    r.state["session"] = R"({"later":true})";
    saved = std::move(res);
  });
  EXPECT_FALSE(got.has_value());
  saved(Response::text("done"));
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->headers.contains("Set-Cookie"));
}

// ---- the three in an App, through TestClient ------------------------------------------------

TEST(MiddlewareInApp, CorsGzipAndSessionTogether) {
  kit::web::App app;
  auto cors = cors_options({"https://example.org"});
  cors.allow_methods = {"GET", "POST"};
  app.use(kit::web::cors_middleware(cors));
  app.use(kit::web::gzip_middleware());
  kit::web::SessionOptions session;
  session.secret_key = "k";
  app.use(kit::web::session_middleware(session));
  app.get("/count", [](Request& r) {
    auto s = kit::web::Json::parse(r.state["session"]);
    const int n = s.value("n", 0) + 1;
    s["n"] = n;
    r.state["session"] = s.dump();
    return Response::text(big_text(1000) + std::to_string(n));
  });
  kit::web::TestClient client(app);

  Headers h;
  h.set("Origin", "https://example.org");
  h.set("Accept-Encoding", "gzip");
  auto first = client.get("/count", h);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(header(first, "Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(first.body), big_text(1000) + "1");
  EXPECT_EQ(header(first, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(first, "Vary"), "Accept-Encoding, Origin");
  const std::string set_cookie = header(first, "Set-Cookie");
  ASSERT_EQ(set_cookie.rfind("session=", 0), 0u);

  h.set("Cookie", set_cookie.substr(0, set_cookie.find(';')));
  auto second = client.get("/count", h);
  EXPECT_EQ(gunzip(second.body), big_text(1000) + "2");

  Headers pre;
  pre.set("Origin", "https://evil.example");
  pre.set("Access-Control-Request-Method", "GET");
  auto refused = client.request("OPTIONS", "/count", {}, pre);
  EXPECT_EQ(refused.status, 400);
  EXPECT_FALSE(has_cors_allow_headers(refused));
  pre.set("Origin", "https://example.org");
  auto allowed = client.request("OPTIONS", "/count", {}, pre);
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(header(allowed, "Access-Control-Allow-Methods"), "GET, POST");
}

}  // namespace
