// Fuzz target: kit::net::parse_target and IpAddress::parse (`kit scan TARGET`, `kit check
// HOST:PORT`). Never crashes; an error is net.bad_target with a column inside the input; a
// CIDR block's address_count agrees with its prefix and, when small, with what resolve lists;
// an address literal prints back to itself. No name is ever resolved here (no DNS).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "kit/net/address.hpp"

namespace {

void check_literal(std::string_view text) {
  namespace net = kit::net;
  auto a = net::IpAddress::parse(text);
  if (!a) return;
  auto back = net::IpAddress::parse(a->to_string());
  if (!back || *back != *a) std::abort();
  if (a->family == net::Family::v4 && a->scope_id != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace net = kit::net;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_literal(input);
  auto t = net::parse_target(input);
  if (!t) {
    const kit::Error& e = t.error();
    if (e.code != "net.bad_target" || !e.position) std::abort();
    if (e.position->column < 1 || e.position->column > size + 1) std::abort();
    return 0;
  }
  if (t->text != input || t->host.empty()) std::abort();
  if (t->port && *t->port == 0) std::abort();
  const std::uint64_t count = t->address_count();
  if (count == 0) std::abort();
  if (!t->prefix) {
    if (count != 1) std::abort();
    // A literal resolves to itself without a lookup; a name is left alone (no DNS).
    if (auto literal = net::IpAddress::parse(t->host)) {
      auto r = net::resolve(*t);
      if (!r || r->size() != 1 || r->front() != *literal) std::abort();
    }
    return 0;
  }
  auto base = net::IpAddress::parse(t->host);
  if (!base) std::abort();  // a block always has an address
  const unsigned bits = base->family == net::Family::v4 ? 32 : 128;
  if (*t->prefix > bits) std::abort();
  const unsigned host_bits = bits - *t->prefix;
  const std::uint64_t want =
      host_bits >= 64 ? std::numeric_limits<std::uint64_t>::max() : std::uint64_t{1} << host_bits;
  if (count != want) std::abort();
  auto r = net::resolve(*t, net::FamilyPreference::any, 4096);
  if (count > 4096) {
    if (r || r.error().code != "net.too_many") std::abort();
    return 0;
  }
  if (!r || r->size() != count) std::abort();
  if (!std::is_sorted(r->begin(), r->end())) std::abort();
  if (std::adjacent_find(r->begin(), r->end()) != r->end()) std::abort();
  for (const auto& a : *r)
    if (a.family != base->family) std::abort();
  return 0;
}
