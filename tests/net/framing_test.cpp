// kit::net LineFramer and LengthPrefixFramer, fed whole and byte by byte, and over a socket.
#include <gtest/gtest.h>

#include <thread>

#include "kit/net/framing.hpp"
#include "kit/net/socket.hpp"

namespace net = kit::net;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> drain(net::LineFramer& f) {
  std::vector<std::string> out;
  while (true) {
    auto l = f.next();
    EXPECT_TRUE(l) << l.error().message;
    if (!l || !*l) break;
    out.push_back(**l);
  }
  return out;
}

}  // namespace

TEST(LineFramer, TheHeaderExample) {
  net::LineFramer lines;
  lines.feed("GET a\r\nGET");
  auto a = lines.next();
  ASSERT_TRUE(a && *a);
  EXPECT_EQ(**a, "GET a");
  auto none = lines.next();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  EXPECT_EQ(lines.buffered(), 3u);
  EXPECT_EQ(lines.finish(), "GET");
  EXPECT_EQ(lines.buffered(), 0u);
  EXPECT_EQ(lines.finish(), std::nullopt);
}

TEST(LineFramer, ByteByByteEqualsWhole) {
  const std::string text = "one\ntwo\r\n\r\n\nthree\rstill three\nfour";
  net::LineFramer whole;
  whole.feed(text);
  auto expected = drain(whole);
  EXPECT_EQ(expected, (std::vector<std::string>{"one", "two", "", "", "three\rstill three"}));
  net::LineFramer split;
  std::vector<std::string> got;
  for (char c : text) {
    split.feed(std::string_view(&c, 1));
    for (auto& l : drain(split)) got.push_back(l);
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(whole.finish(), "four");
  EXPECT_EQ(split.finish(), "four");
}

TEST(LineFramer, CrBeforeEndOfStreamIsDropped) {
  net::LineFramer f;
  f.feed("last\r");
  auto n = f.next();
  ASSERT_TRUE(n);
  EXPECT_FALSE(*n);
  EXPECT_EQ(f.finish(), "last");
}

TEST(LineFramer, MaxLine) {
  net::LineFramer f(4);
  f.feed("abcd\r\nabcd\n");
  EXPECT_EQ(drain(f), (std::vector<std::string>{"abcd", "abcd"}));
  f.feed("abcd\r");  // may still end as a 4-byte CRLF line
  auto wait = f.next();
  ASSERT_TRUE(wait);
  EXPECT_FALSE(*wait);
  f.feed("x");
  auto bad = f.next();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "net.line_too_long");
  f.feed("\n");
  EXPECT_FALSE(f.next());  // unusable from now on
  EXPECT_EQ(f.finish(), std::nullopt);

  net::LineFramer g(4);
  g.feed("abcde\n");
  EXPECT_FALSE(g.next());
}

TEST(LineFramer, ManyLinesStayLinear) {
  net::LineFramer f(64);
  std::string chunk;
  for (int i = 0; i < 1000; ++i) chunk += "line " + std::to_string(i) + "\n";
  std::size_t count = 0;
  for (int round = 0; round < 200; ++round) {  // 200k lines, ~2 MB, fed in 10 KB chunks
    f.feed(chunk);
    while (true) {
      auto l = f.next();
      ASSERT_TRUE(l);
      if (!*l) break;
      ++count;
    }
    EXPECT_EQ(f.buffered(), 0u);
  }
  EXPECT_EQ(count, 200000u);
}

TEST(LengthPrefixFramer, FrameAndSplit) {
  EXPECT_EQ(net::LengthPrefixFramer::frame("hello"), std::string("\0\0\0\5hello", 9));
  EXPECT_EQ(net::LengthPrefixFramer::frame(""), std::string("\0\0\0\0", 4));
  std::string wire = net::LengthPrefixFramer::frame("hello") + net::LengthPrefixFramer::frame("") +
                     net::LengthPrefixFramer::frame(std::string(300, 'z'));
  net::LengthPrefixFramer f;
  std::vector<std::string> got;
  for (char c : wire) {
    f.feed(std::string_view(&c, 1));
    while (true) {
      auto m = f.next();
      ASSERT_TRUE(m);
      if (!*m) break;
      got.push_back(**m);
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"hello", "", std::string(300, 'z')}));
  EXPECT_TRUE(f.finish());
}

TEST(LengthPrefixFramer, LimitsAndTruncation) {
  net::LengthPrefixFramer f(10);
  f.feed(net::LengthPrefixFramer::frame(std::string(11, 'a')));
  auto big = f.next();
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, "net.frame_too_large");

  net::LengthPrefixFramer g;
  g.feed(std::string("\0\0\0\x08partial", 11));
  auto m = g.next();
  ASSERT_TRUE(m);
  EXPECT_FALSE(*m);
  auto end = g.finish();
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error().code, "net.truncated");

  net::LengthPrefixFramer h;
  h.feed(std::string("\0\0", 2));
  EXPECT_EQ(h.finish().error().code, "net.truncated");
}

TEST(Framing, OverASocket) {
  auto listener = net::TcpListener::bind("127.0.0.1", 0);
  ASSERT_TRUE(listener);
  auto client = net::TcpStream::connect(listener->local_endpoint(), 2s);
  ASSERT_TRUE(client);
  auto server = listener->accept(2s);
  ASSERT_TRUE(server);
  std::thread writer([&] {
    std::string wire;
    for (std::size_t i = 0; i < 500; ++i)
      wire += net::LengthPrefixFramer::frame(std::string(i, 'm'));
    (void)client->send_all(wire, 5s);
    (void)client->shutdown_write();
  });
  net::LengthPrefixFramer f;
  int next_size = 0;
  char buf[1000];  // small reads: messages cross read boundaries
  while (true) {
    auto n = server->read_some(buf, 5s);
    ASSERT_TRUE(n);
    if (*n == 0) break;
    f.feed(std::string_view(buf, *n));
    while (true) {
      auto m = f.next();
      ASSERT_TRUE(m);
      if (!*m) break;
      EXPECT_EQ(**m, std::string(static_cast<std::size_t>(next_size), 'm'));
      ++next_size;
    }
  }
  writer.join();
  EXPECT_EQ(next_size, 500);
  EXPECT_TRUE(f.finish());
}
