// TcpStream, TcpListener, UdpSocket: non-blocking descriptors and poll() for every deadline,
// so that each call waits at most its timeout; errno values become net.* error codes.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "kit/core/clock.hpp"
#include "kit/net/socket.hpp"

namespace kit::net {
namespace {

using core::Duration;

// A deadline on the one monotonic clock; none waits forever. (A plain flag, not an optional:
// GCC 12 at -O3 warns that an inlined optional<Duration> may be read uninitialized.)
class Deadline {
 public:
  explicit Deadline(Timeout timeout) {
    if (timeout) {
      bounded_ = true;
      end_ = core::steady_clock().now() + std::max(*timeout, Timeout::value_type{0});
    }
  }
  // poll_ms(): what to pass to poll(): -1 for ever, else the milliseconds left, rounded up.
  [[nodiscard]] int poll_ms() const {
    if (!bounded_) return -1;
    Duration left = end_ - core::steady_clock().now();
    if (left <= Duration::zero()) return 0;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::min<long long>(ms, 1 << 30));
  }
  [[nodiscard]] bool expired() const { return bounded_ && core::steady_clock().now() >= end_; }

 private:
  bool bounded_ = false;
  Duration end_{0};
};

tl::unexpected<Error> errno_error(int err, std::string_view what) {
  std::string code = "net.io";
  ErrorKind kind = ErrorKind::io;
  switch (err) {
    case ECONNREFUSED:
      code = "net.refused";
      kind = ErrorKind::failed;
      break;
    case ETIMEDOUT:
      code = "net.timeout";
      kind = ErrorKind::failed;
      break;
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EACCES:  // an ICMP "administratively prohibited" reaches connect as EACCES / EPERM
    case EPERM:
      code = "net.unreachable";
      kind = ErrorKind::failed;
      break;
    case EADDRINUSE:
      code = "net.address_in_use";
      kind = ErrorKind::failed;
      break;
    case EADDRNOTAVAIL:
      code = "net.address_not_available";
      kind = ErrorKind::failed;
      break;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
      code = "net.closed";
      kind = ErrorKind::failed;
      break;
    default:
      break;
  }
  return fail(kind, std::move(code), fmt::format("{}: {}", what, std::strerror(err)));
}

tl::unexpected<Error> timeout_error(std::string_view what) {
  return fail(ErrorKind::failed, "net.timeout", fmt::format("{}: timed out", what));
}

// wait_for(fd, events, deadline): ready, or net.timeout; EINTR restarts with the time left.
Result<void> wait_for(int fd, short events, const Deadline& deadline, std::string_view what) {
  while (true) {
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, deadline.poll_ms());
    if (rc > 0) return {};
    if (rc == 0) return timeout_error(what);
    if (errno != EINTR) return errno_error(errno, what);
  }
}

struct SockAddr {
  sockaddr_storage storage{};
  socklen_t length = 0;
  [[nodiscard]] const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  [[nodiscard]] sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

SockAddr to_sockaddr(const Endpoint& e) {
  SockAddr s;
  if (e.address.family == Family::v4) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(e.port);
    std::memcpy(&sin.sin_addr, e.address.bytes.data(), 4);
    std::memcpy(&s.storage, &sin, sizeof sin);
    s.length = sizeof sin;
  } else {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(e.port);
    std::memcpy(&sin6.sin6_addr, e.address.bytes.data(), 16);
    sin6.sin6_scope_id = e.address.scope_id;
    std::memcpy(&s.storage, &sin6, sizeof sin6);
    s.length = sizeof sin6;
  }
  return s;
}

