// The HTTP/1.1 and WebSocket server on Boost.Beast: one coroutine per connection on its strand.
#include "kit/web/server.hpp"

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "wire.hpp"

namespace kit::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

namespace {

// A connection the server can ask to wind down (stop()).
class Tracked {
 public:
  virtual ~Tracked() = default;
  virtual void shutdown() = 0;
};

std::string endpoint_text(const tcp::endpoint& e) {
  const auto a = e.address();
  return a.is_v6() ? fmt::format("[{}]:{}", a.to_string(), e.port())
                   : fmt::format("{}:{}", a.to_string(), e.port());
}

}  // namespace

struct Server::Impl {
  Impl(const App& a, ServerOptions o) : app(a), options(std::move(o)), acceptor(ioc) {}

  const App& app;
  ServerOptions options;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::unordered_map<Tracked*, std::weak_ptr<Tracked>> connections;

  void log(std::string_view line) const {
    if (options.log) options.log(line);
  }
  void track(const std::shared_ptr<Tracked>& c) {
    std::lock_guard lock(mutex);
    connections.emplace(c.get(), c);
  }
  void untrack(Tracked* c) {
    std::lock_guard lock(mutex);
    connections.erase(c);
  }
  asio::awaitable<void> accept_loop();
};

namespace {

using BeastRequest = http::request<http::string_body>;

class WsConnection final : public WebSocket,
                           public Tracked,
                           public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(Server::Impl& server, beast::tcp_stream stream, Request request,
               const WebSocketRoute& route)
      : server_(server), ws_(std::move(stream)), request_(std::move(request)), route_(route) {}
  ~WsConnection() override { server_.untrack(this); }

  void send_text(std::string text) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), t = std::move(text)]() mutable {
      if (self->closed_) return;
      // A client that does not read is dropped rather than buffered without end.
      if (self->queue_.size() >= max_queue) return self->close_now(1008, "too slow");
      self->queue_.push_back(std::move(t));
      self->flush();
    });
  }
  void close(std::uint16_t code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::move(reason)] {
      self->close_now(code, r);
    });
  }
  void shutdown() override { close(1001, "server shutting down"); }
  [[nodiscard]] const Request& request() const override { return request_; }

  asio::awaitable<void> run(std::shared_ptr<WsConnection> self, BeastRequest upgrade) {
    if (route_.on_open) route_.on_open(self);  // subscribed before the 101 goes out
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(std::size_t{1} << 20);
    beast::error_code ec;
    co_await ws_.async_accept(upgrade, asio::redirect_error(use_awaitable, ec));
    if (!ec) {
      open_ = true;
      if (close_pending_) close_now(close_code_, "server shutting down");
      flush();
      beast::flat_buffer buffer;
      for (;;) {
        co_await ws_.async_read(buffer, asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        if (route_.on_message) {
          const auto data = buffer.cdata();
          route_.on_message(*this,
                            std::string_view(static_cast<const char*>(data.data()), data.size()));
        }
        buffer.consume(buffer.size());
      }
    }
    closed_ = true;
    queue_.clear();
    if (route_.on_close) route_.on_close(*this);
  }

 private:
  static constexpr std::size_t max_queue = 4096;

  void flush() {
    if (!open_ || writing_ || closing_ || queue_.empty()) return;
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (!self->queue_.empty()) self->queue_.pop_front();
                      if (ec) {
                        self->closed_ = true;
                        self->queue_.clear();
                        return;
                      }
                      self->flush();
                    });
  }
  void close_now(std::uint16_t code, std::string_view reason) {
    if (closed_ || closing_) return;
    if (!open_) {  // still handshaking: close as soon as it is open
      close_pending_ = true;
      close_code_ = code;
      return;
    }
    closing_ = true;
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code),
                                            beast::string_view(reason.data(), reason.size())),
                    [self = shared_from_this()](beast::error_code) {});
  }

  Server::Impl& server_;
  websocket::stream<beast::tcp_stream> ws_;
  Request request_;
  const WebSocketRoute& route_;
  std::deque<std::string> queue_;
  bool open_ = false, writing_ = false, closing_ = false, closed_ = false;
  bool close_pending_ = false;
  std::uint16_t close_code_ = 1001;
};

