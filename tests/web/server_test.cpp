// The server on a real socket: keep-alive, limits, the live feed over WebSocket, graceful stop.
#include <gtest/gtest.h>

#include <thread>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "kit/web.hpp"
#include "kit/web/tasks.hpp"

namespace kit::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct Running {
  Running() {
    auto s = open_sqlite_task_store(":memory:");
    if (!s) throw std::runtime_error(s.error().message);
    store = *s;
    add_task_api(app, store);
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    auto srv = Server::bind(app, options);
    if (!srv) throw std::runtime_error(srv.error().message);
    server = std::move(*srv);
    thread = std::thread([this] { server->run(); });
  }
  ~Running() {
    server->stop();
    thread.join();
  }
  std::shared_ptr<TaskStore> store;
  App app;
  std::unique_ptr<Server> server;
  std::thread thread;
};

http::response<http::string_body> call(asio::io_context& io, tcp::socket& socket, http::verb verb,
                                       std::string target, std::string body = {}) {
  http::request<http::string_body> req(verb, target, 11);
  req.set(http::field::host, "127.0.0.1");
  req.body() = std::move(body);
  req.prepare_payload();
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  (void)io;
  return res;
}

TEST(WebServer, KeepAliveCrudAndTheLiveFeed) {
  Running r;
  asio::io_context io;
  // The feed first: subscribed before its handshake answer, so the next event reaches it.
  websocket::stream<tcp::socket> ws(io);
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), r.server->port()});
  ws.handshake("127.0.0.1", "/ws");

  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), r.server->port()});
  auto created = call(io, socket, http::verb::post, "/tasks", R"({"title": "feed me"})");
  EXPECT_EQ(created.result_int(), 201);
  auto done = call(io, socket, http::verb::put, "/tasks/1", R"({"status": "done"})");
  EXPECT_EQ(done.body(), R"({"id":1,"title":"feed me","status":"done"})");
  EXPECT_TRUE(done.has_content_length());

  beast::flat_buffer buffer;
  ws.read(buffer);
  EXPECT_EQ(beast::buffers_to_string(buffer.data()),
            R"({"type":"created","task":{"id":1,"title":"feed me","status":"pending"}})");
  buffer.consume(buffer.size());
  ws.read(buffer);
  EXPECT_EQ(beast::buffers_to_string(buffer.data()),
            R"({"type":"updated","task":{"id":1,"title":"feed me","status":"done"}})");

  // A graceful stop closes the feed with 1001 (going away).
  r.server->stop();
  buffer.consume(buffer.size());
  beast::error_code ec;
  ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, websocket::close_code::going_away);
}

TEST(WebServer, OversizedAndMalformedRequestsAreAnswered) {
  Running r;
  asio::io_context io;
  const auto raw = [&](const std::string& bytes) {
    tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), r.server->port()});
    asio::write(s, asio::buffer(bytes));
    s.shutdown(tcp::socket::shutdown_send);
    std::string out;
    beast::error_code ec;
    std::array<char, 4096> chunk{};
    for (;;) {
      const std::size_t n = s.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      out.append(chunk.data(), n);
    }
    return out;
  };
  EXPECT_TRUE(raw("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n")
                  .starts_with("HTTP/1.1 431 "));
  EXPECT_TRUE(
      raw("POST /tasks HTTP/1.1\r\nContent-Length: 9999999\r\n\r\n").starts_with("HTTP/1.1 413 "));
  EXPECT_TRUE(raw("POST /tasks HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n")
                  .starts_with("HTTP/1.1 400 "));
  EXPECT_TRUE(raw("GET /tasks HTTP/2.0\r\n\r\n").starts_with("HTTP/1.1 505 "));
  EXPECT_TRUE(raw("GET /tasks HTTP/1.0\r\n\r\n").starts_with("HTTP/1.0 200 OK\r\n"));
}

}  // namespace
}  // namespace kit::web