Endpoint from_sockaddr(const sockaddr_storage& storage) {
  Endpoint e;
  if (storage.ss_family == AF_INET) {
    sockaddr_in sin{};
    std::memcpy(&sin, &storage, sizeof sin);
    e.address.family = Family::v4;
    std::memcpy(e.address.bytes.data(), &sin.sin_addr, 4);
    e.port = ntohs(sin.sin_port);
  } else if (storage.ss_family == AF_INET6) {
    sockaddr_in6 sin6{};
    std::memcpy(&sin6, &storage, sizeof sin6);
    e.address.family = Family::v6;
    std::memcpy(e.address.bytes.data(), &sin6.sin6_addr, 16);
    e.address.scope_id = sin6.sin6_scope_id;
    e.port = ntohs(sin6.sin6_port);
  }
  return e;
}

Endpoint local_of(int fd) {
  sockaddr_storage s{};
  socklen_t len = sizeof s;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&s), &len) != 0) return {};
  return from_sockaddr(s);
}

Endpoint peer_of(int fd) {
  sockaddr_storage s{};
  socklen_t len = sizeof s;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&s), &len) != 0) return {};
  return from_sockaddr(s);
}

int domain_of(Family f) {
  return f == Family::v4 ? AF_INET : AF_INET6;
}

Result<core::FileDescriptor> open_socket(Family family, int type) {
  int fd = ::socket(domain_of(family), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error(errno, "cannot create a socket");
  return core::FileDescriptor(fd);
}

// The addresses a host names: a literal as it is, a name through resolve().
Result<std::vector<IpAddress>> addresses_of(std::string_view host) {
  if (host.empty()) host = "0.0.0.0";
  if (auto literal = IpAddress::parse(host)) return std::vector<IpAddress>{*literal};
  Target t;
  t.text = std::string(host);
  t.host = std::string(host);
  return resolve(t);
}

// Bind (and for TCP listen) on the first address the host names.
Result<core::FileDescriptor> bound_socket(std::string_view host, std::uint16_t port, int type,
                                          const ListenOptions& options) {
  auto addresses = addresses_of(host);
  if (!addresses) return tl::unexpected(addresses.error());
  Endpoint at{addresses->front(), port};
  auto fd = open_socket(at.address.family, type);
  if (!fd) return fd;
  int one = 1;
  if (options.reuse_address &&
      ::setsockopt(fd->get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
    return errno_error(errno, "cannot set SO_REUSEADDR");
  if (options.reuse_port &&
      ::setsockopt(fd->get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
    return errno_error(errno, "cannot set SO_REUSEPORT");
  SockAddr sa = to_sockaddr(at);
  if (::bind(fd->get(), sa.get(), sa.length) != 0) {
    if (errno == EACCES)  // a port below 1024 without the capability; not "unreachable"
      return fail(ErrorKind::failed, "net.permission",
                  fmt::format("cannot bind {}: {}", at.to_string(), std::strerror(EACCES)));
    return errno_error(errno, fmt::format("cannot bind {}", at.to_string()));
  }
  if (type == SOCK_STREAM &&
      ::listen(fd->get(), options.backlog < 0 ? SOMAXCONN : options.backlog) != 0)
    return errno_error(errno, fmt::format("cannot listen on {}", at.to_string()));
  return fd;
}

}  // namespace

// ---- TcpStream ---------------------------------------------------------------------------

Result<TcpStream> TcpStream::connect(const Endpoint& to, Timeout timeout) {
  Deadline deadline(timeout);
  std::string what = fmt::format("cannot connect to {}", to.to_string());
  auto fd = open_socket(to.address.family, SOCK_STREAM);
  if (!fd) return tl::unexpected(fd.error());
  SockAddr sa = to_sockaddr(to);
  int rc;
  do {
    rc = ::connect(fd->get(), sa.get(), sa.length);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) return errno_error(errno, what);
    if (auto ready = wait_for(fd->get(), POLLOUT, deadline, what); !ready)
      return tl::unexpected(ready.error());
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd->get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return errno_error(err, what);
  }
  return TcpStream(std::move(*fd));
}

Result<TcpStream> TcpStream::connect(std::string_view host, std::uint16_t port, Timeout timeout) {
  Deadline deadline(timeout);
  auto addresses = addresses_of(host);
  if (!addresses) return tl::unexpected(addresses.error());
  std::optional<Error> last;
  for (const IpAddress& a : *addresses) {
    if (last && deadline.expired()) break;
    Timeout left;
    if (timeout) left = std::chrono::milliseconds(deadline.poll_ms());
    auto s = connect(Endpoint{a, port}, left);
    if (s) return s;
    last = s.error();
  }
  return tl::unexpected(*last);
}

Result<void> TcpStream::send_all(std::string_view bytes, Timeout timeout) {
  Deadline deadline(timeout);
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto ready = wait_for(fd_.get(), POLLOUT, deadline, "send"); !ready) return ready;
      continue;
    }
    return errno_error(errno, "send");
  }
  return {};
}

