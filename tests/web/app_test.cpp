// The router, converters, middleware order and error handlers, through TestClient.
#include <gtest/gtest.h>

#include <thread>

#include "kit/web.hpp"

namespace kit::web {
namespace {

App products_app() {
  App app;
  app.get("/", [](Request&) { return Response::json({{"message", "hi"}}); });
  app.get("/items/{id:int}", [](Request& r) {
    return Response::json({{"id", r.param_int("id").value_or(-1)}});
  });
  app.get("/price/{x:float}", [](Request& r) {
    return Response::json({{"x", std::get<double>(r.path_params.at("x"))}});
  });
  app.get("/files/{rest:path}",
          [](Request& r) { return Response::text(std::string(r.param("rest"))); });
  app.get("/names/{name}.txt",
          [](Request& r) { return Response::text(std::string(r.param("name"))); });
  app.put("/items/{id:int}", [](Request&) { return Response::json({{"put", true}}); });
  app.route({"POST"}, "/items", [](Request& r) {
    auto body = r.json();
    if (!body) return Response::json({{"error", "Invalid JSON"}}, 400);
    return Response::json(*body, 201);
  });
  return app;
}

TEST(WebApp, RoutesWithTypedParameters) {
  App app = products_app();
  TestClient client(app);
  EXPECT_EQ(client.get("/").body, R"({"message":"hi"})");
  EXPECT_EQ(client.get("/items/007").body, R"({"id":7})");
  EXPECT_EQ(client.get("/items/99999999999999999999").body, R"({"id":-1})");
  EXPECT_EQ(client.get("/items/abc").status, 404);
  EXPECT_EQ(client.get("/items/-1").status, 404);
  EXPECT_EQ(client.get("/price/2.5").body, R"({"x":2.5})");
  EXPECT_EQ(client.get("/price/2.").status, 404);
  EXPECT_EQ(client.get("/files/a/b/c.txt").body, "a/b/c.txt");
  EXPECT_EQ(client.get("/names/report.txt").body, "report");
  EXPECT_EQ(client.get("/n%61mes/x%20y.txt").body, "x y");
}

TEST(WebApp, MethodNotAllowedListsEveryMethodOfThePath) {
  App app = products_app();
  TestClient client(app);
  const auto r = client.request("PATCH", "/items/1");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, "Method Not Allowed");
  EXPECT_EQ(r.headers.get("allow").value_or(""), "GET, HEAD, PUT");
  EXPECT_EQ(client.request("HEAD", "/items/1").status, 200);
  EXPECT_EQ(client.request("HEAD", "/items/1").body, "");
}

TEST(WebApp, NotFoundAndSlashRedirect) {
  App app = products_app();
  TestClient client(app);
  const auto missing = client.get("/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "Not Found");
  EXPECT_EQ(missing.headers.get("content-type").value_or(""), "text/plain; charset=utf-8");
  const auto slash = client.get("/items/?a=1");
  EXPECT_EQ(slash.status, 307);
  EXPECT_EQ(slash.headers.get("location").value_or(""), "http://testserver/items?a=1");
}

TEST(WebApp, JsonBodies) {
  App app = products_app();
  TestClient client(app);
  EXPECT_EQ(client.post("/items", R"({"name": "café", "n": 1})").body, R"({"name":"café","n":1})");
  EXPECT_EQ(client.post("/items", "{bad").status, 400);
  EXPECT_EQ(client.post("/items", "").status, 400);
  EXPECT_EQ(client.post("/items", "[1, NaN]").status, 400);
  EXPECT_EQ(client.post("/items", std::string(1100, '[') + std::string(1100, ']')).status, 400);
}

TEST(WebApp, MiddlewareRunsOutermostFirst) {
  App app = products_app();
  std::vector<std::string> order;
  const auto tag = [&](std::string name) {
    return [&order, name](Request& r, Responder respond, const Next& next) {
      order.push_back(name + " before");
      next(r, std::move(respond).then([&order, name](Response& resp) {
        order.push_back(name + " after");
        resp.headers.add("x-order", name);
      }));
    };
  };
  app.use(tag("outer"));
  app.use(tag("inner"));
  TestClient client(app);
  const auto r = client.get("/");
  EXPECT_EQ(order, (std::vector<std::string>{"outer before", "inner before", "inner after",
                                             "outer after"}));
  ASSERT_EQ(r.headers.fields().size(), 3u);  // content-type + two x-order
}

TEST(WebApp, TimingMiddlewareLogsTheSeedsLine) {
  App app = products_app();
  std::vector<std::string> lines;
  app.use(timing_middleware([&](std::string_view l) { lines.emplace_back(l); }));
  TestClient client(app);
  const auto r = client.get("/items/3?x=1");
  const std::string t(r.headers.get("x-process-time").value_or(""));
  EXPECT_TRUE(t.ends_with("ms") && t.find('.') == t.size() - 5) << t;
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("GET /items/3 -- 200 in ")) << lines[0];
}

struct Teapot : std::runtime_error {
  Teapot() : std::runtime_error("short and stout") {}
};

TEST(WebApp, ErrorHandlersByStatusAndType) {
  App app;
  app.get("/boom", [](Request&) -> Response { throw std::runtime_error("boom"); });
  app.get("/tea", [](Request&) -> Response { throw Teapot(); });
  app.get("/gone", [](Request&) -> Response { throw HttpError(410, "gone away"); });
  app.on_exception<Teapot>([](Request&, const HttpError& e) {
    return Response::json({{"error", e.detail}}, 418);
  });
  app.on_status(404, [](Request&, const HttpError&) {
    return Response::json({{"error", "nope"}}, 404);
  });
  TestClient client(app);
  EXPECT_EQ(client.get("/boom").status, 500);
  EXPECT_EQ(client.get("/boom").body, "Internal Server Error");
  EXPECT_EQ(client.get("/tea").status, 418);
  EXPECT_EQ(client.get("/tea").body, R"({"error":"short and stout"})");
  EXPECT_EQ(client.get("/gone").body, "gone away");
  EXPECT_EQ(client.get("/zzz").body, R"({"error":"nope"})");
}

TEST(WebApp, AsyncHandlersAnswerFromAnotherThread) {
  App app;
  app.route_async({"GET"}, "/later", [](Request&, Responder respond) {
    std::thread([r = std::move(respond)]() mutable { r(Response::text("late")); }).detach();
  });
  app.route_async({"GET"}, "/dropped", [](Request&, Responder) {});
  TestClient client(app);
  EXPECT_EQ(client.get("/later").body, "late");
  EXPECT_EQ(client.get("/dropped").status, 500);
}

TEST(WebApp, BackgroundTasksRunAfterOnlyOn2xxAndSurviveAFailure) {
  App app;
  std::vector<int> ran;
  std::vector<std::string> errors;
  app.on_background_error = [&](std::string_view e) { errors.emplace_back(e); };
  app.get("/ok", [&](Request&) {
    Response r = Response::text("ok");
    r.background.push_back([&] { ran.push_back(1); });
    r.background.push_back([] { throw std::runtime_error("task 2 failed"); });
    r.background.push_back([&] { ran.push_back(3); });
    return r;
  });
  app.get("/bad", [&](Request&) {
    Response r = Response::text("no", 400);
    r.background.push_back([&] { ran.push_back(9); });
    return r;
  });
  TestClient client(app);
  client.get("/ok");
  client.get("/bad");
  EXPECT_EQ(ran, (std::vector<int>{1, 3}));
  EXPECT_EQ(errors, (std::vector<std::string>{"task 2 failed"}));
}

TEST(WebApp, QueryParamsAsParseQsl) {
  QueryParams q("status=a&status=b&x=1+2&y=%E2%82%AC&z&bad=%ff&&w=");
  EXPECT_EQ(q.get("status").value_or(""), "b");
  EXPECT_EQ(q.get("x").value_or(""), "1 2");
  EXPECT_EQ(q.get("y").value_or(""), "€");
  EXPECT_EQ(q.get("z").value_or("?"), "");
  EXPECT_EQ(q.get("bad").value_or(""), "\xEF\xBF\xBD");
  EXPECT_EQ(q.get("w").value_or("?"), "");
  EXPECT_EQ(q.get_all("status").size(), 2u);
}

TEST(WebApp, RawRequestsThroughTheServersParser) {
  App app = products_app();
  TestClient client(app);
  const std::string ok = client.raw("GET /items/5 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(ok.starts_with("HTTP/1.1 200 OK\r\n")) << ok;
  EXPECT_TRUE(ok.ends_with("\r\n\r\n{\"id\":5}")) << ok;
  EXPECT_TRUE(client.raw("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n")
                  .starts_with("HTTP/1.1 431 "));
  EXPECT_TRUE(client.raw("POST /items HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n")
                  .starts_with("HTTP/1.1 413 "));
  EXPECT_TRUE(client
                  .raw("POST /items HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: "
                       "chunked\r\n\r\n")
                  .starts_with("HTTP/1.1 400 "));
  EXPECT_TRUE(client.raw("GET / HTTP/2.0\r\n\r\n").starts_with("HTTP/1.1 505 "));
  EXPECT_TRUE(client.raw("GET / HTTQ/1.1\r\n\r\n").starts_with("HTTP/1.1 400 "));
  EXPECT_TRUE(client.raw("GET / HTTP/1.1 extra\r\n\r\n").starts_with("HTTP/1.1 400 "));
  EXPECT_TRUE(client.raw("garbage\r\n\r\n").starts_with("HTTP/1.1 400 "));
  EXPECT_EQ(client.raw("GET / HTTP/1.1\r\nHost: x\r\n"), "");  // truncated: nobody to answer
  const std::string two = client.raw("GET /items/1 HTTP/1.1\r\n\r\nGET /items/2 HTTP/1.1\r\n\r\n");
  EXPECT_NE(two.find("{\"id\":1}"), std::string::npos);
  EXPECT_NE(two.find("{\"id\":2}"), std::string::npos);
}

}  // namespace
}  // namespace kit::web
