// kit::net port lists: parse_ports and describe_ports.
#include <gtest/gtest.h>

#include "kit/net/address.hpp"

namespace net = kit::net;

TEST(Ports, SortedAndUnique) {
  auto p = net::parse_ports("80,22,20-23");
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (net::PortList{20, 21, 22, 23, 80}));
  EXPECT_EQ(net::describe_ports(*p), "20-23,80");
  p = net::parse_ports("22,80,8000-8100");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->size(), 2u + 101u);
  EXPECT_EQ(net::describe_ports(*p), "22,80,8000-8100");
}

TEST(Ports, OpenRanges) {
  auto all = net::parse_ports("-");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 65535u);
  EXPECT_EQ(all->front(), 1);
  EXPECT_EQ(all->back(), 65535);
  EXPECT_EQ(net::describe_ports(*all), "1-65535");
  EXPECT_EQ(net::describe_ports(*net::parse_ports("-100")), "1-100");
  EXPECT_EQ(net::describe_ports(*net::parse_ports("60000-")), "60000-65535");
  EXPECT_EQ(net::describe_ports(*net::parse_ports("65535,1")), "1,65535");
  EXPECT_EQ(net::describe_ports(*net::parse_ports("7-7")), "7");
  EXPECT_EQ(net::describe_ports({}), "");
}

TEST(Ports, ErrorsNameTextAndColumn) {
  struct Case {
    const char* spec;
    const char* named;
    std::size_t column;
  };
  for (Case c :
       {Case{"0", "0", 1}, Case{"65536", "65536", 1}, Case{"5-3", "5-3", 1}, Case{"abc", "abc", 1},
        Case{"22,abc", "abc", 4}, Case{"22,,80", "''", 4}, Case{"", "''", 1}, Case{"22,", "''", 4},
        Case{",22", "''", 1}, Case{"1-70000", "70000", 3}, Case{"80,90-x", "x", 7},
        Case{"99999999999999999999999", "99999999999999999999999", 1}, Case{"22, 80", " 80", 4},
        Case{"1--5", "-5", 3}, Case{"0-5", "0", 1}}) {
    auto r = net::parse_ports(c.spec);
    ASSERT_FALSE(r) << c.spec;
    EXPECT_EQ(r.error().code, "net.bad_ports");
    ASSERT_TRUE(r.error().position);
    EXPECT_EQ(r.error().position->column, c.column) << c.spec << ": " << r.error().message;
    std::string expect_start = std::string("ports: ") + c.named + ": ";
    EXPECT_EQ(r.error().message.rfind(expect_start, 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find("(column " + std::to_string(c.column) + ")"),
              std::string::npos)
        << r.error().message;
  }
  EXPECT_EQ(net::parse_ports("5-3").error().message,
            "ports: 5-3: range ends before it starts (column 1)");
}
