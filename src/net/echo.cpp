// The echo servers of kit/net/echo.hpp on Boost.Asio: one io_context run by N threads, a strand
// per TCP connection, a bounded write queue per connection (reading pauses while it is full).
#include "kit/net/echo.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include <fmt/core.h>
#include <boost/asio.hpp>

namespace kit::net {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
using boost::system::error_code;

constexpr std::size_t read_size = 16 * 1024;

Endpoint to_endpoint(const asio::ip::address& address, unsigned short port) {
  Endpoint e;
  e.port = port;
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    e.address.family = Family::v4;
    std::copy(bytes.begin(), bytes.end(), e.address.bytes.begin());
  } else {
    const auto v6 = address.to_v6();
    const auto bytes = v6.to_bytes();
    e.address.family = Family::v6;
    std::copy(bytes.begin(), bytes.end(), e.address.bytes.begin());
    e.address.scope_id = static_cast<std::uint32_t>(v6.scope_id());
  }
  return e;
}

// Python's str.strip() of ASCII text: the seed strips each message before upper-casing it.
std::string_view strip_space(std::string_view s) {
  constexpr std::string_view space = " \t\n\r\v\f\x1c\x1d\x1e\x1f";
  const auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

Error bind_error(const EchoOptions& options, const error_code& ec, std::string_view what) {
  const std::string where = options.host.find(':') != std::string::npos
                                ? fmt::format("[{}]:{}", options.host, options.port)
                                : fmt::format("{}:{}", options.host, options.port);
  if (ec == asio::error::address_in_use)
    return make_error(ErrorKind::invalid_argument, "net.address_in_use",
                      fmt::format("{}: address already in use", where));
  if (ec.value() == EADDRNOTAVAIL || ec == asio::error::access_denied)
    return make_error(ErrorKind::invalid_argument, "net.bind",
                      fmt::format("{}: cannot bind: {}", where, ec.message()));
  return make_error(ErrorKind::io, "net.bind",
                    fmt::format("{}: {}: {}", where, what, ec.message()));
}

class Server;

// One TCP client. Every handler runs on the connection's strand (its socket's executor).
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server& server, tcp::socket socket, Endpoint peer)
      : server_(server), socket_(std::move(socket)), peer_(std::move(peer)) {}

  void start();
  // deliver(message): a chat line from another client, queued on this one's strand.
  void deliver(std::shared_ptr<const std::string> message);
  [[nodiscard]] const Endpoint& peer() const { return peer_; }

 private:
  void read();
  void on_readable(const error_code& ec);
  void on_read(const error_code& ec, std::string_view bytes);
  void take(std::string_view bytes);
  void take_line(std::string_view line);
  void enqueue(std::string_view bytes) { outbox_.append(bytes); }
  void write();
  void on_written(const error_code& ec);
  [[nodiscard]] std::size_t queued() const { return outbox_.size() + in_flight_.size(); }
  void finish();

  Server& server_;
  tcp::socket socket_;
  Endpoint peer_;
  std::string lines_;         // bytes of an unfinished line (line modes)
  std::size_t scanned_ = 0;   // bytes of lines_ known to hold no LF
  bool split_line_ = false;   // the current line has been answered in pieces already
  std::string outbox_;        // answers waiting for the write in flight
  std::string in_flight_;     // the bytes of the write in flight
  bool reading_ = false;      // a read is pending
  bool read_closed_ = false;  // the client sent EOF (or an error)
  bool closed_ = false;
};

class Server final : public EchoServer {
 public:
  Server(const EchoOptions& options, EventHandler on_event)
      : options_(options), on_event_(std::move(on_event)) {}
  ~Server() override {
    stop();
    // The connections close with their sockets while the io_context still exists.
    std::lock_guard lock(clients_mutex_);
    clients_.clear();
  }

