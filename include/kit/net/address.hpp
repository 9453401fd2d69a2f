// kit/net/address.hpp — IP addresses, endpoints, targets (host, host:port, [v6]:port, CIDR)
// and port lists ("22,80,8000-8100", "-" for all).
//
// Example:
//   auto t = kit::net::parse_target("[::1]:8080");      // host "::1", port 8080
//   auto block = kit::net::parse_target("10.0.0.0/30"); // a network of 4 addresses
//   auto ports = kit::net::parse_ports("80,22,20-23");   // {20, 21, 22, 23, 80}
//   // a bad list names its column: "ports: 5-3: range ends before it starts (column 1)"
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::net {

enum class Family : std::uint8_t { v4, v6 };

// An IPv4 or IPv6 address; a link-local IPv6 address keeps its zone (scope id).
struct IpAddress {
  Family family = Family::v4;
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  std::uint32_t scope_id = 0;            // IPv6 zone (interface index), 0 for none

  // parse("127.0.0.1"), parse("::1"), parse("fe80::1%lo"): literals only, no name lookup.
  [[nodiscard]] static Result<IpAddress> parse(std::string_view text);
  static IpAddress v4(std::uint32_t host_order);
  // to_string(): "127.0.0.1", "::1" (RFC 5952 form), "fe80::1%lo" (zone by interface name).
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] bool is_loopback() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

struct Endpoint {
  IpAddress address;
  std::uint16_t port = 0;
  // to_string(): "127.0.0.1:80", "[::1]:80".
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

// A target as a user writes it: a name or address literal with an optional port, or a CIDR
// block ("10.0.0.0/24", "::1/128"). Brackets are required around an IPv6 literal with a port.
struct Target {
  std::string text;                   // as given
  std::string host;                   // name or literal, without brackets, port or prefix
  std::optional<std::uint16_t> port;  // "host:port"
  std::optional<unsigned> prefix;     // "addr/prefix"
  // address_count(): how many addresses the block holds (1 for a host), saturating.
  [[nodiscard]] std::uint64_t address_count() const;
};

// parse_target(text): errors (net.bad_target) carry the column of the offending character.
[[nodiscard]] Result<Target> parse_target(std::string_view text);

// Which address families a lookup may return.
enum class FamilyPreference : std::uint8_t { any, v4, v6 };

// resolve(target): the addresses a target names, sorted and unique: a CIDR block's (at most
// `limit`, else net.too_many), a literal, or a name's (getaddrinfo; net.resolve when none).
[[nodiscard]] Result<std::vector<IpAddress>> resolve(
    const Target& target, FamilyPreference families = FamilyPreference::any,
    std::uint64_t limit = 65536);

// A sorted list of distinct ports.
using PortList = std::vector<std::uint16_t>;

// parse_ports("22,80,8000-8100"), parse_ports("-") = 1-65535, "-100" = 1-100, "60000-" = to
// 65535. Port 0, past 65535, "5-3" and non-digits are net.bad_ports errors whose message and
// position give the 1-based column of the offending text.
[[nodiscard]] Result<PortList> parse_ports(std::string_view spec);

// describe_ports({20,21,22,80}): "20-22,80" (what scan prints as "ports A-B").
[[nodiscard]] std::string describe_ports(const PortList& ports);

// service_name(22) == "ssh": /etc/services as getservbyport(port, protocol) reads it (first
// name listed for the port), else a built-in table of well-known ports; "" when unknown. An
// empty protocol matches any (Python's getservbyport(port) without one, as the seed calls it).
[[nodiscard]] std::string service_name(std::uint16_t port, std::string_view protocol = "tcp");

namespace detail {
// What service_name uses, exposed for tests: the lookup over a services file's text, and the
// built-in table used when /etc/services is missing.
[[nodiscard]] std::string service_name_in(std::string_view services_text, std::uint16_t port,
                                          std::string_view protocol);
[[nodiscard]] std::string builtin_service_name(std::uint16_t port);
}  // namespace detail

}  // namespace kit::net
