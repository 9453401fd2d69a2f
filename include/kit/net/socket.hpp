// kit/net/socket.hpp — the tutorial's sockets as a small blocking API: TcpListener,
// TcpStream, UdpSocket. Every call that can wait takes a timeout (nullopt waits forever); a
// timeout is net.timeout, a refused connect net.refused, an ICMP unreachable net.unreachable,
// a name that does not resolve net.resolve. No exceptions, no Asio.
//
// Example (the FAQ's framing: send, half-close, read until the server closes):
//   using namespace std::chrono_literals;
//   auto s = kit::net::TcpStream::connect("127.0.0.1", 65432, 2s);
//   if (!s) return fail(s.error());
//   (void)s->send_all("Hello from client!");
//   (void)s->shutdown_write();
//   std::string reply;
//   char buf[4096];
//   while (auto n = s->read_some(buf, 2s)) { if (*n == 0) break; reply.append(buf, *n); }
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kit/core/error.hpp"
#include "kit/core/file.hpp"
#include "kit/net/address.hpp"

namespace kit::net {

using Timeout = std::optional<std::chrono::milliseconds>;

class TcpStream {
 public:
  // connect(host, port, timeout): a name is resolved; each address is tried in turn within
  // the one timeout.
  [[nodiscard]] static Result<TcpStream> connect(std::string_view host, std::uint16_t port,
                                                 Timeout timeout = std::nullopt);
  [[nodiscard]] static Result<TcpStream> connect(const Endpoint& to,
                                                 Timeout timeout = std::nullopt);
  // adopt(fd): a connected socket (from accept).
  explicit TcpStream(core::FileDescriptor fd) : fd_(std::move(fd)) {}

  // send_all(bytes): every byte, or an error (net.closed when the peer reset).
  [[nodiscard]] Result<void> send_all(std::string_view bytes, Timeout timeout = std::nullopt);
  // read_some(buffer): bytes read, 0 when the peer has closed.
  [[nodiscard]] Result<std::size_t> read_some(std::span<char> buffer,
                                              Timeout timeout = std::nullopt);
  // read_exact(buffer): fills it, or net.closed if the peer closes first.
  [[nodiscard]] Result<void> read_exact(std::span<char> buffer, Timeout timeout = std::nullopt);
  // read_line(): the next line without its LF or CRLF; nullopt at end of stream (a last
  // unterminated line is returned first); net.line_too_long past max_length bytes.
  [[nodiscard]] Result<std::optional<std::string>> read_line(Timeout timeout = std::nullopt,
                                                             std::size_t max_length = 1 << 20);
  // shutdown_write(): half-close (SHUT_WR): the peer reads end of stream, replies still come.
  [[nodiscard]] Result<void> shutdown_write();

  [[nodiscard]] Endpoint local_endpoint() const;
  [[nodiscard]] Endpoint peer_endpoint() const;
  [[nodiscard]] int native_handle() const { return fd_.get(); }

 private:
  core::FileDescriptor fd_;
  std::string pending_;              // read ahead by read_line, served first by every read
  std::size_t pending_start_ = 0;    // bytes of pending_ already handed out
  std::size_t pending_scanned_ = 0;  // bytes after pending_start_ known to hold no LF
};

struct ListenOptions {
  bool reuse_address = true;  // SO_REUSEADDR: restart at once (the tutorial's FAQ)
  bool reuse_port = false;    // SO_REUSEPORT: several processes share the port
  int backlog = -1;           // -1: SOMAXCONN
};

class TcpListener {
 public:
  // bind(host, port): port 0 picks a free one (see local_endpoint). net.address_in_use when
  // taken.
  [[nodiscard]] static Result<TcpListener> bind(std::string_view host, std::uint16_t port,
                                                const ListenOptions& options = {});
  [[nodiscard]] Result<TcpStream> accept(Timeout timeout = std::nullopt);
  [[nodiscard]] Endpoint local_endpoint() const;
  [[nodiscard]] int native_handle() const { return fd_.get(); }

 private:
  explicit TcpListener(core::FileDescriptor fd) : fd_(std::move(fd)) {}
  core::FileDescriptor fd_;
};

struct Datagram {
  std::string data;
  Endpoint from;
};

class UdpSocket {
 public:
  // bind(host, port): a socket that receives on host:port (0: a free port).
  [[nodiscard]] static Result<UdpSocket> bind(std::string_view host, std::uint16_t port,
                                              const ListenOptions& options = {});
  // open(family): an unbound socket for a client (the kernel picks its port on first send).
  [[nodiscard]] static Result<UdpSocket> open(Family family);
  [[nodiscard]] Result<void> send_to(std::string_view data, const Endpoint& to);
  // receive_from(): one datagram (at most max_size bytes; the rest of a longer one is lost).
  [[nodiscard]] Result<Datagram> receive_from(Timeout timeout = std::nullopt,
                                              std::size_t max_size = 65535);
  [[nodiscard]] Endpoint local_endpoint() const;
  [[nodiscard]] int native_handle() const { return fd_.get(); }

 private:
  explicit UdpSocket(core::FileDescriptor fd) : fd_(std::move(fd)) {}
  core::FileDescriptor fd_;
};

}  // namespace kit::net
