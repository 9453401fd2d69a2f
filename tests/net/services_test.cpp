// kit::net::service_name: /etc/services as getservbyport reads it, and the built-in table.
#include <gtest/gtest.h>

#include <unistd.h>

#include "kit/net/address.hpp"

namespace net = kit::net;

TEST(Services, WellKnown) {  // from /etc/services, or the built-in table without it
  EXPECT_EQ(net::service_name(22), "ssh");
  EXPECT_EQ(net::service_name(80), "http");
  EXPECT_EQ(net::service_name(443, "tcp"), "https");
  EXPECT_EQ(net::service_name(53, "udp"), "domain");
  EXPECT_EQ(net::service_name(1), "tcpmux");
  EXPECT_EQ(net::service_name(0), "");
  EXPECT_EQ(net::service_name(65535), "");
  EXPECT_EQ(net::service_name(22, "sctp-nonsense"), "");
}

TEST(Services, FirstEntryWinsAndCommentsAreIgnored) {
  const char* text =
      "# comment\n"
      "alpha\t\t100/tcp  a1 a2   # first\n"
      "beta 100/tcp\n"
      "gamma 100/udp\n"
      "delta 200/udp\n"
      "epsilon 200/tcp\n"
      "broken 99999/tcp\n"
      "noproto 300/\n"
      "noslash 301\n"
      "   # indented comment\n"
      "zeta 400/tcp\r\n"
      "last 500/tcp";
  EXPECT_EQ(net::detail::service_name_in(text, 100, "tcp"), "alpha");
  EXPECT_EQ(net::detail::service_name_in(text, 100, "udp"), "gamma");
  EXPECT_EQ(net::detail::service_name_in(text, 200, "tcp"), "epsilon");
  EXPECT_EQ(net::detail::service_name_in(text, 200, ""), "delta");  // any protocol: the first
  EXPECT_EQ(net::detail::service_name_in(text, 300, "tcp"), "");
  EXPECT_EQ(net::detail::service_name_in(text, 301, "tcp"), "");
  EXPECT_EQ(net::detail::service_name_in(text, 400, "tcp"), "zeta");
  EXPECT_EQ(net::detail::service_name_in(text, 500, "tcp"), "last");
  EXPECT_EQ(net::detail::service_name_in(text, 34463, "tcp"), "");  // 99999 mod 65536: ignored
}

TEST(Services, BuiltinTable) {
  EXPECT_EQ(net::detail::builtin_service_name(22), "ssh");
  EXPECT_EQ(net::detail::builtin_service_name(80), "http");
  EXPECT_EQ(net::detail::builtin_service_name(9418), "git");
  EXPECT_EQ(net::detail::builtin_service_name(1), "");
  EXPECT_EQ(net::detail::builtin_service_name(65535), "");
}

TEST(Services, BuiltinAgreesWithTheSystemFile) {
  // /etc/services comes with netbase, which scripts/install-deps.sh installs.
  ASSERT_EQ(access("/etc/services", R_OK), 0) << "no /etc/services (install netbase)";
  for (unsigned p = 1; p <= 65535; ++p) {
    auto builtin = net::detail::builtin_service_name(static_cast<std::uint16_t>(p));
    if (!builtin.empty()) {
      EXPECT_EQ(builtin, net::service_name(static_cast<std::uint16_t>(p))) << p;
    }
  }
}
