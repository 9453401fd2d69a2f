// kit scan — a TCP connect scanner: open, closed or filtered, with nmap's reason words.
//
// Standard: the tutorial's port_scanner.py. Its text is kept byte for byte: `Scanning HOST
// ports A-B...`, `  Port    22 -- ssh` per open port in order, `No open ports found.`; --all
// adds the closed and filtered rows with state and reason, --banner the banner. --json is JSON
// Lines (port, host, summary), --list `HOST PORT` per open port. Exit 0, 1 when --expect-open
// does not match, 2 for bad usage (a bad port list or target, an unknown host).
// Table row: KIT_COMMAND(scan, …) in commands.def. Docs: docs/commands/scan.md.
//
// usage: kit scan TARGET... [-p PORTS] [-c N] [--timeout MS] [--retries N] [--rate N]
//                 [--banner] [--banner-timeout MS] [--probe BYTES] [--all] [-4|-6]
//                 [--expect-open PORTS] [--json | --list] [--force]
#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/output.hpp"
#include "kit/net/address.hpp"
#include "kit/net/scan.hpp"
#include "kit/timing.hpp"

namespace kit::cli {

namespace net = kit::net;
using Json = nlohmann::ordered_json;

namespace {

struct ScanCommandOptions {
  std::vector<std::string> targets;
  std::string ports = "1-1024";
  unsigned concurrency = 0;
  std::string timeout = "1s", banner_timeout = "1s";
  unsigned retries = 1;
  double rate = 0;
  bool banner = false, all = false, v4 = false, v6 = false, json = false, list = false,
       force = false;
  std::optional<std::string> probe, expect_open;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "scan.usage", std::move(message));
}

int bad_usage(const Error& error) {
  (void)core::report_error("scan", error);
  return core::exit_usage;
}

// An error naming the text it is about: library messages usually do; when not, say which.
Error naming(Error error, std::string_view text) {
  if (error.message.find(text) == std::string::npos &&
      error.message.find("(column ") == std::string::npos)
    error.message = fmt::format("{}: {}", text, error.message);
  return error;
}

// A bare number is milliseconds here (as nmap's --host-timeout), "2s" and "500ms" as written.
Result<std::chrono::milliseconds> scan_duration(std::string_view option, std::string text) {
  if (!text.empty() && text.find_first_not_of("0123456789.") == std::string::npos) text += "ms";
  auto d = timing::parse_duration(text);
  if (!d) return tl::unexpected(usage(fmt::format("{}: {}", option, d.error().message)));
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(*d);
  if (ms <= std::chrono::milliseconds::zero())
    return tl::unexpected(usage(fmt::format("{}: must be more than 0", option)));
  return ms;
}

std::string service_or_unknown(std::uint16_t port) {
  std::string name = net::service_name(port);
  return name.empty() ? "unknown" : name;
}

// One address of a target, as the text output shows it.
struct HostBlock {
  std::string name;  // the target as typed for a single host, else the address
  std::vector<net::PortResult> results;
};

Json port_json(const net::PortResult& r, bool banner) {
  const std::string service = net::service_name(r.endpoint.port);
  Json j{{"type", "port"},
         {"host", r.endpoint.address.to_string()},
         {"port", r.endpoint.port},
         {"state", net::to_string(r.probe.state)},
         {"reason", r.probe.reason},
         {"service", service.empty() ? Json(nullptr) : Json(service)},
         {"rtt_ms", static_cast<double>(r.probe.rtt.count()) / 1000.0}};
  if (banner && r.probe.state == net::PortState::open)
    j["banner"] = core::json_text(r.probe.banner);
  return j;
}

std::string row_text(const net::PortResult& r, const ScanCommandOptions& o) {
  std::string row =
      fmt::format("  Port {:5d} -- {}", r.endpoint.port, service_or_unknown(r.endpoint.port));
  if (o.all) row += fmt::format("  {} {}", net::to_string(r.probe.state), r.probe.reason);
  if (o.banner && !r.probe.banner.empty()) row += "  " + net::escape_banner(r.probe.banner);
  return row + "\n";
}

int run_scan(const ScanCommandOptions& o) {
  if (o.targets.empty()) return bad_usage(usage("no target (kit scan HOST [-p PORTS])"));
  if (o.v4 && o.v6) return bad_usage(usage("-4 and -6 exclude each other"));
  auto ports = net::parse_ports(o.ports);
  if (!ports) return bad_usage(naming(ports.error(), o.ports));
  std::optional<net::PortList> expected;
  if (o.expect_open) {
    auto e = net::parse_ports(*o.expect_open);
    if (!e) {
      Error error = e.error();
      error.message = "--expect-open: " + error.message;
      return bad_usage(error);
    }
    expected = *e;
  }
  net::ScanOptions options;
  auto timeout = scan_duration("--timeout", o.timeout);
  if (!timeout) return bad_usage(timeout.error());
  options.timeout = *timeout;
  auto banner_timeout = scan_duration("--banner-timeout", o.banner_timeout);
  if (!banner_timeout) return bad_usage(banner_timeout.error());
  options.banner_timeout = *banner_timeout;
  options.retries = o.retries;
  if (o.rate < 0) return bad_usage(usage("--rate must not be negative"));
  options.rate = o.rate;
  options.concurrency = o.concurrency;
  options.banner = o.banner || o.probe.has_value();
  if (o.probe) {
    auto bytes = net::parse_probe(*o.probe);
    if (!bytes) return bad_usage(naming(bytes.error(), "--probe"));
    options.probe = *bytes;
  }
  ScanCommandOptions shown = o;
  shown.banner = options.banner;

  const auto families = o.v4   ? net::FamilyPreference::v4
                        : o.v6 ? net::FamilyPreference::v6
                               : net::FamilyPreference::any;
  auto jobs = net::plan_scan(o.targets, *ports, families, o.force);
  if (!jobs) return bad_usage(jobs.error());

  // The service table is read now, while descriptors are plenty: read first in the middle of a
  // scan, /etc/services could meet EMFILE and leave only the built-in table for the run.
  (void)net::service_name(22);
  core::Output out({.command = "scan"});
  net::Scanner scanner(options);
  net::ScanSummary total;
  std::size_t hosts = 0, probed = 0;
  bool mismatch = false;
  for (const net::ScanJob& job : *jobs) {
    const bool single = job.addresses.size() == 1 && !job.target.prefix;
    const std::string range = net::describe_ports(job.ports);
    std::map<net::IpAddress, HostBlock> blocks;
    for (const net::IpAddress& a : job.addresses)
      blocks[a].name = single ? job.target.host : a.to_string();
    if (single && !o.json && !o.list) {
      out.text(fmt::format("Scanning {} ports {}...\n", job.target.host, range));
      std::fflush(stdout);
    }
    auto summary = scanner.run(job.addresses, job.ports, [&](const net::PortResult& r) {
      const bool shown_row = o.all || r.probe.state == net::PortState::open;
      if (o.json && shown_row) {
        out.text(port_json(r, options.banner).dump() + "\n");
        std::fflush(stdout);
      }
      if (shown_row) blocks[r.endpoint.address].results.push_back(r);
    });
    if (!summary) return core::report_error("scan", summary.error());
    total.open += summary->open;
    total.closed += summary->closed;
    total.filtered += summary->filtered;
    total.elapsed += summary->elapsed;
    total.concurrency = summary->concurrency;
    probed += job.addresses.size() * job.ports.size();
    for (auto& [address, block] : blocks) {
      ++hosts;
      auto& rows = block.results;
      std::sort(rows.begin(), rows.end(), [](const net::PortResult& a, const net::PortResult& b) {
        return a.endpoint.port < b.endpoint.port;
      });
      net::PortList open;
      std::size_t closed = 0, filtered = 0;
      for (const net::PortResult& r : rows) {
        if (r.probe.state == net::PortState::open) open.push_back(r.endpoint.port);
        closed += r.probe.state == net::PortState::closed;
        filtered += r.probe.state == net::PortState::filtered;
      }
      if (o.json) {
        const std::size_t scanned = job.ports.size();
        Json host{{"type", "host"},   {"host", address.to_string()}, {"target", job.target.text},
                  {"ports", scanned}, {"open", open.size()},         {"open_ports", open}};
        if (o.all) {
          host["closed"] = closed;
          host["filtered"] = filtered;
        }
        out.text(host.dump() + "\n");
      } else if (o.list) {
        for (std::uint16_t p : open) out.text(fmt::format("{} {}\n", address.to_string(), p));
      } else {
        if (!single) out.text(fmt::format("Scanning {} ports {}...\n", block.name, range));
        for (const net::PortResult& r : rows) out.text(row_text(r, shown));
        if (open.empty()) out.text("No open ports found.\n");
      }
      if (expected && open != *expected) {
        mismatch = true;
        net::PortList missing, extra;
        std::set_difference(expected->begin(), expected->end(), open.begin(), open.end(),
                            std::back_inserter(missing));
        std::set_difference(open.begin(), open.end(), expected->begin(), expected->end(),
                            std::back_inserter(extra));
        std::fflush(stdout);
        if (!missing.empty())
          fmt::print(stderr, "kit scan: {}: expected open, not open: {}\n", block.name,
                     net::describe_ports(missing));
        if (!extra.empty())
          fmt::print(stderr, "kit scan: {}: open, not expected: {}\n", block.name,
                     net::describe_ports(extra));
      }
    }
  }
  const double seconds = std::chrono::duration<double>(total.elapsed).count();
  if (o.json) {
    Json summary{{"type", "summary"},      {"hosts", hosts},
                 {"ports", probed},        {"open", total.open},
                 {"closed", total.closed}, {"filtered", total.filtered},
                 {"elapsed_s", seconds},   {"concurrency", total.concurrency},
                 {"expected", !mismatch}};
    if (!expected) summary.erase("expected");
    out.text(summary.dump() + "\n");
  }
  const int written = out.finish();
  if (core::is_terminal(2))
    fmt::print(stderr, "{} open, {} closed, {} filtered in {:.2f} s\n", total.open, total.closed,
               total.filtered, seconds);
  if (written != core::exit_ok) return written;
  return mismatch ? core::exit_failed : core::exit_ok;
}

}  // namespace