namespace {

// recv_some(fd, buffer, deadline): bytes received, 0 at end of stream.
Result<std::size_t> recv_some(int fd, char* data, std::size_t size, const Deadline& deadline) {
  while (true) {
    ssize_t n = ::recv(fd, data, size, 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto ready = wait_for(fd, POLLIN, deadline, "receive"); !ready)
        return tl::unexpected(ready.error());
      continue;
    }
    return errno_error(errno, "receive");
  }
}

}  // namespace

Result<std::size_t> TcpStream::read_some(std::span<char> buffer, Timeout timeout) {
  if (buffer.empty()) return std::size_t{0};
  if (pending_start_ < pending_.size()) {
    std::size_t n = std::min(buffer.size(), pending_.size() - pending_start_);
    std::memcpy(buffer.data(), pending_.data() + pending_start_, n);
    pending_start_ += n;
    pending_scanned_ = pending_scanned_ > n ? pending_scanned_ - n : 0;
    if (pending_start_ == pending_.size()) {
      pending_.clear();
      pending_start_ = pending_scanned_ = 0;
    }
    return n;
  }
  return recv_some(fd_.get(), buffer.data(), buffer.size(), Deadline(timeout));
}

Result<void> TcpStream::read_exact(std::span<char> buffer, Timeout timeout) {
  Deadline deadline(timeout);
  std::size_t got = 0;
  while (got < buffer.size()) {
    Timeout left;
    if (timeout) left = std::chrono::milliseconds(deadline.poll_ms());
    auto n = read_some(buffer.subspan(got), left);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0)
      return fail(
          ErrorKind::failed, "net.closed",
          fmt::format("the peer closed the connection after {} of {} bytes", got, buffer.size()));
    got += *n;
  }
  return {};
}

Result<std::optional<std::string>> TcpStream::read_line(Timeout timeout, std::size_t max_length) {
  Deadline deadline(timeout);
  while (true) {
    std::string_view rest(pending_.data() + pending_start_, pending_.size() - pending_start_);
    auto lf = rest.find('\n', pending_scanned_);
    if (lf != std::string_view::npos) {
      std::string_view line = rest.substr(0, lf);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > max_length)
        return fail(ErrorKind::malformed_input, "net.line_too_long",
                    fmt::format("a line is longer than {} bytes", max_length));
      std::string out(line);
      pending_start_ += lf + 1;
      pending_scanned_ = 0;
      if (pending_start_ == pending_.size()) {
        pending_.clear();
        pending_start_ = 0;
      } else if (pending_start_ > pending_.size() / 2) {
        pending_.erase(0, pending_start_);  // amortised: at most the bytes handed out
        pending_start_ = 0;
      }
      return std::optional<std::string>(std::move(out));
    }
    pending_scanned_ = rest.size();
    // No LF yet: a line already past the limit (plus a CR that may end it) cannot become valid.
    if (rest.size() > max_length + 1 || (rest.size() == max_length + 1 && rest.back() != '\r'))
      return fail(ErrorKind::malformed_input, "net.line_too_long",
                  fmt::format("a line is longer than {} bytes", max_length));
    if (pending_start_ > 0) {
      pending_.erase(0, pending_start_);
      pending_start_ = 0;
    }
    std::size_t old = pending_.size();
    std::size_t chunk = std::max<std::size_t>(4096, std::min<std::size_t>(old, 1 << 16));
    pending_.resize(old + chunk);
    auto n = recv_some(fd_.get(), pending_.data() + old, chunk, deadline);
    pending_.resize(old + (n ? *n : 0));
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) {
      if (pending_.empty()) return std::optional<std::string>();
      std::string last = std::move(pending_);
      pending_.clear();
      pending_start_ = pending_scanned_ = 0;
      if (!last.empty() && last.back() == '\r') last.pop_back();
      return std::optional<std::string>(std::move(last));
    }
  }
}

