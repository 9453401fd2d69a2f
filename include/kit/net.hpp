// kit/net.hpp — sockets the way the tutorial teaches them, and the tools built on them.
//
// Python's socket module as the tutorial uses it, grown into real tools: addresses, targets and
// port lists (net/address.hpp); a small blocking API — TcpListener, TcpStream, UdpSocket, with
// per-call deadlines — and message framers (net/socket.hpp, net/framing.hpp); the echo servers
// on async I/O (net/echo.hpp); probing and the port scanner (net/scan.hpp). Boost.Asio is
// kit::net's private dependency: no Asio type appears in these headers. Errors are kit::Error
// values (net.refused, net.timeout, net.unreachable, net.resolve), never exceptions.
//
// Example:
//   using namespace std::chrono_literals;
//   auto listener = kit::net::TcpListener::bind("127.0.0.1", 0);
//   auto client = kit::net::TcpStream::connect("127.0.0.1", listener->local_endpoint().port, 2s);
//   auto server = listener->accept(2s);
//   (void)client->send_all("Hello\n");
//   auto line = server->read_line(1s);   // "Hello"
//
//   auto ports = kit::net::parse_ports("22,80,8000-8100");   // sorted, unique
//   kit::net::service_name(22);                              // "ssh"
#pragma once

#include "kit/net/address.hpp"
#include "kit/net/echo.hpp"
#include "kit/net/framing.hpp"
#include "kit/net/scan.hpp"
#include "kit/net/socket.hpp"
