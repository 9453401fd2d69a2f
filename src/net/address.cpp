// Addresses, endpoints, targets and port lists: literals through inet_pton/inet_ntop, zones
// through if_nametoindex, names through getaddrinfo, port lists into a bitmap (no sort needed).
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <bitset>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>

#include <fmt/core.h>

#include "kit/net/address.hpp"

namespace kit::net {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// digits_value("123"): the value, saturated at 2^32 - 1 (callers only compare it to a bound).
std::uint64_t digits_value(std::string_view s) {
  std::uint64_t v = 0;
  for (char c : s) {
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > std::numeric_limits<std::uint32_t>::max())
      return std::numeric_limits<std::uint32_t>::max();
  }
  return v;
}

tl::unexpected<Error> bad_address(std::string_view text, std::string_view what) {
  return fail(ErrorKind::invalid_argument, "net.bad_address",
              fmt::format("'{}' is not an IP address: {}", text, what));
}

tl::unexpected<Error> bad_target(std::string_view text, std::size_t column, std::string_view what) {
  return fail_at(ErrorKind::invalid_argument, "net.bad_target",
                 fmt::format("target: {}: {} (column {})", text, what, column),
                 TextPosition{1, column});
}

}  // namespace

// ---- IpAddress ---------------------------------------------------------------------------

Result<IpAddress> IpAddress::parse(std::string_view text) {
  IpAddress a;
  std::string_view zone;
  std::string_view literal = text;
  if (auto percent = text.find('%'); percent != std::string_view::npos) {
    literal = text.substr(0, percent);
    zone = text.substr(percent + 1);
    if (zone.empty()) return bad_address(text, "empty zone after '%'");
  }
  if (literal.empty()) return bad_address(text, "empty");
  if (literal.size() > INET6_ADDRSTRLEN) return bad_address(text, "too long");
  std::string buf(literal);
  if (buf.find(':') == std::string::npos) {
    if (!zone.empty()) return bad_address(text, "only an IPv6 address has a zone");
    if (inet_pton(AF_INET, buf.c_str(), a.bytes.data()) != 1)
      return bad_address(text, "not a dotted IPv4 address");
    a.family = Family::v4;
    return a;
  }
  if (inet_pton(AF_INET6, buf.c_str(), a.bytes.data()) != 1)
    return bad_address(text, "not an IPv6 address");
  a.family = Family::v6;
  if (!zone.empty()) {
    if (all_digits(zone)) {
      std::uint64_t index = digits_value(zone);
      if (index == 0 || index > std::numeric_limits<std::uint32_t>::max() - 1)
        return bad_address(text, "zone index out of range");
      a.scope_id = static_cast<std::uint32_t>(index);
    } else {
      std::string name(zone);
      unsigned index = if_nametoindex(name.c_str());
      if (index == 0) return bad_address(text, fmt::format("no interface named '{}'", zone));
      a.scope_id = index;
    }
  }
  return a;
}

IpAddress IpAddress::v4(std::uint32_t host_order) {
  IpAddress a;
  a.family = Family::v4;
  a.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
  a.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
  a.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
  a.bytes[3] = static_cast<std::uint8_t>(host_order);
  return a;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2] = {};
  if (family == Family::v4) {
    inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
    return buf;
  }
  inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  std::string out = buf;
  if (scope_id != 0) {
    char name[IF_NAMESIZE + 1] = {};
    if (if_indextoname(scope_id, name) != nullptr)
      out += fmt::format("%{}", name);
    else
      out += fmt::format("%{}", scope_id);
  }
  return out;
}

bool IpAddress::is_loopback() const {
  if (family == Family::v4) return bytes[0] == 127;
  static constexpr std::array<std::uint8_t, 16> loopback6{0, 0, 0, 0, 0, 0, 0, 0,
                                                          0, 0, 0, 0, 0, 0, 0, 1};
  if (bytes == loopback6) return true;
  // ::ffff:127.x.y.z, an IPv4 loopback address seen through an IPv6 socket
  static constexpr std::array<std::uint8_t, 12> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::equal(mapped.begin(), mapped.end(), bytes.begin()) && bytes[12] == 127;
}

