// echo_load — a small Asio load generator for echo servers (bench/net/echo.sh): C clients
// connected at once, each sending L lines one at a time and checking every reply byte for byte.
// One line in flight per client, so servers that answer per recv (the seed's threaded server)
// and per line (kit echo --upper, asyncio) see the same traffic.
//
// usage: echo_load HOST PORT CLIENTS LINES [upper|raw] [THREADS]
// prints: clients=C lines=L ok=N bad=B seconds=S lines_per_s=R; exit 1 when any reply is wrong.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio.hpp>

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::atomic<long> ok{0}, bad{0}, finished{0};

struct Client : std::enable_shared_from_this<Client> {
  Client(asio::io_context& io, int client_id, int line_count, bool upper_case)
      : socket(asio::make_strand(io)), id(client_id), lines(line_count), upper(upper_case) {}

  void start(const tcp::endpoint& to) {
    socket.async_connect(to, [self = shared_from_this(), to](const boost::system::error_code& ec) {
      if (ec) {
        // A full SYN queue under a burst: try again shortly.
        if (++self->retries > 50) return self->done(false);
        auto timer = std::make_shared<asio::steady_timer>(self->socket.get_executor(),
                                                          std::chrono::milliseconds(20));
        timer->async_wait([self, timer, to](auto) {
          self->socket.close();
          self->start(to);
        });
        return;
      }
      self->socket.set_option(tcp::no_delay(true));
      self->next();
    });
  }

  void next() {
    if (sent == lines) return done(true);
    line = "client " + std::to_string(id) + " line " + std::to_string(sent) + " abcdefghij\n";
    expected = upper ? "Echo: " + to_upper(line.substr(0, line.size() - 1)) + "\n" : line;
    ++sent;
    asio::async_write(socket, asio::buffer(line),
                      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                        if (ec) return self->done(false);
                        self->reply.clear();
                        asio::async_read(self->socket, asio::dynamic_buffer(self->reply),
                                         asio::transfer_exactly(self->expected.size()),
                                         [self](const boost::system::error_code& ec2, size_t) {
                                           if (ec2) return self->done(false);
                                           if (self->reply == self->expected)
                                             ok.fetch_add(1, std::memory_order_relaxed);
                                           else
                                             bad.fetch_add(1, std::memory_order_relaxed);
                                           self->next();
                                         });
                      });
  }

  static std::string to_upper(std::string s) {
    for (char& c : s)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return s;
  }

  void done(bool clean) {
    if (!clean) bad.fetch_add(lines - sent + 1, std::memory_order_relaxed);
    boost::system::error_code ec;
    socket.close(ec);
    finished.fetch_add(1);
  }

  tcp::socket socket;
  int id, lines, sent = 0, retries = 0;
  bool upper;
  std::string line, expected, reply;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: echo_load HOST PORT CLIENTS LINES [upper|raw] [THREADS]\n");
    return 2;
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  const tcp::endpoint to(asio::ip::make_address(argv[1]),
                         static_cast<unsigned short>(std::atoi(argv[2])));
  const int clients = std::atoi(argv[3]), lines = std::atoi(argv[4]);
  const bool upper = argc < 6 || std::string(argv[5]) == "upper";
  const int threads = argc >= 7 ? std::atoi(argv[6]) : 1;
  asio::io_context io;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < clients; ++i) std::make_shared<Client>(io, i, lines, upper)->start(to);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("clients=%d lines=%d ok=%ld bad=%ld seconds=%.3f lines_per_s=%.0f\n", clients, lines,
              ok.load(), bad.load(), seconds, static_cast<double>(ok.load()) / seconds);
  return bad.load() == 0 && ok.load() == static_cast<long>(clients) * lines ? 0 : 1;
}
