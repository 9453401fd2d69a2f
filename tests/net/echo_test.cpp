// kit::net::EchoServer on real loopback sockets (port 0), each wait bounded by a timeout.
#include "kit/net/echo.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kit/net/socket.hpp"

namespace {

using namespace std::chrono_literals;
using kit::net::EchoEvent;
using kit::net::EchoMode;
using kit::net::EchoOptions;
using kit::net::EchoServer;
using kit::net::TcpStream;
using kit::net::UdpSocket;

constexpr auto wait = 10s;  // the bound of every wait: a bug fails, never hangs

// A server running on its own thread for the test's length, with the events it reported.
class Running {
 public:
  explicit Running(EchoOptions options) {
    options.port = 0;
    auto server = EchoServer::bind(options, [this](const EchoEvent& e) {
      std::lock_guard lock(mutex_);
      events_.push_back({e.kind, e.peer.to_string()});
    });
    if (!server) {
      ADD_FAILURE() << server.error().message;
      return;
    }
    server_ = std::move(*server);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~Running() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] bool ok() const { return server_ != nullptr; }
  [[nodiscard]] kit::net::Endpoint endpoint() const { return server_->local_endpoint(); }
  TcpStream connect() const {
    auto s = TcpStream::connect(endpoint(), wait);
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
  }
  std::vector<std::pair<EchoEvent::Kind, std::string>> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::unique_ptr<EchoServer> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::pair<EchoEvent::Kind, std::string>> events_;
};

// Sends `message`, half-closes, reads to the server's close.
std::string round_trip(TcpStream& s, std::string_view message) {
  EXPECT_TRUE(s.send_all(message, wait));
  EXPECT_TRUE(s.shutdown_write());
  std::string reply;
  char buffer[4096];
  for (;;) {
    auto n = s.read_some(buffer, wait);
    if (!n) {
      ADD_FAILURE() << n.error().message;
      break;
    }
    if (*n == 0) break;
    reply.append(buffer, *n);
  }
  return reply;
}

TEST(EchoServer, RawReturnsTheBytesAndReportsTheClient) {
  Running server([] {
    EchoOptions o;
    o.mode = EchoMode::raw;
    o.threads = 2;
    return o;
  }());
  ASSERT_TRUE(server.ok());
  std::string message(300000, '\0');
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>(i * 7);
  TcpStream s = server.connect();
  const std::string me = s.local_endpoint().to_string();
  EXPECT_EQ(round_trip(s, message), message);
  // The disconnected event follows the close we just read; poll for it, bounded.
  const auto until = std::chrono::steady_clock::now() + wait;
  while (server.events().size() < 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::yield();
  const auto events = server.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], std::make_pair(EchoEvent::Kind::connected, me));
  EXPECT_EQ(events[1], std::make_pair(EchoEvent::Kind::disconnected, me));
}

TEST(EchoServer, UpperAnswersEachLineLikeTheThreadedServer) {
  Running server([] {
    EchoOptions o;
    o.mode = EchoMode::upper;
    return o;
  }());
  ASSERT_TRUE(server.ok());
  TcpStream s = server.connect();
  EXPECT_EQ(round_trip(s, "hello\r\n  straße  \n\nlast"),
            "Echo: HELLO\nEcho: STRASSE\nEcho: \nEcho: LAST\n");
}

TEST(EchoServer, UpperAnswersLineByLineAsTheyArrive) {
  Running server([] {
    EchoOptions o;
    o.mode = EchoMode::upper;
    return o;
  }());
  ASSERT_TRUE(server.ok());
  TcpStream s = server.connect();
  ASSERT_TRUE(s.send_all("one\ntw", wait));
  auto line = s.read_line(wait);
  ASSERT_TRUE(line && *line);
  EXPECT_EQ(**line, "Echo: ONE");
  ASSERT_TRUE(s.send_all("o\n", wait));
  line = s.read_line(wait);
  ASSERT_TRUE(line && *line);
  EXPECT_EQ(**line, "Echo: TWO");
}

TEST(EchoServer, LongLinesAreAnsweredInPieces) {
  Running server([] {
    EchoOptions o;
    o.mode = EchoMode::upper;
    o.max_line = 4;
    return o;
  }());
  ASSERT_TRUE(server.ok());
  TcpStream s = server.connect();
  EXPECT_EQ(round_trip(s, "abcdefghij\nabcd\nxy"),
            "Echo: ABCD\nEcho: EFGH\nEcho: IJ\nEcho: ABCD\nEcho: XY\n");
}

TEST(EchoServer, PrefixPerLineOverTcp) {
  Running server([] {
    EchoOptions o;
    o.mode = EchoMode::prefix;
    o.prefix = "ACK: ";
    return o;
  }());
  ASSERT_TRUE(server.ok());
  TcpStream s = server.connect();
  EXPECT_EQ(round_trip(s, "a\r\nb\n"), "ACK: a\nACK: b\n");
}

