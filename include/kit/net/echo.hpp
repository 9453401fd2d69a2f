// kit/net/echo.hpp — the tutorial's echo servers on async I/O: raw TCP echo, the threaded
// "Echo: LINE" server, the UDP "ACK: " server, and the chat room it suggests next.
//
// N threads run one event loop; each connection has its own strand and a bounded write queue,
// so one client that never reads stalls nobody else and cannot grow the server's memory: its
// reading pauses until its queue drains.
//
// Example:
//   kit::net::EchoOptions options{.port = 0, .mode = kit::net::EchoMode::upper};
//   auto server = kit::net::EchoServer::bind(options, [](const kit::net::EchoEvent& e) {
//     if (e.kind == kit::net::EchoEvent::Kind::connected) log(e.peer);
//   });
//   std::thread t([&] { (*server)->run(); });
//   ...  // clients connect to (*server)->local_endpoint()
//   (*server)->stop();
//   t.join();
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kit/core/error.hpp"
#include "kit/net/address.hpp"
#include "kit/net/socket.hpp"

namespace kit::net {

enum class EchoMode : std::uint8_t {
  raw,     // the bytes back, unchanged
  upper,   // per line: "Echo: " + python_upper(line) + "\n"
  prefix,  // per line over TCP, per datagram over UDP: prefix + data ("ACK: ")
  chat,    // each line to every other client as "[addr] line\n"
};

struct EchoOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 65432;
  bool udp = false;
  EchoMode mode = EchoMode::raw;
  std::string prefix;                // EchoMode::prefix
  unsigned threads = 1;              // threads running the event loop
  bool reuse_port = false;           // SO_REUSEPORT
  std::size_t max_queued = 1 << 20;  // bytes waiting to be written to one client
  std::size_t max_line = 1 << 16;    // a longer line is answered in pieces of this size
};

struct EchoEvent {
  enum class Kind : std::uint8_t { connected, disconnected, datagram };
  Kind kind;
  Endpoint peer;
  std::string_view data;  // the datagram (Kind::datagram)
};

class EchoServer {
 public:
  using EventHandler = std::function<void(const EchoEvent&)>;
  // bind(options, on_event): listening when it returns (net.address_in_use if taken). on_event
  // is called from the loop's threads, one event at a time.
  [[nodiscard]] static Result<std::unique_ptr<EchoServer>> bind(const EchoOptions& options,
                                                                EventHandler on_event = {});
  virtual ~EchoServer() = default;
  [[nodiscard]] virtual Endpoint local_endpoint() const = 0;
  // run(): serves on options.threads threads (this one included) until stop().
  virtual void run() = 0;
  // stop(): from any thread; run() returns once in-flight handlers finish.
  virtual void stop() = 0;
};

// The seed's clients, as `kit echo send` runs them.
struct EchoSendOptions {
  bool udp = false;
  // The whole exchange's deadline: over TCP, reading stops here (what came is the reply);
  // over UDP no reply by then is net.timeout.
  std::chrono::milliseconds timeout{5000};
  std::size_t max_reply = 64 << 20;  // TCP: stop reading past this many bytes
};

// echo_send(host, port, message): over TCP, connects, sends, half-closes (SHUT_WR) and returns
// everything the server sends until it closes or the timeout passes (the FAQ: never one
// recv); over UDP, one datagram out and the one reply.
[[nodiscard]] Result<std::string> echo_send(std::string_view host, std::uint16_t port,
                                            std::string_view message,
                                            const EchoSendOptions& options = {});

// python_address(endpoint): the address tuple as Python prints it: "('127.0.0.1', 50312)",
// "('::1', 50312, 0, 0)" (the seed's servers print `addr` from accept/recvfrom).
[[nodiscard]] std::string python_address(const Endpoint& endpoint);

// python_upper(text): str.upper() of UTF-8 text, full case mapping ("straße" -> "STRASSE");
// bytes that are not UTF-8 pass through unchanged.
[[nodiscard]] std::string python_upper(std::string_view text);

}  // namespace kit::net
