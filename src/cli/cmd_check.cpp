// kit check — does HOST:PORT accept TCP connections? The tutorial's check_host, with the answer
// split: OPEN, CLOSED (refused), FILTERED (no answer, ICMP unreachable or prohibited), or
// UNRESOLVED (the name has no address).
//
// Standard: socket_timeout.py's `host:port -- STATUS` lines, one per argument in argument order
// (its CLOSED/FILTERED is told apart). --wait S polls quietly until every target is open or S
// passes (wait-for-it), then prints the lines. Exit 0 when all are OPEN, 1 otherwise, 2 for bad
// usage. Table row: KIT_COMMAND(check, …) in commands.def. Docs: docs/commands/check.md.
//
// usage: kit check HOST:PORT... [--timeout S] [--wait S] [--json]
#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/clock.hpp"
#include "kit/core/output.hpp"
#include "kit/net/address.hpp"
#include "kit/net/scan.hpp"
#include "kit/timing.hpp"

namespace kit::cli {

namespace net = kit::net;
using Json = nlohmann::ordered_json;

namespace {

struct CheckOptions {
  std::vector<std::string> targets;
  std::string timeout = "2";
  std::optional<std::string> wait;
  bool json = false;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "check.usage", std::move(message));
}

int bad_usage(const Error& error) {
  (void)core::report_error("check", error);
  return core::exit_usage;
}

// What one target came to.
struct Answer {
  std::string status = "UNRESOLVED";  // OPEN, CLOSED, FILTERED, UNRESOLVED
  std::optional<net::Endpoint> endpoint;
  net::ProbeResult probe;
  std::string error;  // why UNRESOLVED
};

// check(target, timeout): each address of the name in turn, until one is open; else the most
// telling answer (a refusal over silence).
Result<Answer> check(const net::Target& target, std::chrono::milliseconds timeout) {
  Answer answer;
  auto addresses = net::resolve(target);
  if (!addresses || addresses->empty()) {
    answer.error = addresses ? "no address" : addresses.error().message;
    return answer;
  }
  std::optional<Answer> best;
  for (const net::IpAddress& a : *addresses) {
    net::Endpoint endpoint{a, *target.port};
    auto p = net::probe(endpoint, timeout);
    if (!p) return tl::unexpected(p.error());
    Answer here;
    here.endpoint = endpoint;
    here.probe = *p;
    here.status = p->state == net::PortState::open     ? "OPEN"
                  : p->state == net::PortState::closed ? "CLOSED"
                                                       : "FILTERED";
    if (p->state == net::PortState::open) return here;
    if (!best || (here.status == "CLOSED" && best->status != "CLOSED")) best = here;
  }
  return *best;
}

int run_check(const CheckOptions& o) {
  if (o.targets.empty()) return bad_usage(usage("no target (kit check HOST:PORT...)"));
  auto seconds = [](std::string_view option,
                    const std::string& text) -> Result<std::chrono::milliseconds> {
    auto d = timing::parse_duration(text);  // a bare number is seconds here
    if (!d) return tl::unexpected(usage(fmt::format("{}: {}", option, d.error().message)));
    return std::chrono::ceil<std::chrono::milliseconds>(*d);
  };
  auto timeout = seconds("--timeout", o.timeout);
  if (!timeout) return bad_usage(timeout.error());
  if (*timeout <= std::chrono::milliseconds::zero())
    return bad_usage(usage("--timeout: must be more than 0"));
  std::optional<std::chrono::milliseconds> wait;
  if (o.wait) {
    auto w = seconds("--wait", *o.wait);
    if (!w) return bad_usage(w.error());
    wait = *w;
  }
  std::vector<net::Target> targets;
  for (const std::string& text : o.targets) {
    auto t = net::parse_target(text);
    if (!t) {
      Error e = t.error();
      if (e.message.find(text) == std::string::npos)
        e.message = fmt::format("{}: {}", text, e.message);
      return bad_usage(e);
    }
    if (!t->port) return bad_usage(usage(fmt::format("{}: no port (HOST:PORT)", text)));
    if (t->prefix) return bad_usage(usage(fmt::format("{}: a network, not a host", text)));
    targets.push_back(std::move(*t));
  }

  core::Clock& clock = core::steady_clock();
  const auto started = clock.now();
  std::vector<Answer> answers(targets.size());
  std::optional<Error> failure;
  // One round: every target not yet open, checked at the same time (a few threads at most).
  auto round = [&](std::chrono::milliseconds limit) {
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < targets.size(); ++i)
      if (answers[i].status != "OPEN") todo.push_back(i);
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    auto worker = [&] {
      for (std::size_t k; (k = next.fetch_add(1)) < todo.size();) {
        auto a = check(targets[todo[k]], limit);
        if (a) {
          answers[todo[k]] = std::move(*a);
        } else {
          std::lock_guard lock(failure_mutex);
          failure = a.error();
        }
      }
    };
    std::vector<std::thread> threads(std::min<std::size_t>(todo.size(), 64));
    for (auto& t : threads) t = std::thread(worker);
    for (auto& t : threads) t.join();
  };
  auto all_open = [&] {
    return std::all_of(answers.begin(), answers.end(),
                       [](const Answer& a) { return a.status == "OPEN"; });
  };
  round(*timeout);
  if (wait) {
    // wait-for-it: poll until all are open or the time is up, never past it.
    const auto deadline = started + *wait;
    while (!failure && !all_open() && clock.now() < deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
      clock.sleep_for(std::min<core::Duration>(std::chrono::milliseconds(250), left));
      const auto now_left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
      if (now_left <= std::chrono::milliseconds::zero()) break;
      round(std::min(*timeout, now_left));
    }
  }
  if (failure) return core::report_error("check", *failure);

  core::Output out({.command = "check"});
  std::size_t open = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Answer& a = answers[i];
    open += a.status == "OPEN";
    if (!o.json) {
      out.text(fmt::format("{} -- {}\n", o.targets[i], a.status));
      continue;
    }
    std::string state = a.status;
    std::transform(state.begin(), state.end(), state.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    Json j{{"type", "target"}, {"target", o.targets[i]}, {"state", state}};
    if (a.endpoint) {
      j["address"] = a.endpoint->address.to_string();
      j["port"] = a.endpoint->port;
      j["reason"] = a.probe.reason;
      j["rtt_ms"] = static_cast<double>(a.probe.rtt.count()) / 1000.0;
    } else {
      j["port"] = *targets[i].port;
      j["reason"] = "resolve";
      j["error"] = a.error;
    }
    out.text(j.dump() + "\n");
  }
  if (o.json) {
    Json summary{{"type", "summary"},
                 {"targets", targets.size()},
                 {"open", open},
                 {"all_open", open == targets.size()},
                 {"elapsed_s", std::chrono::duration<double>(clock.now() - started).count()}};
    out.text(summary.dump() + "\n");
  }
  const int written = out.finish();
  if (written != core::exit_ok) return written;
  return open == targets.size() ? core::exit_ok : core::exit_failed;
}

}  // namespace

Runner register_check(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  app.add_option("targets", o->targets, "Targets: host:port, [v6]:port")->type_name("HOST:PORT...");
  app.add_option("--timeout", o->timeout,
                 "Connect timeout: 2, 500ms; a bare number is seconds (default 2)")
      ->type_name("S");
  app.add_option("--wait", o->wait,
                 "Poll until all are open or S passes, then print (a bare number is seconds)")
      ->type_name("S");
  add_json_flag(app, o->json);
  return [o] { return run_check(*o); };
}

}  // namespace kit::cli
