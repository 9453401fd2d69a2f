// Fuzz target: WebSocket frames from a client, after the handshake, read as kit's server reads
// them (Beast's server role, 1 MiB messages at most) and handed to the task API's /ws route.
// Oracle: no crash, no sanitizer report, no hang; every read ends in a message or an error.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "kit/web.hpp"
#include "kit/web/tasks.hpp"

namespace {

const kit::web::WebSocketRoute& feed_route() {
  static kit::web::App* app = [] {
    auto* a = new kit::web::App();
    auto store = kit::web::open_sqlite_task_store(":memory:");
    if (!store) std::abort();
    kit::web::add_task_api(*a, *store);
    return a;
  }();
  static kit::web::Request upgrade = [] {
    kit::web::Request r;
    r.path = "/ws";
    return r;
  }();
  static const kit::web::WebSocketRoute* route = app->websocket_route(upgrade);
  if (!route) std::abort();
  return *route;
}

// A WebSocket whose sends go nowhere: the route's view of the fuzzed client.
class Sink final : public kit::web::WebSocket {
 public:
  void send_text(std::string) override {}
  void close(std::uint16_t, std::string) override {}
  [[nodiscard]] const kit::web::Request& request() const override { return request_; }

 private:
  kit::web::Request request_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  const auto& route = feed_route();
  boost::asio::io_context io;
  beast::test::stream server(io), client(io);
  server.connect(client);
  server.append(
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  server.append(beast::string_view(reinterpret_cast<const char*>(data), size));
  client.close();  // the client's bytes end here
  websocket::stream<beast::test::stream&> ws(server);
  ws.read_message_max(std::size_t{1} << 20);
  beast::error_code ec;
  ws.accept(ec);
  if (ec) return 0;
  auto sink = std::make_shared<Sink>();
  if (route.on_open) route.on_open(sink);
  beast::flat_buffer buffer;
  for (int messages = 0; messages < 1000; ++messages) {
    ws.read(buffer, ec);
    if (ec) break;
    const auto bytes = buffer.cdata();
    if (route.on_message)
      route.on_message(*sink,
                       std::string_view(static_cast<const char*>(bytes.data()), bytes.size()));
    buffer.consume(buffer.size());
  }
  if (route.on_close) route.on_close(*sink);
  return 0;
}