std::string Endpoint::to_string() const {
  if (address.family == Family::v6) return fmt::format("[{}]:{}", address.to_string(), port);
  return fmt::format("{}:{}", address.to_string(), port);
}

// ---- Targets -----------------------------------------------------------------------------

namespace {

// A host name as getaddrinfo takes it: letters, digits, '-', '_', '.'. Returns the 0-based
// index of the first other character, or npos.
std::size_t bad_name_char(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return i;
  }
  return std::string_view::npos;
}

// parse_port_at(text, digits, offset): a port 1-65535 of a target, `offset` its 0-based index.
Result<std::uint16_t> parse_target_port(std::string_view text, std::string_view digits,
                                        std::size_t offset) {
  if (digits.empty()) return bad_target(text, offset + 1, "missing port after ':'");
  for (std::size_t i = 0; i < digits.size(); ++i)
    if (!is_digit(digits[i]))
      return bad_target(text, offset + i + 1, fmt::format("port '{}' is not a number", digits));
  std::uint64_t v = digits_value(digits);
  if (v < 1 || v > 65535)
    return bad_target(text, offset + 1, fmt::format("port {} is out of range 1-65535", digits));
  return static_cast<std::uint16_t>(v);
}

}  // namespace

Result<Target> parse_target(std::string_view text) {
  Target t;
  t.text = std::string(text);
  if (text.empty()) return bad_target(text, 1, "empty target");

  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return bad_target(text, 1, "'[' without a closing ']'");
    std::string_view inside = text.substr(1, close - 1);
    if (inside.empty()) return bad_target(text, 2, "empty address between '[' and ']'");
    auto addr = IpAddress::parse(inside);
    if (!addr || addr->family != Family::v6)
      return bad_target(text, 2, fmt::format("'{}' is not an IPv6 address", inside));
    t.host = std::string(inside);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty()) return t;
    if (rest.front() != ':') return bad_target(text, close + 2, "expected ':port' after ']'");
    auto port = parse_target_port(text, rest.substr(1), close + 2);
    if (!port) return tl::unexpected(port.error());
    t.port = *port;
    return t;
  }

  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    std::string_view host = text.substr(0, slash);
    std::string_view bits = text.substr(slash + 1);
    if (host.empty()) return bad_target(text, 1, "missing address before '/'");
    auto addr = IpAddress::parse(host);
    if (!addr)
      return bad_target(text, 1,
                        fmt::format("'{}' is not an IP address (a block needs one)", host));
    if (bits.empty()) return bad_target(text, slash + 2, "missing prefix length after '/'");
    for (std::size_t i = 0; i < bits.size(); ++i)
      if (!is_digit(bits[i]))
        return bad_target(text, slash + 2 + i,
                          fmt::format("prefix length '{}' is not a number", bits));
    unsigned max_bits = addr->family == Family::v4 ? 32 : 128;
    std::uint64_t prefix = digits_value(bits);
    if (prefix > max_bits)
      return bad_target(text, slash + 2,
                        fmt::format("prefix length {} is more than {}", bits, max_bits));
    t.host = std::string(host);
    t.prefix = static_cast<unsigned>(prefix);
    return t;
  }

  auto colons = std::count(text.begin(), text.end(), ':');
  if (colons >= 2) {
    // A bare IPv6 literal ("::1", "fe80::1%lo"); a port needs brackets.
    auto addr = IpAddress::parse(text);
    if (!addr)
      return bad_target(
          text, 1, fmt::format("'{}' is not an IPv6 address (write [addr]:port for a port)", text));
    t.host = std::string(text);
    return t;
  }

  std::string_view host = text;
  if (colons == 1) {
    auto colon = text.find(':');
    host = text.substr(0, colon);
    auto port = parse_target_port(text, text.substr(colon + 1), colon + 1);
    if (!port) return tl::unexpected(port.error());
    t.port = *port;
  }
  if (host.empty()) return bad_target(text, 1, "missing host before ':'");
  if (auto bad = bad_name_char(host); bad != std::string_view::npos)
    return bad_target(text, bad + 1, fmt::format("'{}' is not a host name or address", host));
  if (host.size() > 253) return bad_target(text, 254, "host name longer than 253 characters");
  t.host = std::string(host);
  return t;
}