Result<void> TcpStream::shutdown_write() {
  if (::shutdown(fd_.get(), SHUT_WR) != 0) return errno_error(errno, "shutdown");
  return {};
}

Endpoint TcpStream::local_endpoint() const {
  return local_of(fd_.get());
}
Endpoint TcpStream::peer_endpoint() const {
  return peer_of(fd_.get());
}

// ---- TcpListener -------------------------------------------------------------------------

Result<TcpListener> TcpListener::bind(std::string_view host, std::uint16_t port,
                                      const ListenOptions& options) {
  auto fd = bound_socket(host, port, SOCK_STREAM, options);
  if (!fd) return tl::unexpected(fd.error());
  return TcpListener(std::move(*fd));
}

Result<TcpStream> TcpListener::accept(Timeout timeout) {
  Deadline deadline(timeout);
  while (true) {
    int fd = ::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) return TcpStream(core::FileDescriptor(fd));
    // A connection reset while queued is the client's business, not the listener's.
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto ready = wait_for(fd_.get(), POLLIN, deadline, "accept"); !ready)
        return tl::unexpected(ready.error());
      continue;
    }
    return errno_error(errno, "accept");
  }
}

Endpoint TcpListener::local_endpoint() const {
  return local_of(fd_.get());
}

// ---- UdpSocket ---------------------------------------------------------------------------

Result<UdpSocket> UdpSocket::bind(std::string_view host, std::uint16_t port,
                                  const ListenOptions& options) {
  auto fd = bound_socket(host, port, SOCK_DGRAM, options);
  if (!fd) return tl::unexpected(fd.error());
  return UdpSocket(std::move(*fd));
}

Result<UdpSocket> UdpSocket::open(Family family) {
  auto fd = open_socket(family, SOCK_DGRAM);
  if (!fd) return tl::unexpected(fd.error());
  return UdpSocket(std::move(*fd));
}

Result<void> UdpSocket::send_to(std::string_view data, const Endpoint& to) {
  SockAddr sa = to_sockaddr(to);
  std::string what = fmt::format("cannot send to {}", to.to_string());
  while (true) {
    ssize_t n = ::sendto(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL, sa.get(), sa.length);
    if (n >= 0) return {};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto ready = wait_for(fd_.get(), POLLOUT, Deadline(std::nullopt), what); !ready)
        return ready;
      continue;
    }
    return errno_error(errno, what);
  }
}

Result<Datagram> UdpSocket::receive_from(Timeout timeout, std::size_t max_size) {
  Deadline deadline(timeout);
  Datagram d;
  d.data.resize(std::max<std::size_t>(max_size, 1));
  while (true) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n =
        ::recvfrom(fd_.get(), d.data.data(), max_size, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n >= 0) {
      d.data.resize(static_cast<std::size_t>(n));
      d.from = from_sockaddr(from);
      return d;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto ready = wait_for(fd_.get(), POLLIN, deadline, "receive"); !ready)
        return tl::unexpected(ready.error());
      continue;
    }
    return errno_error(errno, "receive");
  }
}

Endpoint UdpSocket::local_endpoint() const {
  return local_of(fd_.get());
}

}  // namespace kit::net
