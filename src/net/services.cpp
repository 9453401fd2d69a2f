// service_name: /etc/services read the way glibc's "files" backend of getservbyport reads it
// (the first entry for the port and protocol wins), parsed once into a table; a built-in table
// of well-known TCP ports when the file is missing (a container without netbase).
#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <utility>

#include "kit/net/address.hpp"

namespace kit::net {
namespace {

struct ServiceTable {
  std::map<std::pair<std::string, std::uint16_t>, std::string> by_protocol;
  std::array<std::string, 65536> any;  // the first name for the port, whatever the protocol
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// One line: "name port/proto [aliases...] [# comment]".
void parse_line(std::string_view line, ServiceTable& table) {
  if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
  auto next_field = [&line]() {
    std::size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    std::size_t j = i;
    while (j < line.size() && !is_space(line[j])) ++j;
    std::string_view field = line.substr(i, j - i);
    line = line.substr(j);
    return field;
  };
  std::string_view name = next_field();
  std::string_view port_proto = next_field();
  if (name.empty() || port_proto.empty()) return;
  auto slash = port_proto.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == port_proto.size()) return;
  std::uint32_t port = 0;
  for (char c : port_proto.substr(0, slash)) {
    if (c < '0' || c > '9') return;
    port = port * 10 + static_cast<unsigned>(c - '0');
    if (port > 65535) return;
  }
  std::string proto(port_proto.substr(slash + 1));
  auto p = static_cast<std::uint16_t>(port);
  table.by_protocol.emplace(std::make_pair(std::move(proto), p), std::string(name));
  if (table.any[p].empty()) table.any[p] = std::string(name);
}

std::unique_ptr<ServiceTable> parse_services(std::string_view text) {
  auto table = std::make_unique<ServiceTable>();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    parse_line(text.substr(start, end - start), *table);
    start = end + 1;
  }
  return table;
}

std::string lookup(const ServiceTable& table, std::uint16_t port, std::string_view protocol) {
  if (protocol.empty()) return table.any[port];
  auto it = table.by_protocol.find(std::make_pair(std::string(protocol), port));
  return it == table.by_protocol.end() ? std::string() : it->second;
}

// Well-known ports and their names in netbase's /etc/services (TCP), for systems without it.
struct Known {
  std::uint16_t port;
  const char* name;
};
constexpr Known kBuiltin[] = {
    {7, "echo"},
    {9, "discard"},
    {13, "daytime"},
    {20, "ftp-data"},
    {21, "ftp"},
    {22, "ssh"},
    {23, "telnet"},
    {25, "smtp"},
    {37, "time"},
    {43, "whois"},
    {49, "tacacs"},
    {53, "domain"},
    {70, "gopher"},
    {79, "finger"},
    {80, "http"},
    {88, "kerberos"},
    {110, "pop3"},
    {111, "sunrpc"},
    {113, "auth"},
    {119, "nntp"},
    {135, "epmap"},
    {139, "netbios-ssn"},
    {143, "imap2"},
    {161, "snmp"},
    {162, "snmp-trap"},
    {179, "bgp"},
    {389, "ldap"},
    {443, "https"},
    {445, "microsoft-ds"},
    {464, "kpasswd"},
    {465, "submissions"},
    {512, "exec"},
    {513, "login"},
    {514, "shell"},
    {515, "printer"},
    {554, "rtsp"},
    {587, "submission"},
    {631, "ipp"},
    {636, "ldaps"},
    {873, "rsync"},
    {989, "ftps-data"},
    {990, "ftps"},
    {993, "imaps"},
    {995, "pop3s"},
    {1080, "socks"},
    {1194, "openvpn"},
    {1433, "ms-sql-s"},
    {1812, "radius"},
    {1813, "radius-acct"},
    {2049, "nfs"},
    {3260, "iscsi-target"},
    {3306, "mysql"},
    {3389, "ms-wbt-server"},
    {3690, "svn"},
    {4369, "epmd"},
    {5060, "sip"},
    {5061, "sip-tls"},
    {5222, "xmpp-client"},
    {5269, "xmpp-server"},
    {5432, "postgresql"},
    {5672, "amqp"},
    {6000, "x11"},
    {6379, "redis"},
    {6667, "ircd"},
    {8080, "http-alt"},
    {9418, "git"},
};

const ServiceTable* system_table() {
  static std::once_flag once;
  static std::unique_ptr<ServiceTable> table;
  std::call_once(once, [] {
    std::ifstream in("/etc/services", std::ios::binary);
    if (!in) return;  // no file: the built-in table answers
    std::ostringstream text;
    text << in.rdbuf();
    table = parse_services(text.str());
  });
  return table.get();
}

}  // namespace

namespace detail {

std::string service_name_in(std::string_view services_text, std::uint16_t port,
                            std::string_view protocol) {
  return lookup(*parse_services(services_text), port, protocol);
}

std::string builtin_service_name(std::uint16_t port) {
  const auto* it = std::lower_bound(std::begin(kBuiltin), std::end(kBuiltin), port,
                                    [](const Known& k, std::uint16_t p) { return k.port < p; });
  return it != std::end(kBuiltin) && it->port == port ? it->name : "";
}

}  // namespace detail

std::string service_name(std::uint16_t port, std::string_view protocol) {
  if (const ServiceTable* table = system_table()) return lookup(*table, port, protocol);
  if (protocol.empty() || protocol == "tcp" || protocol == "udp")
    return detail::builtin_service_name(port);
  return "";
}

}  // namespace kit::net
