// kit::net addresses, endpoints, targets and resolve.
#include <gtest/gtest.h>

#include "kit/net/address.hpp"

namespace net = kit::net;

TEST(IpAddress, ParsesAndPrintsLiterals) {
  auto a = net::IpAddress::parse("127.0.0.1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, net::Family::v4);
  EXPECT_EQ(a->to_string(), "127.0.0.1");
  EXPECT_TRUE(a->is_loopback());
  EXPECT_EQ(*a, net::IpAddress::v4(0x7f000001));

  auto b = net::IpAddress::parse("0:0:0:0:0:0:0:1");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->family, net::Family::v6);
  EXPECT_EQ(b->to_string(), "::1");
  EXPECT_TRUE(b->is_loopback());

  auto c = net::IpAddress::parse("2001:DB8:0:0:1:0:0:1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to_string(), "2001:db8::1:0:0:1");  // RFC 5952: first longest run, lower case
  EXPECT_FALSE(c->is_loopback());
  EXPECT_FALSE(net::IpAddress::parse("10.1.2.3")->is_loopback());
  EXPECT_TRUE(net::IpAddress::parse("::ffff:127.0.0.2")->is_loopback());
}

TEST(IpAddress, Zones) {
  auto a = net::IpAddress::parse("fe80::1%lo");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_NE(a->scope_id, 0u);
  EXPECT_EQ(a->to_string(), "fe80::1%lo");
  auto b = net::IpAddress::parse("fe80::1%1");  // numeric zone: lo is index 1 on Linux
  ASSERT_TRUE(b);
  EXPECT_EQ(b->scope_id, 1u);
  auto c = net::IpAddress::parse("fe80::1%4000000");  // no such interface: printed numerically
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to_string(), "fe80::1%4000000");
  EXPECT_FALSE(net::IpAddress::parse("fe80::1%nosuchif0"));
  EXPECT_FALSE(net::IpAddress::parse("fe80::1%"));
  EXPECT_FALSE(net::IpAddress::parse("127.0.0.1%lo"));
}

TEST(IpAddress, RejectsNonLiterals) {
  for (const char* bad : {"", "localhost", "1.2.3", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", ":::1",
                          "[::1]", "1::2::3"}) {
    auto r = net::IpAddress::parse(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, "net.bad_address");
    }
  }
}

TEST(IpAddress, OrdersV4BeforeV6) {
  auto a = *net::IpAddress::parse("127.0.0.2");
  auto b = *net::IpAddress::parse("127.0.0.10");
  auto c = *net::IpAddress::parse("::1");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST(Endpoint, ToString) {
  EXPECT_EQ((net::Endpoint{net::IpAddress::v4(0x7f000001), 80}).to_string(), "127.0.0.1:80");
  EXPECT_EQ((net::Endpoint{*net::IpAddress::parse("::1"), 80}).to_string(), "[::1]:80");
  EXPECT_EQ((net::Endpoint{*net::IpAddress::parse("fe80::1%lo"), 22}).to_string(),
            "[fe80::1%lo]:22");
}

TEST(Target, Forms) {
  auto t = net::parse_target("example.com");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "example.com");
  EXPECT_FALSE(t->port);
  EXPECT_FALSE(t->prefix);
  EXPECT_EQ(t->address_count(), 1u);

  t = net::parse_target("127.0.0.1:8080");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 8080);

  t = net::parse_target("[::1]:65432");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, 65432);

  t = net::parse_target("[fe80::1%lo]");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "fe80::1%lo");
  EXPECT_FALSE(t->port);

  t = net::parse_target("::1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "::1");
  EXPECT_FALSE(t->port);

  t = net::parse_target("fe80::1%lo");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "fe80::1%lo");

  t = net::parse_target("10.0.0.0/24");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "10.0.0.0");
  EXPECT_EQ(t->prefix, 24u);
  EXPECT_EQ(t->address_count(), 256u);
  EXPECT_EQ(t->text, "10.0.0.0/24");

  t = net::parse_target("::1/128");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->address_count(), 1u);
  EXPECT_EQ(net::parse_target("::/64")->address_count(), UINT64_MAX);
  EXPECT_EQ(net::parse_target("::/65")->address_count(), std::uint64_t{1} << 63);
  EXPECT_EQ(net::parse_target("0.0.0.0/0")->address_count(), std::uint64_t{1} << 32);
}

TEST(Target, ErrorsCarryTheColumn) {
  struct Case {
    const char* text;
    std::size_t column;
  };
  for (Case c :
       {Case{"", 1}, Case{"[::1", 1}, Case{"[::1]x", 6}, Case{"[::1]:", 7}, Case{"[::1]:0", 7},
        Case{"[1.2.3.4]:80", 2}, Case{"host:", 6}, Case{"host:65536", 6}, Case{"host:8a", 7},
        Case{":80", 1}, Case{"ho st", 3}, Case{"10.0.0.0/33", 10}, Case{"10.0.0.0/2x", 11},
        Case{"10.0.0.0/", 10}, Case{"name/24", 1}, Case{"::1/129", 5}, Case{"1::2::3", 1}}) {
    auto r = net::parse_target(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().code, "net.bad_target") << c.text;
    ASSERT_TRUE(r.error().position) << c.text;
    EXPECT_EQ(r.error().position->column, c.column) << c.text << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("column " + std::to_string(c.column)), std::string::npos)
        << r.error().message;
  }
}

TEST(Resolve, CidrMasksAndEnumerates) {
  auto r = net::resolve(*net::parse_target("127.0.0.5/30"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].to_string(), "127.0.0.4");
  EXPECT_EQ((*r)[3].to_string(), "127.0.0.7");

  r = net::resolve(*net::parse_target("127.0.0.255/23"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 512u);
  EXPECT_EQ(r->front().to_string(), "127.0.0.0");
  EXPECT_EQ((*r)[256].to_string(), "127.0.1.0");
  EXPECT_EQ(r->back().to_string(), "127.0.1.255");

  r = net::resolve(*net::parse_target("::1/126"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ(r->front().to_string(), "::");
  EXPECT_EQ(r->back().to_string(), "::3");

  auto big = net::resolve(*net::parse_target("10.0.0.0/8"));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, "net.too_many");
  EXPECT_TRUE(net::resolve(*net::parse_target("10.0.0.0/8"), net::FamilyPreference::any, 1u << 24));
  auto huge = net::resolve(*net::parse_target("::/0"));
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, "net.too_many");
}

TEST(Resolve, LiteralsAndFamilies) {
  auto r = net::resolve(*net::parse_target("127.0.0.1:80"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().to_string(), "127.0.0.1");
  auto v6only = net::resolve(*net::parse_target("127.0.0.1"), net::FamilyPreference::v6);
  ASSERT_FALSE(v6only);
  EXPECT_EQ(v6only.error().code, "net.resolve");
  EXPECT_FALSE(net::resolve(*net::parse_target("::1"), net::FamilyPreference::v4));
}

TEST(Resolve, Names) {
  auto r = net::resolve(*net::parse_target("localhost"), net::FamilyPreference::v4);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(std::is_sorted(r->begin(), r->end()));
  for (const auto& a : *r) EXPECT_TRUE(a.is_loopback()) << a.to_string();
  auto bad = net::resolve(*net::parse_target("no-such-host.invalid"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "net.resolve");
  EXPECT_NE(bad.error().message.find("no-such-host.invalid"), std::string::npos);
}