Runner register_scan(CLI::App& app) {
  auto o = std::make_shared<ScanCommandOptions>();
  app.add_option("targets", o->targets,
                 "Hosts, addresses, host:port, [v6]:port or CIDR blocks (scan only your hosts)")
      ->type_name("TARGET...");
  app.add_option("-p,--ports", o->ports, "Ports: 22,80,8000-8100, - for all (default 1-1024)")
      ->type_name("PORTS");
  app.add_option("-c,--concurrency", o->concurrency,
                 "Connects in flight (default min(1000, descriptor limit - 64); capped to it)")
      ->type_name("N");
  app.add_option("--timeout", o->timeout,
                 "Connect timeout: 500ms, 2s; a bare number is milliseconds (default 1s)")
      ->type_name("MS");
  app.add_option("--retries", o->retries, "Attempts more after no response (default 1)")
      ->type_name("N");
  app.add_option("--rate", o->rate, "Connects started per second at most (default: no cap)")
      ->type_name("N");
  app.add_flag("--banner", o->banner, "Show what an open port sends first (at most 256 bytes)");
  app.add_option("--banner-timeout", o->banner_timeout,
                 "How long to wait for a banner (default 1s; a bare number is milliseconds)")
      ->type_name("MS");
  app.add_option("--probe", o->probe,
                 "Bytes to send before reading the banner, with \\r \\n \\t \\0 \\\\ \\xNN "
                 "(implies --banner)")
      ->type_name("BYTES");
  app.add_flag("--all", o->all, "Show closed and filtered ports too, with state and reason");
  app.add_flag("-4", o->v4, "IPv4 addresses only");
  app.add_flag("-6", o->v6, "IPv6 addresses only");
  app.add_option("--expect-open", o->expect_open,
                 "Exit 1 unless exactly these ports are open, printing the difference")
      ->type_name("PORTS");
  auto* json = app.add_flag("--json", o->json, "JSON Lines: port, host and summary records");
  auto* list = app.add_flag("--list", o->list, "HOST PORT per open port");
  json->excludes(list);
  app.add_flag("--force", o->force, "Allow more than 65,536 addresses");
  return [o] { return run_scan(*o); };
}

}  // namespace kit::cli
