// Fuzz target: kit::net::parse_ports (`kit scan -p`). Never crashes; a list that parses is
// sorted, distinct, within 1-65535, and survives describe_ports and a second parse; an error
// is net.bad_ports with a column inside the input (or just past it).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kit/net/address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace net = kit::net;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto ports = net::parse_ports(input);
  if (!ports) {
    const kit::Error& e = ports.error();
    if (e.code != "net.bad_ports" || !e.position) std::abort();
    if (e.position->column < 1 || e.position->column > size + 1) std::abort();
    if (e.message.find("(column " + std::to_string(e.position->column) + ")") == std::string::npos)
      std::abort();
    return 0;
  }
  if (ports->empty()) std::abort();
  for (std::size_t i = 0; i < ports->size(); ++i) {
    if ((*ports)[i] == 0) std::abort();
    if (i > 0 && (*ports)[i - 1] >= (*ports)[i]) std::abort();
  }
  auto again = net::parse_ports(net::describe_ports(*ports));
  if (!again || *again != *ports) std::abort();
  return 0;
}
