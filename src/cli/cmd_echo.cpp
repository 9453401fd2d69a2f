// kit echo — the tutorial's echo servers (raw TCP, the threaded "Echo: LINE" server, the UDP
// "ACK: " server, a chat room) and `kit echo send`, its clients. Docs: docs/commands/echo.md.
//
// usage: kit echo [--host H] [-p PORT] [--udp] [--upper] [--prefix TEXT] [--chat]
//                 [--threads N] [--reuse-port] [--quiet]
//        kit echo send HOST:PORT [MESSAGE|-] [--udp] [--timeout S] [--raw]
#include <poll.h>
#include <sys/resource.h>

#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/core/process.hpp"
#include "kit/net.hpp"
#include "kit/timing.hpp"

namespace kit::cli {

namespace {

struct EchoCommandOptions {
  std::string host = "127.0.0.1";
  int port = 65432;
  bool udp = false, upper = false, chat = false, reuse_port = false, quiet = false;
  std::optional<std::string> prefix;
  unsigned threads = 0;  // 0: one per core

  // kit echo send
  bool send = false;
  std::string target;
  std::optional<std::string> message;
  bool send_udp = false, raw = false;
  std::string timeout = "5";
};

int usage(std::string message) {
  return core::report_error(
      "echo", make_error(ErrorKind::invalid_argument, "echo.usage", std::move(message)));
}

// The seed's output line, flushed at once: scripts read it through a pipe while we run.
template <class... Args>
void say(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(format, std::forward<Args>(args)...);
  std::fflush(stdout);
}

int run_server(const EchoCommandOptions& o) {
  if (int(o.upper) + int(o.chat) + int(o.prefix.has_value()) > 1)
    return usage("--upper, --prefix and --chat are different modes; give one");
  if (o.port < 0 || o.port > 65535)
    return usage(fmt::format("port {}: out of range (0-65535)", o.port));
  net::EchoOptions options;
  options.host = o.host;
  options.port = static_cast<std::uint16_t>(o.port);
  options.udp = o.udp;
  options.reuse_port = o.reuse_port;
  options.threads = o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  if (o.udp) options.threads = 1;  // one socket, one receive at a time: more threads only wait
  if (o.upper) options.mode = net::EchoMode::upper;
  if (o.chat) options.mode = net::EchoMode::chat;
  if (o.prefix) {
    options.mode = net::EchoMode::prefix;
    options.prefix = *o.prefix;
  }
  const bool raw_tcp = options.mode == net::EchoMode::raw && !o.udp;
  // A descriptor per client: allow as many clients as the hard limit lets us.
  if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }

  // Installed before the server threads start, so that they inherit the blocked-nothing mask
  // and the handler writes to the pipe we wait on.
  auto signals = core::SignalPipe::install({SIGINT, SIGTERM});
  if (!signals) return core::report_error("echo", signals.error());

  auto on_event = [&](const net::EchoEvent& e) {
    if (o.quiet) return;
    const std::string addr = net::python_address(e.peer);
    switch (e.kind) {
      case net::EchoEvent::Kind::connected:
        if (raw_tcp)
          say("Connected by {}\n", addr);
        else
          say("[{}] connected\n", addr);
        break;
      case net::EchoEvent::Kind::disconnected:
        if (raw_tcp)
          say("Client disconnected\n");
        else
          say("[{}] disconnected\n", addr);
        break;
      case net::EchoEvent::Kind::datagram:
        say("From {}: {}\n", addr, e.data);
        break;
    }
  };
  auto server = net::EchoServer::bind(options, on_event);
  if (!server) return core::report_error("echo", server.error());
  say("Listening on {}\n", (*server)->local_endpoint().to_string());

  std::thread loop([&] { (*server)->run(); });
  pollfd wait{.fd = signals->fd(), .events = POLLIN, .revents = 0};
  while (::poll(&wait, 1, -1) < 0 && errno == EINTR) {
  }
  (*server)->stop();
  loop.join();
  return core::exit_ok;
}

int run_send(const EchoCommandOptions& o) {
  auto target = net::parse_target(o.target);
  if (!target) return core::report_error("echo", target.error());
  if (!target->port || target->prefix)
    return usage(fmt::format("{}: give HOST:PORT (a port, no network block)", o.target));
  auto timeout = timing::parse_duration(o.timeout);
  if (!timeout) return usage(fmt::format("--timeout: {}", timeout.error().message));
  std::string message = o.udp || o.send_udp ? "Status check OK" : "Hello from client!";
  if (o.message && *o.message == "-") {
    auto in = core::read_all(0, "standard input");
    if (!in) return core::report_error("echo", in.error());
    message = std::move(*in);
  } else if (o.message) {
    message = *o.message;
  }
  net::EchoSendOptions options;
  options.udp = o.udp || o.send_udp;
  options.timeout = std::chrono::ceil<std::chrono::milliseconds>(*timeout);
  auto reply = net::echo_send(target->host, *target->port, message, options);
  if (!reply) return core::report_error("echo", reply.error());
  if (o.raw)
    std::fwrite(reply->data(), 1, reply->size(), stdout);
  else
    fmt::print("{} {}\n", options.udp ? "Response:" : "Received:", *reply);
  return std::fflush(stdout) == 0 ? core::exit_ok : core::exit_failed;
}

}  // namespace

Runner register_echo(CLI::App& app) {
  auto o = std::make_shared<EchoCommandOptions>();
  app.add_option("--host", o->host, "Address to listen on (default 127.0.0.1; ::1 for IPv6)");
  app.add_option("-p,--port", o->port, "Port (default 65432; 0 picks a free one)");
  app.add_flag("--udp", o->udp, "UDP: answer each datagram (with --prefix 'ACK: ': the seed's)");
  app.add_flag("--upper", o->upper,
               "Answer each line with 'Echo: LINE' upper-cased (the seed's "
               "threaded server)");
  app.add_option("--prefix", o->prefix, "Answer each line (UDP: datagram) with TEXT + it");
  app.add_flag("--chat", o->chat, "Send each line to every other client as '[addr] line'");
  app.add_option("--threads", o->threads, "Threads serving clients (default: one per core)");
  app.add_flag("--reuse-port", o->reuse_port,
               "SO_REUSEPORT: several servers share the port (the kernel balances)");
  app.add_flag("-q,--quiet", o->quiet, "Print only the 'Listening on' line");

  CLI::App* send = app.add_subcommand("send",
                                      "Send MESSAGE and print the reply (the seed's "
                                      "clients)");
  send->add_option("target", o->target, "The server")->type_name("HOST:PORT")->required();
  send->add_option("message", o->message,
                   "What to send, - for standard input (default: the seed's message)")
      ->type_name("MESSAGE|-");
  send->add_flag("--udp", o->send_udp, "One datagram; prints 'Response: <reply>'");
  send->add_option("--timeout", o->timeout,
                   "Stop waiting after this long (2s, 500ms; a bare number is seconds; default 5)");
  send->add_flag("--raw", o->raw, "Print the reply's bytes only, without 'Received: '");

  return [o, send] {
    if (send->parsed()) return run_send(*o);
    return run_server(*o);
  };
}

}  // namespace kit::cli