  Result<void> open() {
    try {
      error_code ec;
      auto address = asio::ip::make_address(options_.host, ec);
      if (ec) {
        tcp::resolver resolver(io_);
        auto results = resolver.resolve(options_.host, "", ec);
        if (ec || results.empty())
          return tl::unexpected(make_error(ErrorKind::invalid_argument, "net.resolve",
                                           fmt::format("{}: cannot resolve: {}", options_.host,
                                                       ec ? ec.message() : "no address")));
        address = results.begin()->endpoint().address();
      }
      if (options_.mode == EchoMode::chat && options_.udp)
        return tl::unexpected(make_error(ErrorKind::invalid_argument, "net.bad_mode",
                                         "chat needs TCP (a UDP server has no clients to tell)"));
      auto reuse_port = [&](int fd) -> error_code {
        int one = 1;
        if (options_.reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one))
          return {errno, boost::system::system_category()};
        return {};
      };
      if (options_.udp) {
        udp::endpoint at(address, options_.port);
        udp_.emplace(io_);
        if (udp_->open(at.protocol(), ec)) return tl::unexpected(bind_error(options_, ec, "open"));
        udp_->set_option(asio::socket_base::reuse_address(true), ec);
        if ((ec = reuse_port(udp_->native_handle())))
          return tl::unexpected(bind_error(options_, ec, "SO_REUSEPORT"));
        if (udp_->bind(at, ec)) return tl::unexpected(bind_error(options_, ec, "bind"));
        udp_->non_blocking(true, ec);  // a reply that cannot go out at once is dropped
        const auto local = udp_->local_endpoint();
        local_ = to_endpoint(local.address(), local.port());
      } else {
        tcp::endpoint at(address, options_.port);
        acceptor_.emplace(io_);
        if (acceptor_->open(at.protocol(), ec))
          return tl::unexpected(bind_error(options_, ec, "open"));
        acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
        if ((ec = reuse_port(acceptor_->native_handle())))
          return tl::unexpected(bind_error(options_, ec, "SO_REUSEPORT"));
        if (acceptor_->bind(at, ec)) return tl::unexpected(bind_error(options_, ec, "bind"));
        if (acceptor_->listen(asio::socket_base::max_listen_connections, ec))
          return tl::unexpected(bind_error(options_, ec, "listen"));
        const auto local = acceptor_->local_endpoint();
        local_ = to_endpoint(local.address(), local.port());
      }
    } catch (const std::exception& e) {
      return tl::unexpected(make_error(ErrorKind::io, "net.bind", e.what()));
    }
    if (options_.udp)
      receive();
    else
      accept();
    return {};
  }

  [[nodiscard]] Endpoint local_endpoint() const override { return local_; }

  void run() override {
    std::vector<std::thread> threads;
    const unsigned n = std::max(1u, options_.threads);
    for (unsigned i = 1; i < n; ++i) threads.emplace_back([this] { run_loop(); });
    run_loop();
    for (auto& t : threads) t.join();
  }

  void stop() override { io_.stop(); }

  void emit(EchoEvent::Kind kind, const Endpoint& peer, std::string_view data = {}) {
    if (!on_event_) return;
    std::lock_guard lock(event_mutex_);
    try {
      on_event_(EchoEvent{kind, peer, data});
    } catch (...) {  // a handler's exception must not unwind through the event loop
    }
  }

  [[nodiscard]] const EchoOptions& options() const { return options_; }

  void joined(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(clients_mutex_);
    clients_.insert(c);
  }
  void left(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(clients_mutex_);
    clients_.erase(c);
  }
  // broadcast(from, message): to every client but `from`, each on its own strand.
  void broadcast(const Connection* from, std::shared_ptr<const std::string> message) {
    std::lock_guard lock(clients_mutex_);
    for (const auto& c : clients_)
      if (c.get() != from) c->deliver(message);
  }

 private:
  void run_loop() {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception&) {  // a handler threw (bad_alloc): keep serving the rest
      }
    }
  }

  void accept() {
    acceptor_->async_accept(
        asio::make_strand(io_), [this](const error_code& ec, tcp::socket socket) {
          if (ec == asio::error::operation_aborted) return;
          if (ec) {
            // Out of descriptors (EMFILE) or memory: wait a little instead of spinning, then go on.
            auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(50));
            timer->async_wait([this, timer](const error_code&) { accept(); });
            return;
          }
          error_code peer_ec;
          const auto remote = socket.remote_endpoint(peer_ec);
          if (!peer_ec) {
            socket.set_option(tcp::no_delay(true), peer_ec);
            auto c = std::make_shared<Connection>(*this, std::move(socket),
                                                  to_endpoint(remote.address(), remote.port()));
            c->start();
          }
          accept();
        });
  }

  void receive() {
    udp_->async_receive_from(asio::buffer(datagram_), sender_,
                             [this](const error_code& ec, std::size_t n) {
                               if (ec == asio::error::operation_aborted) return;
                               if (!ec) answer(std::string_view(datagram_.data(), n));
                               receive();
                             });
  }

  void answer(std::string_view data) {
    const Endpoint peer = to_endpoint(sender_.address(), sender_.port());
    emit(EchoEvent::Kind::datagram, peer, data);
    std::string reply;
    switch (options_.mode) {
      case EchoMode::raw:
      case EchoMode::chat:
        reply = data;
        break;
      case EchoMode::upper:
        reply = "Echo: " + python_upper(strip_space(data)) + "\n";
        break;
      case EchoMode::prefix:
        reply = options_.prefix;
        reply += data;
        break;
    }
    error_code ec;
    udp_->send_to(asio::buffer(reply), sender_, 0, ec);  // UDP: a reply that fails is lost
  }

  asio::io_context io_;  // first: destroyed last, after every socket
  EchoOptions options_;
  EventHandler on_event_;
  std::mutex event_mutex_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<udp::socket> udp_;
  std::array<char, 65536> datagram_{};
  udp::endpoint sender_;
  Endpoint local_;
  std::mutex clients_mutex_;
  std::unordered_set<std::shared_ptr<Connection>> clients_;  // chat mode only
};

