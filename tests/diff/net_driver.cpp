// Drives kit::net's parsers and service table for tests/diff/services_vs_python.py (kit has no
// command that prints service_name). One request per argument list:
//
//   net_driver services FIRST LAST PROTO   -> "PORT NAME" per port, "PORT" alone when unknown
//                                             (PROTO "any": no protocol, as getservbyport(p))
//   net_driver ports SPEC                  -> the ports, one line, space-separated, or
//                                             "error CODE COLUMN MESSAGE"
//   net_driver target TEXT                 -> "host HOST port PORT prefix PREFIX count N" or
//                                             "error CODE COLUMN MESSAGE"
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kit/net/address.hpp"

namespace {

void print_error(const kit::Error& e) {
  std::printf("error %s %zu %s\n", e.code.c_str(), e.position ? e.position->column : 0,
              e.message.c_str());
}

int usage() {
  std::fputs("usage: net_driver services FIRST LAST PROTO | ports SPEC | target TEXT\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string_view what = argv[1];
  if (what == "services" && argc == 5) {
    long first = std::strtol(argv[2], nullptr, 10);
    long last = std::strtol(argv[3], nullptr, 10);
    std::string_view proto = argv[4];
    if (proto == "any") proto = "";
    if (first < 0 || last > 65535 || first > last) return usage();
    std::string out;
    for (long p = first; p <= last; ++p) {
      out += std::to_string(p);
      std::string name = kit::net::service_name(static_cast<std::uint16_t>(p), proto);
      if (!name.empty()) out += ' ' + name;
      out += '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  if (what == "ports" && argc == 3) {
    auto ports = kit::net::parse_ports(argv[2]);
    if (!ports) {
      print_error(ports.error());
      return 0;
    }
    std::string out;
    for (auto p : *ports) out += (out.empty() ? "" : " ") + std::to_string(p);
    std::printf("%s\n", out.c_str());
    return 0;
  }
  if (what == "target" && argc == 3) {
    auto t = kit::net::parse_target(argv[2]);
    if (!t) {
      print_error(t.error());
      return 0;
    }
    std::printf("host %s port %s prefix %s count %llu\n", t->host.c_str(),
                t->port ? std::to_string(*t->port).c_str() : "-",
                t->prefix ? std::to_string(*t->prefix).c_str() : "-",
                static_cast<unsigned long long>(t->address_count()));
    return 0;
  }
  return usage();
}