class HttpConnection final : public Tracked, public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(Server::Impl& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), wake_(stream_.get_executor()) {
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    client_ = ec ? std::string("unknown") : endpoint_text(peer);
  }
  ~HttpConnection() override { server_.untrack(this); }

  void shutdown() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (self->idle_) self->stream_.cancel();  // waiting for a request that will not come
    });
  }

  [[nodiscard]] auto executor_for_spawn() { return stream_.get_executor(); }

  // run(self): `self` is a parameter so that the coroutine's frame owns the connection from
  // its start (co_spawn starts it later, after the caller's pointer is gone).
  asio::awaitable<void> run(
      std::shared_ptr<HttpConnection> self) {  // NOLINT(performance-unnecessary-value-param)
    (void)self;
    const ServerOptions& o = server_.options;
    beast::flat_buffer buffer;
    bool first = true;
    while (!closing_) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(o.max_header));
      parser.body_limit(o.max_body);
      stream_.expires_after(first || buffer.size() != 0 ? o.header_timeout : o.idle_timeout);
      first = false;
      idle_ = buffer.size() == 0;
      beast::error_code ec;
      co_await http::async_read_header(stream_, buffer, parser,
                                       asio::redirect_error(use_awaitable, ec));
      idle_ = false;
      if (ec) {
        co_await refuse(ec, buffer);
        break;
      }
      auto& message = parser.get();
      if (message.version() != 10 && message.version() != 11) {
        co_await answer_and_close(505, "HTTP version not supported");
        break;
      }
      if (websocket::is_upgrade(message)) {
        co_await upgrade(parser.release());
        co_return;
      }
      if (!parser.is_done()) {
        if (const auto expect = message[http::field::expect];
            beast::iequals(expect, "100-continue")) {
          static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
          co_await asio::async_write(stream_, asio::buffer(go_on.data(), go_on.size()),
                                     asio::redirect_error(use_awaitable, ec));
          if (ec) break;
        }
        stream_.expires_after(o.header_timeout);
        co_await http::async_read(stream_, buffer, parser, asio::redirect_error(use_awaitable, ec));
        if (ec) {
          co_await refuse(ec, buffer);
          break;
        }
      }
      stream_.expires_never();
      const unsigned version = message.version();
      bool keep_alive = message.keep_alive();
      auto request = detail::to_request(parser.release(), client_);
      if (!request) {
        co_await answer_and_close(400, "bad request target");
        break;
      }
      Response response = co_await dispatch(*request);
      keep_alive = keep_alive && !closing_;
      const bool sent = co_await send(response, request->method == "HEAD", keep_alive, version);
      if (!sent) break;
      server_.app.run_background(response);
      if (!keep_alive) break;
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

 private:
  // dispatch(request): the app's response, which may come from another thread.
  asio::awaitable<Response> dispatch(Request& request) {
    auto slot = std::make_shared<std::optional<Response>>();
    auto self = shared_from_this();
    handling_thread_ = std::this_thread::get_id();
    server_.app.handle(request, Responder([self, slot](Response r) {
                         if (self->handling_thread_.load() == std::this_thread::get_id()) {
                           *slot = std::move(r);  // answered inside handle(): no hop needed
                           return;
                         }
                         asio::post(self->stream_.get_executor(),
                                    [self, slot, r = std::move(r)]() mutable {
                                      *slot = std::move(r);
                                      self->wake_.cancel();
                                    });
                       }));
    handling_thread_ = std::thread::id();
    while (!*slot) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      beast::error_code ec;
      co_await wake_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_return std::move(**slot);
  }

  asio::awaitable<bool> send(const Response& response, bool head_only, bool keep_alive,
                             unsigned version) {
    const std::uint64_t size = detail::body_size(response);
    const std::string h = detail::head(response, size, keep_alive, version);
    beast::error_code ec;
    stream_.expires_after(server_.options.header_timeout);
    if (head_only || detail::bodiless(response.status) || size == 0) {
      co_await asio::async_write(stream_, asio::buffer(h), asio::redirect_error(use_awaitable, ec));
    } else if (!response.file) {
      const std::string_view body = response.body_view();
      const std::array<asio::const_buffer, 2> both{asio::buffer(h),
                                                   asio::buffer(body.data(), body.size())};
      co_await asio::async_write(stream_, both, asio::redirect_error(use_awaitable, ec));
    } else {
      co_await asio::async_write(stream_, asio::buffer(h), asio::redirect_error(use_awaitable, ec));
      std::string chunk(std::size_t{64} << 10, '\0');
      std::uint64_t done = 0;
      while (!ec && done < size) {
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - done));
        const ssize_t got = ::pread(response.file->fd, chunk.data(), want,
                                    static_cast<off_t>(response.file->offset + done));
        if (got <= 0) co_return false;  // the file shrank: the framing is broken, so close
        stream_.expires_after(server_.options.header_timeout);
        co_await asio::async_write(stream_,
                                   asio::buffer(chunk.data(), static_cast<std::size_t>(got)),
                                   asio::redirect_error(use_awaitable, ec));
        done += static_cast<std::uint64_t>(got);
      }
    }
    stream_.expires_never();
    co_return !ec;
  }

  // refuse(ec): a request the parser would not take: answered when someone is there to hear.
  asio::awaitable<void> refuse(const beast::error_code& ec, const beast::flat_buffer& received) {
    const auto bytes = received.cdata();
    const int status = detail::status_for(
        ec, std::string_view(static_cast<const char*>(bytes.data()), bytes.size()));
    if (status == 0) co_return;
    co_await answer_and_close(status, ec.message());
  }

  asio::awaitable<void> answer_and_close(int status, std::string_view why) {
    server_.log(fmt::format("{} {} from {}: {}", status, reason_phrase(status), client_, why));
    const Response r = Response::error(status);
    co_await send(r, false, false, 11);
    // Lingering close: read what the client is still sending (up to 1 MiB or 2 s), so that
    // our answer is not lost to a reset.
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    std::array<char, 16384> sink{};
    std::size_t drained = 0;
    while (!ec && drained < (std::size_t{1} << 20))
      drained += co_await stream_.async_read_some(asio::buffer(sink),
                                                  asio::redirect_error(use_awaitable, ec));
    closing_ = true;
  }

  asio::awaitable<void> upgrade(BeastRequest message) {
    auto request = detail::to_request(BeastRequest(message), client_);
    const WebSocketRoute* route = request ? server_.app.websocket_route(*request) : nullptr;
    if (!route) {
      const bool sent = co_await send(Response::error(404), false, false, message.version());
      (void)sent;
      co_return;
    }
    stream_.expires_never();
    auto ws =
        std::make_shared<WsConnection>(server_, std::move(stream_), std::move(*request), *route);
    server_.track(ws);
    co_await ws->run(ws, std::move(message));
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  asio::steady_timer wake_;
  std::string client_;
  std::atomic<std::thread::id> handling_thread_;
  bool idle_ = false, closing_ = false;
};

}  // namespace

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    tcp::socket socket(asio::make_strand(ioc));
    beast::error_code ec;
    co_await acceptor.async_accept(socket, asio::redirect_error(use_awaitable, ec));
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of descriptors (or memory): let connections finish before accepting more.
      log(fmt::format("accept: {}", ec.message()));
      asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<HttpConnection>(*this, std::move(socket));
    track(connection);
    asio::co_spawn(connection->executor_for_spawn(), connection->run(connection),
                   [this](const std::exception_ptr& e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       log(fmt::format("connection failed: {}", ex.what()));
                     }
                   });
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::bind(const App& app, ServerOptions options) {
  auto impl = std::make_unique<Impl>(app, std::move(options));
  const ServerOptions& o = impl->options;
  const auto failed = [&](const std::string& why) {
    return fail(ErrorKind::io, "web.bind",
                fmt::format("cannot listen on {}:{}: {}", o.host, o.port, why));
  };
  beast::error_code ec;
  tcp::resolver resolver(impl->ioc);
  const auto results = resolver.resolve(
      o.host, std::to_string(o.port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) return failed(ec ? ec.message() : "no address");
  const tcp::endpoint endpoint = results.begin()->endpoint();
  auto& a = impl->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return failed(ec.message());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::string Server::url() const {
  beast::error_code ec;
  return "http://" + endpoint_text(impl_->acceptor.local_endpoint(ec));
}

void Server::run() {
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
  unsigned n = impl_->options.threads;
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  impl_->stopping = true;
  asio::post(impl_->ioc, [impl = impl_.get()] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  std::vector<std::shared_ptr<Tracked>> live;
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& [p, weak] : impl_->connections)
      if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  for (auto& c : live) c->shutdown();
}

}  // namespace kit::web