void Connection::start() {
  error_code ec;
  socket_.non_blocking(true, ec);  // read_some after the readiness wait never blocks
  if (server_.options().mode == EchoMode::chat) server_.joined(shared_from_this());
  server_.emit(EchoEvent::Kind::connected, peer_);
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->read(); });
}

// An idle client costs no read buffer: wait until the socket is readable, then read into the
// thread's buffer (10,000 idle clients would otherwise hold 160 MB of them).
void Connection::read() {
  if (closed_ || read_closed_ || reading_) return;
  reading_ = true;
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](const error_code& ec) { self->on_readable(ec); });
}

void Connection::on_readable(const error_code& ec) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    finish();
    return;
  }
  thread_local std::array<char, read_size> buffer;
  error_code read_ec;
  const std::size_t n = socket_.read_some(asio::buffer(buffer), read_ec);
  if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) {
    read();  // a spurious wakeup
    return;
  }
  on_read(read_ec, std::string_view(buffer.data(), n));
}

void Connection::on_read(const error_code& ec, std::string_view bytes) {
  if (ec && ec != asio::error::eof) {  // reset, or closed under us
    finish();
    return;
  }
  take(bytes);
  if (ec == asio::error::eof) {
    read_closed_ = true;
    if (server_.options().mode != EchoMode::raw && !lines_.empty()) {
      take_line(lines_);  // a last unterminated line counts
      lines_.clear();
    }
  }
  write();
  if (read_closed_) {
    if (queued() == 0) finish();
    return;
  }
  // A client that does not read its answers stops being read: its queue stays bounded.
  if (queued() < server_.options().max_queued) read();
}