std::uint64_t Target::address_count() const {
  if (!prefix) return 1;
  unsigned bits = host.find(':') != std::string::npos ? 128 : 32;
  unsigned host_bits = bits - std::min(*prefix, bits);
  if (host_bits >= 64) return std::numeric_limits<std::uint64_t>::max();
  return std::uint64_t{1} << host_bits;
}

namespace {

bool family_allowed(Family f, FamilyPreference p) {
  return p == FamilyPreference::any || (p == FamilyPreference::v4 && f == Family::v4) ||
         (p == FamilyPreference::v6 && f == Family::v6);
}

tl::unexpected<Error> wrong_family(const Target& target, FamilyPreference p) {
  return fail(ErrorKind::invalid_argument, "net.resolve",
              fmt::format("{} is not an {} address", target.host,
                          p == FamilyPreference::v4 ? "IPv4" : "IPv6"));
}

}  // namespace

Result<std::vector<IpAddress>> resolve(const Target& target, FamilyPreference families,
                                       std::uint64_t limit) {
  if (target.prefix) {
    auto base = IpAddress::parse(target.host);
    if (!base) return tl::unexpected(base.error());
    if (!family_allowed(base->family, families)) return wrong_family(target, families);
    std::uint64_t count = target.address_count();
    if (count > limit)
      return fail(ErrorKind::invalid_argument, "net.too_many",
                  fmt::format("{} holds {} addresses, more than {}", target.text,
                              count == std::numeric_limits<std::uint64_t>::max()
                                  ? std::string("2^64 or more")
                                  : std::to_string(count),
                              limit));
    // The network address: the host bits cleared.
    IpAddress net = *base;
    unsigned total = net.family == Family::v4 ? 32 : 128;
    unsigned prefix = std::min(*target.prefix, total);
    for (unsigned i = 0; i < total / 8; ++i) {
      unsigned keep = prefix > i * 8 ? std::min(8u, prefix - i * 8) : 0;
      auto mask = static_cast<std::uint8_t>(keep == 0 ? 0 : (0xff00u >> keep) & 0xff);
      net.bytes[i] &= mask;
    }
    std::vector<IpAddress> out;
    out.reserve(static_cast<std::size_t>(count));
    IpAddress cur = net;
    for (std::uint64_t n = 0; n < count; ++n) {
      out.push_back(cur);
      for (int i = static_cast<int>(total / 8) - 1; i >= 0; --i)
        if (++cur.bytes[static_cast<std::size_t>(i)] != 0) break;
    }
    return out;  // ascending already, and distinct
  }

  if (auto literal = IpAddress::parse(target.host)) {
    if (!family_allowed(literal->family, families)) return wrong_family(target, families);
    return std::vector<IpAddress>{*literal};
  }

  addrinfo hints{};
  hints.ai_family = families == FamilyPreference::v4   ? AF_INET
                    : families == FamilyPreference::v6 ? AF_INET6
                                                       : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address, not one per socket type
  addrinfo* found = nullptr;
  int rc = getaddrinfo(target.host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    std::string why = rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
    return fail(ErrorKind::not_found, "net.resolve",
                fmt::format("cannot resolve '{}': {}", target.host, why));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  std::vector<IpAddress> out;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    IpAddress a;
    if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sockaddr_in)) {
      sockaddr_in sin{};
      std::memcpy(&sin, ai->ai_addr, sizeof sin);
      a.family = Family::v4;
      std::memcpy(a.bytes.data(), &sin.sin_addr, 4);
    } else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sockaddr_in6)) {
      sockaddr_in6 sin6{};
      std::memcpy(&sin6, ai->ai_addr, sizeof sin6);
      a.family = Family::v6;
      std::memcpy(a.bytes.data(), &sin6.sin6_addr, 16);
      a.scope_id = sin6.sin6_scope_id;
    } else {
      continue;
    }
    if (family_allowed(a.family, families)) out.push_back(a);
  }
  if (out.empty())
    return fail(
        ErrorKind::not_found, "net.resolve",
        fmt::format("cannot resolve '{}': no address of the requested family", target.host));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > limit)
    return fail(ErrorKind::invalid_argument, "net.too_many",
                fmt::format("{} has {} addresses, more than {}", target.host, out.size(), limit));
  return out;
}

