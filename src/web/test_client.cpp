// TestClient: the App called directly, or through the server's parser with raw bytes.
#include "kit/web/test_client.hpp"

#include <future>

#include <unistd.h>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include "wire.hpp"

namespace kit::web {

namespace http = boost::beast::http;

namespace {

// answer(app, request): the app's response, waited for (it may come from another thread).
Response answer(const App& app, Request& request) {
  std::promise<Response> promise;
  auto future = promise.get_future();
  app.handle(request, Responder([&promise](Response r) { promise.set_value(std::move(r)); }));
  Response r = future.get();
  app.run_background(r);
  return r;
}

}  // namespace

Json TestResponse::json() const {
  return Json::parse(body_view(), nullptr, false);
}

TestResponse TestClient::request(std::string_view method, std::string_view target, std::string body,
                                 const Headers& headers) {
  Request r;
  r.method = std::string(method);
  r.client = "testclient";
  if (!detail::set_target(r, target)) {
    TestResponse bad;
    static_cast<Response&>(bad) = Response::error(400);
    return bad;
  }
  r.headers.set("host", "testserver");
  for (const auto& [n, v] : headers.fields()) r.headers.set(n, v);
  r.body = std::move(body);
  TestResponse out;
  static_cast<Response&>(out) = answer(app_, r);
  if (out.shared_body) {  // tests see every body in `body`
    out.body = *out.shared_body;
    out.shared_body.reset();
  }
  if (out.file) {  // read in, so that tests see the bytes
    std::string bytes(out.file->length, '\0');
    const ssize_t got =
        ::pread(out.file->fd, bytes.data(), bytes.size(), static_cast<off_t>(out.file->offset));
    bytes.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    out.body = std::move(bytes);
    out.file.reset();
  }
  if (method == "HEAD") {
    out.body.clear();
    out.shared_body.reset();
  }
  return out;
}

std::string TestClient::raw(std::string_view bytes) {
  std::string out;
  while (!bytes.empty()) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(max_header_));
    parser.body_limit(max_body_);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done()) {
      const std::size_t n =
          parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
      used += n;
      if (ec == http::error::need_more || (!ec && n == 0)) {
        ec = {};
        if (n != 0 && used < bytes.size()) continue;
        parser.put_eof(ec);  // all the input is in: it ends here, as a client that hangs up
        if (!ec && !parser.is_done()) ec = http::error::partial_message;
      }
      if (ec) break;
    }
    const auto close_with = [&](int status) {
      if (status == 0) return;
      const Response r = Response::error(status);
      out += detail::head(r, r.body.size(), false, 11);
      out += r.body;
    };
    if (ec) {
      close_with(detail::status_for(ec, bytes));
      break;
    }
    const unsigned version = parser.get().version();
    if (version != 10 && version != 11) {
      close_with(505);
      break;
    }
    const bool keep_alive = parser.get().keep_alive();
    auto request = detail::to_request(parser.release(), "testclient");
    if (!request) {
      close_with(400);
      break;
    }
    Response r = answer(app_, *request);
    std::string body(r.body_view());
    if (r.file) {
      body.assign(r.file->length, '\0');
      const ssize_t got =
          ::pread(r.file->fd, body.data(), body.size(), static_cast<off_t>(r.file->offset));
      body.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    }
    out += detail::head(r, body.size(), keep_alive, version);
    if (request->method != "HEAD" && !detail::bodiless(r.status)) out += body;
    if (!keep_alive) break;
    bytes.remove_prefix(used);
  }
  return out;
}

}  // namespace kit::web