void Connection::take(std::string_view bytes) {
  const EchoOptions& o = server_.options();
  if (o.mode == EchoMode::raw) {
    enqueue(bytes);
    return;
  }
  lines_.append(bytes);
  std::size_t start = 0;
  for (;;) {
    const auto lf = lines_.find('\n', start + scanned_);
    if (lf == std::string::npos) {
      scanned_ = lines_.size() - start;
      // kit::net::LineFramer refuses a line past its limit; an echo answers it in pieces.
      while (lines_.size() - start > o.max_line) {
        take_line(std::string_view(lines_).substr(start, o.max_line));
        start += o.max_line;
        split_line_ = true;
      }
      scanned_ = lines_.size() - start;
      break;
    }
    std::string_view line(lines_.data() + start, lf - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (line.size() > o.max_line) {
      take_line(line.substr(0, o.max_line));
      line.remove_prefix(o.max_line);
      split_line_ = true;
    }
    if (!line.empty() || !split_line_) take_line(line);
    split_line_ = false;
    start = lf + 1;
    scanned_ = 0;
  }
  lines_.erase(0, start);
}

void Connection::take_line(std::string_view line) {
  const EchoOptions& o = server_.options();
  switch (o.mode) {
    case EchoMode::raw:
      enqueue(line);
      break;
    case EchoMode::upper:
      enqueue("Echo: ");
      enqueue(python_upper(strip_space(line)));
      enqueue("\n");
      break;
    case EchoMode::prefix:
      enqueue(o.prefix);
      enqueue(line);
      enqueue("\n");
      break;
    case EchoMode::chat:
      server_.broadcast(this, std::make_shared<const std::string>(
                                  fmt::format("[{}] {}\n", python_address(peer_), line)));
      break;
  }
}

void Connection::deliver(std::shared_ptr<const std::string> message) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), message = std::move(message)] {
    if (self->closed_) return;
    // A chat client that falls max_queued bytes behind is dropped, so that nobody waits for it.
    if (self->queued() + message->size() > self->server_.options().max_queued) {
      self->finish();
      return;
    }
    self->enqueue(*message);
    self->write();
  });
}

void Connection::write() {
  if (closed_ || !in_flight_.empty() || outbox_.empty()) return;
  in_flight_.swap(outbox_);
  asio::async_write(
      socket_, asio::buffer(in_flight_),
      [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_written(ec); });
}

void Connection::on_written(const error_code& ec) {
  in_flight_.clear();
  if (closed_) return;
  if (ec) {
    finish();
    return;
  }
  write();
  if (read_closed_) {
    if (queued() == 0) finish();
  } else if (queued() < server_.options().max_queued) {
    read();
  }
}

void Connection::finish() {
  if (closed_) return;
  closed_ = true;
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  socket_.close(ec);
  outbox_.clear();
  outbox_.shrink_to_fit();
  lines_.clear();
  lines_.shrink_to_fit();
  if (server_.options().mode == EchoMode::chat) server_.left(shared_from_this());
  server_.emit(EchoEvent::Kind::disconnected, peer_);
}

}  // namespace

Result<std::unique_ptr<EchoServer>> EchoServer::bind(const EchoOptions& options,
                                                     EventHandler on_event) {
  if (options.max_queued == 0 || options.max_line == 0)
    return tl::unexpected(make_error(ErrorKind::invalid_argument, "net.bad_option",
                                     "max_queued and max_line must be more than 0"));
  auto server = std::make_unique<Server>(options, std::move(on_event));
  if (auto opened = server->open(); !opened) return tl::unexpected(opened.error());
  return std::unique_ptr<EchoServer>(std::move(server));
}

}  // namespace kit::net

namespace kit::net {

Result<std::string> echo_send(std::string_view host, std::uint16_t port, std::string_view message,
                              const EchoSendOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + options.timeout;
  auto left = [&] {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  };
  if (options.udp) {
    auto addresses = resolve(Target{std::string(host), std::string(host), port, std::nullopt});
    if (!addresses) return tl::unexpected(addresses.error());
    const Endpoint to{addresses->front(), port};
    auto socket = UdpSocket::open(to.address.family);
    if (!socket) return tl::unexpected(socket.error());
    if (auto sent = socket->send_to(message, to); !sent) return tl::unexpected(sent.error());
    auto reply = socket->receive_from(left());
    if (!reply) return tl::unexpected(reply.error());
    return std::move(reply->data);
  }
  auto stream = TcpStream::connect(host, port, left());
  if (!stream) return tl::unexpected(stream.error());
  if (auto sent = stream->send_all(message, left()); !sent) return tl::unexpected(sent.error());
  if (auto closed = stream->shutdown_write(); !closed) return tl::unexpected(closed.error());
  std::string reply;
  std::array<char, 16 * 1024> buffer{};
  while (reply.size() < options.max_reply) {
    auto n = stream->read_some(buffer, left());
    if (!n) {
      // What came by the deadline, or before the server reset the connection, is the reply.
      if (n.error().code == "net.timeout" || (n.error().code == "net.closed" && !reply.empty()))
        break;
      return tl::unexpected(n.error());
    }
    if (*n == 0) break;
    reply.append(buffer.data(), *n);
  }
  return reply;
}

}  // namespace kit::net