// ---- Port lists --------------------------------------------------------------------------

namespace {

tl::unexpected<Error> bad_ports(std::string_view offending, std::size_t column,
                                std::string_view what) {
  return fail_at(ErrorKind::invalid_argument, "net.bad_ports",
                 fmt::format("ports: {}: {} (column {})", offending, what, column),
                 TextPosition{1, column});
}

// One end of a range: digits, 1-65535. `column` is 1-based.
Result<std::uint32_t> port_number(std::string_view digits, std::size_t column) {
  for (char c : digits)
    if (!is_digit(c)) return bad_ports(digits, column, "not a port number or range");
  std::uint64_t v = digits_value(digits);
  if (v < 1 || v > 65535) return bad_ports(digits, column, "port out of range 1-65535");
  return static_cast<std::uint32_t>(v);
}

}  // namespace

Result<PortList> parse_ports(std::string_view spec) {
  if (spec.empty()) return bad_ports("''", 1, "empty port list");
  auto seen = std::make_unique<std::bitset<65536>>();
  std::size_t start = 0;
  while (true) {
    std::size_t comma = spec.find(',', start);
    std::size_t end = comma == std::string_view::npos ? spec.size() : comma;
    std::string_view item = spec.substr(start, end - start);
    std::size_t column = start + 1;
    if (item.empty()) return bad_ports("''", column, "empty item in the port list");
    std::uint32_t lo = 1;
    std::uint32_t hi = 65535;
    auto dash = item.find('-');
    if (dash == std::string_view::npos) {
      auto p = port_number(item, column);
      if (!p) return tl::unexpected(p.error());
      lo = hi = *p;
    } else {
      std::string_view left = item.substr(0, dash);
      std::string_view right = item.substr(dash + 1);
      if (!left.empty()) {
        auto p = port_number(left, column);
        if (!p) return tl::unexpected(p.error());
        lo = *p;
      }
      if (!right.empty()) {
        auto p = port_number(right, column + dash + 1);
        if (!p) return tl::unexpected(p.error());
        hi = *p;
      }
      if (lo > hi) return bad_ports(item, column, "range ends before it starts");
    }
    for (std::uint32_t p = lo; p <= hi; ++p) seen->set(p);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  PortList out;
  out.reserve(seen->count());
  for (std::uint32_t p = 1; p <= 65535; ++p)
    if (seen->test(p)) out.push_back(static_cast<std::uint16_t>(p));
  return out;
}

std::string describe_ports(const PortList& ports) {
  std::string out;
  std::size_t i = 0;
  while (i < ports.size()) {
    std::size_t j = i;
    while (j + 1 < ports.size() && ports[j + 1] == ports[j] + 1) ++j;
    if (!out.empty()) out += ',';
    if (j == i)
      out += std::to_string(ports[i]);
    else
      out += fmt::format("{}-{}", ports[i], ports[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace kit::net
