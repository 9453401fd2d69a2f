// echo_load — a small Asio load generator for echo servers (bench/net/echo.sh): C clients
// connected at once, each sending L lines one at a time and checking every reply byte for byte.
// One line in flight per client, so servers that answer per recv (the seed's threaded server)
// and per line (kit echo --upper, asyncio) see the same traffic.
//
// Connects are started `connecting` at a time, each client starting its lines once connected.
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
std::atomic<bool> reported{false};

// At most `connecting` connects in flight: the seed's listen(10) drops a burst of SYNs, and its
// clients then stall on retransmits or reset. Every server is connected to the same way.
constexpr int connecting = 8;
struct Launcher;
Launcher* launcher = nullptr;

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
      self->connected();
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
                        if (ec) return self->done(false, "write");
                        self->reply.clear();
                        asio::async_read(self->socket, asio::dynamic_buffer(self->reply),
                                         asio::transfer_exactly(self->expected.size()),
                                         [self](const boost::system::error_code& ec2, size_t) {
                                           if (ec2) return self->done(false, "read");
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

  void connected();

  void done(bool clean, const char* why = "connect") {
    if (!clean) {
      bad.fetch_add(lines - sent + 1, std::memory_order_relaxed);
      if (!reported.exchange(true))
        std::fprintf(stderr, "echo_load: client %d: %s failed\n", id, why);
    }
    connected();  // a client that failed to connect lets the next one start
    boost::system::error_code ec;
    socket.close(ec);
    finished.fetch_add(1);
  }

  tcp::socket socket;
  int id, lines, sent = 0, retries = 0;
  bool counted = false;
  bool upper;
  std::string line, expected, reply;
};

// Starts the clients' connects, `connecting` at a time.
struct Launcher {
  asio::io_context& io;
  tcp::endpoint to;
  int clients, lines;
  bool upper;
  std::atomic<int> next{0};
  void launch() {
    const int i = next.fetch_add(1);
    if (i < clients) std::make_shared<Client>(io, i, lines, upper)->start(to);
  }
};

void Client::connected() {
  if (!counted) {
    counted = true;
    launcher->launch();
  }
}

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
  Launcher start_clients{io, to, clients, lines, upper};
  launcher = &start_clients;
  for (int i = 0; i < connecting; ++i) start_clients.launch();
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