TEST(EchoServer, UdpPrefixOnIpv6Loopback) {
  Running server([] {
    EchoOptions o;
    o.host = "::1";
    o.udp = true;
    o.mode = EchoMode::prefix;
    o.prefix = "ACK: ";
    return o;
  }());
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(server.endpoint().address.family, kit::net::Family::v6);
  auto client = UdpSocket::open(kit::net::Family::v6);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send_to("Status check OK", server.endpoint()));
  auto reply = client->receive_from(wait);
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->data, "ACK: Status check OK");
  EXPECT_EQ(reply->from, server.endpoint());
  const auto events = server.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, EchoEvent::Kind::datagram);
  // The client's socket is bound to [::] (any): the server saw its port from ::1.
  EXPECT_EQ(events[0].second, "[::1]:" + std::to_string(client->local_endpoint().port));
}

TEST(EchoServer, ChatSendsEachLineToEveryOtherClient) {
  Running server([] {
    EchoOptions o;
    o.mode = EchoMode::chat;
    o.threads = 2;
    return o;
  }());
  ASSERT_TRUE(server.ok());
  std::vector<TcpStream> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(server.connect());
  // Every client is registered once the server reported it connected.
  const auto until = std::chrono::steady_clock::now() + wait;
  while (server.events().size() < 3 && std::chrono::steady_clock::now() < until)
    std::this_thread::yield();
  const std::string a = kit::net::python_address(clients[0].local_endpoint());
  const std::string b = kit::net::python_address(clients[1].local_endpoint());
  ASSERT_TRUE(clients[0].send_all("hi all\n", wait));
  for (std::size_t i : {1u, 2u}) {
    auto line = clients[i].read_line(wait);
    ASSERT_TRUE(line && *line);
    EXPECT_EQ(**line, "[" + a + "] hi all");
  }
  // The sender got nothing back: the first line it reads is the next client's.
  ASSERT_TRUE(clients[1].send_all("hello\n", wait));
  auto line = clients[0].read_line(wait);
  ASSERT_TRUE(line && *line);
  EXPECT_EQ(**line, "[" + b + "] hello");
}

TEST(EchoServer, AClientThatNeverReadsStallsNobodyElse) {
  // One thread: if the stuck client blocked the loop, the other client would time out.
  Running server([] {
    EchoOptions o;
    o.mode = EchoMode::raw;
    o.threads = 1;
    o.max_queued = 64 * 1024;
    return o;
  }());
  ASSERT_TRUE(server.ok());
  TcpStream stuck = server.connect();
  // It sends far more than the kernel buffers and max_queued hold and never reads: its sends
  // stop (timeout) once the server stops reading it.
  const std::string chunk(1 << 20, 'x');
  std::size_t sent = 0;
  for (int i = 0; i < 64; ++i) {
    if (!stuck.send_all(chunk, 1s)) break;
    sent += chunk.size();
  }
  EXPECT_LT(sent, 64u * chunk.size()) << "the server kept reading a client that never reads";
  for (int i = 0; i < 20; ++i) {
    TcpStream other = server.connect();
    const std::string message = "ping " + std::to_string(i);
    EXPECT_EQ(round_trip(other, message), message);
  }
}

TEST(EchoServer, StopEndsRunAndTheAddressIsTakenWhileBound) {
  auto server = EchoServer::bind([] {
    EchoOptions o;
    o.port = 0;
    return o;
  }());
  ASSERT_TRUE(server) << server.error().message;
  const auto at = (*server)->local_endpoint();
  auto again = EchoServer::bind([&] {
    EchoOptions o;
    o.port = at.port;
    return o;
  }());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "net.address_in_use");
  std::atomic<bool> done = false;
  std::thread t([&] {
    (*server)->run();
    done = true;
  });
  TcpStream s = *TcpStream::connect(at, wait);  // a client still connected does not hold run()
  (*server)->stop();
  t.join();
  EXPECT_TRUE(done);
}

TEST(EchoServer, ChatOverUdpIsRefused) {
  auto server = EchoServer::bind([] {
    EchoOptions o;
    o.port = 0;
    o.udp = true;
    o.mode = EchoMode::chat;
    return o;
  }());
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().code, "net.bad_mode");
}

TEST(PythonText, AddressAsPythonPrintsTheTuple) {
  kit::net::Endpoint v4{*kit::net::IpAddress::parse("127.0.0.1"), 50312};
  EXPECT_EQ(kit::net::python_address(v4), "('127.0.0.1', 50312)");
  kit::net::Endpoint v6{*kit::net::IpAddress::parse("::1"), 50312};
  EXPECT_EQ(kit::net::python_address(v6), "('::1', 50312, 0, 0)");
}

TEST(PythonText, UpperIsPythonsStrUpper) {
  using kit::net::python_upper;
  EXPECT_EQ(python_upper("hello, World 42"), "HELLO, WORLD 42");
  EXPECT_EQ(python_upper("straße"), "STRASSE");
  EXPECT_EQ(python_upper("ﬁx ǆ ŉ"), "FIX Ǆ ʼN");
  EXPECT_EQ(python_upper("éà ω"), "ÉÀ Ω");
  EXPECT_EQ(python_upper(""), "");
  // Bytes that are not UTF-8 pass through; the valid text around them is still upper-cased.
  EXPECT_EQ(python_upper("a\xff"
                         "b\xc3"),
            "A\xff"
            "B\xc3");
  EXPECT_EQ(python_upper("\xe2\x82"), "\xe2\x82");
}

}  // namespace
