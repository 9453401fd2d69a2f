// kit/net/scan.hpp — is a port open? probe() one endpoint; Scanner many, concurrently.
//
// Open means a real connection: the handshake completed and the peer is not ourselves (a TCP
// self-connect on 127.0.0.1 in the ephemeral range is reported closed). Closed is a refusal
// (RST). Filtered is no answer within the timeout after the retries, or an ICMP unreachable /
// administratively prohibited. Reasons use nmap's words: syn-ack, conn-refused, no-response,
// host-unreach, net-unreach, admin-prohibited. Running out of descriptors or ports (EMFILE,
// ENOBUFS, EADDRNOTAVAIL) pauses and retries the probe; it is never a result.
//
// Example:
//   kit::net::ScanOptions options{.timeout = std::chrono::milliseconds(500)};
//   kit::net::Scanner scanner(options);
//   auto summary = scanner.run(addresses, *kit::net::parse_ports("1-1024"),
//                              [](const kit::net::PortResult& r) { print(r); });
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"
#include "kit/net/address.hpp"

namespace kit::net {

enum class PortState : std::uint8_t { open, closed, filtered };
[[nodiscard]] std::string_view to_string(PortState state);  // "open", "closed", "filtered"

struct ProbeResult {
  PortState state = PortState::filtered;
  std::string reason;               // "syn-ack", "conn-refused", "no-response", ...
  std::chrono::microseconds rtt{};  // connect time of the last attempt
  std::string banner;               // raw bytes (ScanOptions::banner)
};

// probe(endpoint, timeout): one connect attempt (for `kit check`); net.* errors only for
// local failures that are no answer about the port (e.g. no descriptors left).
[[nodiscard]] Result<ProbeResult> probe(const Endpoint& endpoint,
                                        std::chrono::milliseconds timeout);

struct ScanOptions {
  unsigned concurrency = 0;  // connects in flight; 0 = default_concurrency()
  std::chrono::milliseconds timeout{1000};
  unsigned retries = 1;  // more attempts after no response
  double rate = 0;       // connects started per second at most; 0 = no cap
  bool banner = false;   // read what an open port sends first
  std::string probe;     // bytes sent before reading a banner
  std::chrono::milliseconds banner_timeout{1000};
  std::size_t banner_max = 256;
};

struct PortResult {
  Endpoint endpoint;
  ProbeResult probe;
};

struct ScanSummary {
  std::size_t open = 0, closed = 0, filtered = 0;
  std::chrono::nanoseconds elapsed{};
  unsigned concurrency = 0;  // what was used after capping to the descriptor limit
};

class Scanner {
 public:
  explicit Scanner(ScanOptions options) : options_(std::move(options)) {}
  // run(addresses, ports, on_result): every address x port, on_result as each is decided (in
  // completion order, from the calling thread).
  [[nodiscard]] Result<ScanSummary> run(const std::vector<IpAddress>& addresses,
                                        const PortList& ports,
                                        const std::function<void(const PortResult&)>& on_result);

 private:
  ScanOptions options_;
};

// default_concurrency(): raises the soft RLIMIT_NOFILE to the hard limit, then
// min(1000, limit - 64). cap_concurrency(n) caps an asked-for n the same way.
[[nodiscard]] unsigned default_concurrency();
[[nodiscard]] unsigned cap_concurrency(unsigned wanted);

// One target of a scan, resolved: its addresses and the ports to probe on each.
struct ScanJob {
  Target target;
  std::vector<IpAddress> addresses;  // a name: its first address (IPv4 first), as nmap does
  PortList ports;                    // "host:port": that port only, whatever was asked
};

// plan_scan(targets, ports, families, force): every target parsed and resolved before anything
// is scanned, so that a typo fails fast. A block of more than 65,536 addresses is
// net.too_many unless force (then up to 2^24). Errors name the target text.
[[nodiscard]] Result<std::vector<ScanJob>> plan_scan(const std::vector<std::string>& targets,
                                                     const PortList& ports,
                                                     FamilyPreference families, bool force);

// parse_probe("GET / HTTP/1.0\r\n\r\n"): C escapes \r \n \t \0 \\ \xNN; net.bad_probe with
// the column of a bad escape.
[[nodiscard]] Result<std::string> parse_probe(std::string_view escaped);

// escape_banner(bytes): printable ASCII as is, everything else as \xNN (\\ for a backslash).
[[nodiscard]] std::string escape_banner(std::string_view bytes);

}  // namespace kit::net
