// kit::net probing and scanning: probe(), Scanner, the descriptor limit, --probe escapes.
//
// Why a raw epoll loop and not Boost.Asio here: a connect scan is nothing but non-blocking
// connect(), one readiness event and getsockopt(SO_ERROR) per port, and what decides the answer
// lives below Asio's abstractions — the exact errno of connect(), the ICMP type and code from the
// socket's error queue (IP_RECVERR, to tell admin-prohibited from host-unreach), getpeername()
// to confirm the peer (nmap #3523), EMFILE at socket() as "wait for a slot" rather than an
// exception. Asio would add an allocation and a handler per port and hide those errnos; the
// loop below is one thread, a fixed array of slots and two deadline queues, which is what the
// kernel bounds anyway (the bare-epoll measurement). Asio stays the echo servers' tool.
#include "kit/net/scan.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>

#include <fmt/core.h>

#include "kit/core/file.hpp"

namespace kit::net {

std::string_view to_string(PortState state) {
  switch (state) {
    case PortState::open:
      return "open";
    case PortState::closed:
      return "closed";
    case PortState::filtered:
      return "filtered";
  }
  return "filtered";
}

namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

SocketAddress socket_address(const IpAddress& address, std::uint16_t port) {
  SocketAddress out;
  if (address.family == Family::v4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out.storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    std::memcpy(&in->sin_addr, address.bytes.data(), 4);
    out.length = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    std::memcpy(&in6->sin6_addr, address.bytes.data(), 16);
    in6->sin6_scope_id = address.scope_id;
    out.length = sizeof(sockaddr_in6);
  }
  return out;
}

// Same address and port (the scope and flow label do not make two endpoints differ here).
bool same_endpoint(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in6&>(b);
    return x.sin6_port == y.sin6_port &&
           std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(in6_addr)) == 0;
  }
  return false;
}

std::optional<sockaddr_storage> local_of(int fd) {
  sockaddr_storage s{};
  socklen_t len = sizeof s;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&s), &len) != 0) return std::nullopt;
  return s;
}

// Running out of descriptors, buffers or local ports says nothing about the port: wait for a
// probe in flight to finish (or a moment) and try the same port again.
bool is_resource_errno(int e) {
  return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM || e == EADDRNOTAVAIL ||
         e == EAGAIN;
}

// The reason an ICMP error gives, read from the socket's error queue (IP_RECVERR): the errno
// alone cannot tell IPv4's "communication administratively prohibited" (code 13, and 9, 10)
// from host-unreach, the kernel maps both to EHOSTUNREACH.
std::optional<std::string> icmp_reason(int fd) {
  char data[64];
  char control[512];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (::recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return std::nullopt;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    const bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
    const bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6) continue;
    sock_extended_err ee{};
    std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
    if (ee.ee_origin == SO_EE_ORIGIN_ICMP && ee.ee_type == ICMP_DEST_UNREACH) {
      switch (ee.ee_code) {
        case ICMP_NET_UNREACH:
        case ICMP_NET_UNKNOWN:
        case ICMP_NET_UNR_TOS:
          return "net-unreach";
        case ICMP_NET_ANO:
        case ICMP_HOST_ANO:
        case ICMP_PKT_FILTERED:
          return "admin-prohibited";
        case ICMP_PORT_UNREACH:
          return "port-unreach";
        default:
          return "host-unreach";
      }
    }
    if (ee.ee_origin == SO_EE_ORIGIN_ICMP6 && ee.ee_type == ICMP6_DST_UNREACH) {
      switch (ee.ee_code) {
        case ICMP6_DST_UNREACH_NOROUTE:
          return "net-unreach";
        case ICMP6_DST_UNREACH_ADMIN:
        case 5:  // source address failed ingress/egress policy
        case 6:  // reject route to destination
          return "admin-prohibited";
        case ICMP6_DST_UNREACH_NOPORT:
          return "port-unreach";
        default:
          return "host-unreach";
      }
    }
  }
  return std::nullopt;
}

// classify(error, fd): what a failed connect says about the port (nmap's reason words).
ProbeResult classify(int error, int fd) {
  ProbeResult r;
  if (error == ECONNREFUSED) {
    // A TCP reset, or ICMP port unreachable (nmap -sT says conn-refused for both).
    r.state = PortState::closed;
    r.reason = "conn-refused";
    return r;
  }
  r.state = PortState::filtered;
  if (error == ETIMEDOUT) {
    r.reason = "no-response";
    return r;
  }
  if (auto icmp = fd < 0 ? std::nullopt : icmp_reason(fd)) {
    r.reason = *icmp;
    if (r.reason == "port-unreach") {
      r.state = PortState::closed;
      r.reason = "conn-refused";
    }
    return r;
  }
  switch (error) {
    case ENETUNREACH:
    case ENETDOWN:
      r.reason = "net-unreach";
      break;
    case EACCES:  // ICMPv6 administratively prohibited, a local firewall's reject, broadcast
    case EPERM:
      r.reason = "admin-prohibited";
      break;
    default:  // EHOSTUNREACH, EHOSTDOWN, ENONET, ENOPROTOOPT, ...
      r.reason = "host-unreach";
      break;
  }
  return r;
}

std::uint64_t raise_nofile_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? std::uint64_t{1} << 20 : limit.rlim_cur;
}

unsigned descriptor_budget() {
  const std::uint64_t limit = raise_nofile_limit();
  return limit > 65 ? static_cast<unsigned>(std::min<std::uint64_t>(limit - 64, 1u << 30)) : 1u;
}

enum class Phase : std::uint8_t { idle, connecting, banner };

struct Work {
  std::uint64_t index = 0;  // address * ports + port index
  unsigned attempt = 0;     // 0 for the first
  int first_error = 0;      // set: asked again with IP_RECVERR after this error
};

// An error whose ICMP message says more: IPv4's EHOSTUNREACH is host unreachable or
// administratively prohibited (codes 1, 10, 13), ENETUNREACH net unreachable or prohibited (0,
// 9). ICMPv6's errnos already differ (admin-prohibited is EACCES).
bool icmp_may_explain(int family, int error) {
  return family == AF_INET && (error == EHOSTUNREACH || error == ENETUNREACH);
}

struct Slot {
  core::FileDescriptor fd;
  Phase phase = Phase::idle;
  std::uint32_t generation = 0;
  Work work;
  SocketAddress target;
  TimePoint started;
  std::chrono::microseconds rtt{};
  std::string banner;
  std::size_t probe_sent = 0;
  bool cross_connected = false;  // another probe of ours is the peer (simultaneous open)
};

struct Deadline {
  std::uint32_t slot;
  std::uint32_t generation;
  TimePoint at;
};

// One run of Scanner::run: the slots, the queues and the loop.
class ScanLoop {
 public:
  ScanLoop(const ScanOptions& options, unsigned concurrency,
           const std::vector<IpAddress>& addresses, const PortList& ports,
           const std::function<void(const PortResult&)>& on_result)
      : options_(options),
        addresses_(addresses),
        ports_(ports),
        on_result_(on_result),
        total_(static_cast<std::uint64_t>(addresses.size()) * ports.size()),
        slots_(concurrency) {
    for (unsigned i = concurrency; i-- > 0;) free_.push_back(i);
    events_.resize(std::min<std::size_t>(concurrency, 1024));
    if (options_.rate > 0) {
      burst_ = std::max(1.0, options_.rate / 100);  // at most 10 ms of connects at once
      tokens_ = 1;
    }
  }

  Result<ScanSummary> run() {
    epoll_ = core::FileDescriptor(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_.valid())
      return fail(ErrorKind::io, "net.epoll", fmt::format("epoll: {}", std::strerror(errno)));
    last_refill_ = SteadyClock::now();
    // A few spare descriptors, given back at the first EMFILE: the rest of the process (the
    // caller's on_result, a sanitizer's pipe) keeps some while the table is otherwise full.
    for (int i = 0; i < 8; ++i) reserve_.emplace_back(::fcntl(epoll_.get(), F_DUPFD_CLOEXEC, 0));
    while (decided_ < total_) {
      TimePoint now = SteadyClock::now();
      expire(now);
      if (auto launched = launch(now); !launched) return tl::unexpected(launched.error());
      if (decided_ >= total_) break;
      const int wait_ms = wait_time(SteadyClock::now());
      const int n =
          ::epoll_wait(epoll_.get(), events_.data(), static_cast<int>(events_.size()), wait_ms);
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail(ErrorKind::io, "net.epoll", fmt::format("epoll: {}", std::strerror(errno)));
      }
      for (int i = 0; i < n; ++i) handle(events_[static_cast<std::size_t>(i)]);
    }
    return summary_;
  }

  ScanSummary& summary() { return summary_; }

 private:
  [[nodiscard]] bool have_work() const { return !retry_.empty() || next_ < total_; }

  Work take() {
    if (!retry_.empty()) {
      Work w = retry_.front();
      retry_.pop_front();
      return w;
    }
    return Work{next_++, 0, 0};
  }

  [[nodiscard]] const IpAddress& address_of(const Work& w) const {
    return addresses_[w.index / ports_.size()];
  }
  [[nodiscard]] std::uint16_t port_of(const Work& w) const {
    return ports_[w.index % ports_.size()];
  }

  void refill(TimePoint now) {
    if (options_.rate <= 0) return;
    const double seconds = std::chrono::duration<double>(now - last_refill_).count();
    tokens_ = std::min(burst_, tokens_ + seconds * options_.rate);
    last_refill_ = now;
  }

  Result<void> launch(TimePoint now) {
    refill(now);
    while (!free_.empty() && in_flight() < cap_ && have_work()) {
      if (options_.rate > 0 && tokens_ < 1) break;
      if (paused_ && (in_flight() > 0 || now < resume_at_)) break;
      const unsigned index = free_.back();
      Work w = take();
      const int error = start(index, w, now);
      if (error != 0) {  // out of descriptors or ports: the same port again, later
        retry_.push_front(w);
        if (error == EMFILE || error == ENFILE) {
          // The limit is lower than the slots assumed (descriptors used elsewhere): fewer
          // probes from now on, and the spare descriptors back to the process.
          cap_ = in_flight() > 8 ? static_cast<unsigned>(in_flight() - 8) : 1u;
          reserve_.clear();
        }
        if (!paused_) stalled_since_ = now;
        paused_ = true;
        backoff_ = std::min(std::chrono::milliseconds(200),
                            std::max(std::chrono::milliseconds(1), backoff_ * 2));
        resume_at_ = now + backoff_;
        if (in_flight() == 0 && now - stalled_since_ > std::chrono::seconds(10))
          return fail(ErrorKind::io, "net.no_descriptors",
                      fmt::format("cannot open a socket for 10 s: {}", std::strerror(error)));
        break;
      }
      paused_ = false;
      backoff_ = std::chrono::milliseconds(0);
      if (options_.rate > 0) tokens_ -= 1;
    }
    return {};
  }

  [[nodiscard]] std::size_t in_flight() const { return slots_.size() - free_.size(); }

  // start(slot, work): a socket and a non-blocking connect. Returns a resource errno when the
  // probe could not start (the caller queues it again), else 0: in flight, or decided.
  int start(unsigned index, const Work& w, TimePoint now) {
    const IpAddress& address = address_of(w);
    const int family = address.family == Family::v4 ? AF_INET : AF_INET6;
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return is_resource_errno(errno) ? errno : fail_start(index, w, errno);
    Slot& s = slots_[index];
    s.fd = core::FileDescriptor(fd);
    s.work = w;
    s.target = socket_address(address, port_of(w));
    s.started = now;
    s.banner.clear();
    s.probe_sent = 0;
    s.cross_connected = false;
    // IPv6 needs IPV6_RECVERR to hear an ICMPv6 error during the handshake at all (without it
    // the kernel keeps it as a soft error and the connect times out). IPv4 hears them anyway;
    // there IP_RECVERR, which tells admin-prohibited from host-unreach, is set only on a second
    // connect after such an error: a setsockopt per port is a sixth of a loopback scan's calls.
    if (family == AF_INET6 || w.first_error != 0) {
      const int on = 1;
      if (family == AF_INET)
        (void)::setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof on);
      else
        (void)::setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof on);
    }
    free_.pop_back();
    s.phase = Phase::connecting;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&s.target.storage), s.target.length) == 0) {
      connected(index);
      return 0;
    }
    const int error = errno;
    if (error == EINPROGRESS) {
      epoll_event ev{};
      ev.events = EPOLLOUT | EPOLLET;
      ev.data.u64 = tag(index);
      if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
        const int e = errno;
        release(index);
        return e == ENOMEM || e == ENOSPC ? ENOBUFS : e;
      }
      connect_deadlines_.push_back({index, s.generation, now + options_.timeout});
      return 0;
    }
    if (is_resource_errno(error)) {
      release(index);
      return error;
    }
    failed(index, error);
    return 0;
  }

  // failed(slot, error): the connect ended in an error; one that an ICMP message may explain
  // is asked again with IP_RECVERR (the same attempt), any other is the answer.
  void failed(unsigned index, int error) {
    Slot& s = slots_[index];
    if (s.work.first_error == 0 && icmp_may_explain(s.target.storage.ss_family, error)) {
      requeue(index, Work{s.work.index, s.work.attempt, error});
      return;
    }
    s.rtt = elapsed(s);
    decide(index, classify(error, s.fd.get()));
  }

  // A socket() that failed for a reason other than resources (EAFNOSUPPORT: no IPv6 here):
  // the port cannot be probed; it is reported filtered with the error's words.
  int fail_start(unsigned /*index*/, const Work& w, int error) {
    ProbeResult r;
    r.state = PortState::filtered;
    r.reason = error == EAFNOSUPPORT ? "net-unreach" : "host-unreach";
    report(w, std::move(r));
    return 0;
  }

  [[nodiscard]] std::uint64_t tag(unsigned index) const {
    return (static_cast<std::uint64_t>(slots_[index].generation) << 32) | index;
  }

  static std::chrono::microseconds elapsed(const Slot& s) {
    return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - s.started);
  }

  void handle(const epoll_event& ev) {
    const auto index = static_cast<unsigned>(ev.data.u64 & 0xffffffffu);
    const auto generation = static_cast<std::uint32_t>(ev.data.u64 >> 32);
    if (index >= slots_.size()) return;
    Slot& s = slots_[index];
    if (s.generation != generation || s.phase == Phase::idle) return;
    if (s.phase == Phase::connecting) {
      int error = 0;
      socklen_t len = sizeof error;
      if (::getsockopt(s.fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
      if (error == 0) {
        connected(index);
      } else if (is_resource_errno(error)) {
        requeue(index, s.work);
      } else {
        failed(index, error);
      }
      return;
    }
    if ((ev.events & EPOLLOUT) != 0 && s.probe_sent < options_.probe.size()) send_probe(index);
    if (s.phase == Phase::banner && (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)))
      read_banner(index);
  }

  // connected(slot): the handshake completed — if the peer is really there and not ourselves.
  void connected(unsigned index) {
    Slot& s = slots_[index];
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (::getpeername(s.fd.get(), reinterpret_cast<sockaddr*>(&peer), &len) != 0)
      return;  // a wakeup without a connection (nmap #3523): wait for the real answer
    s.rtt = elapsed(s);
    auto local = local_of(s.fd.get());
    bool self = s.cross_connected || (local && same_endpoint(*local, peer));
    if (!self && local) self = cross_connect(index, *local, peer);
    if (self) {
      // A TCP self-connect (or two of our probes meeting in a simultaneous open): nothing
      // listens there, or the port could not have been ours.
      decide(index, ProbeResult{PortState::closed, "self-connect", s.rtt, {}});
      return;
    }
    if (!options_.banner || options_.banner_max == 0) {
      decide(index, ProbeResult{PortState::open, "syn-ack", s.rtt, {}});
      return;
    }
    s.phase = Phase::banner;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (options_.probe.empty() ? 0u : EPOLLOUT);
    ev.data.u64 = tag(index);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, s.fd.get(), &ev) != 0 &&
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, s.fd.get(), &ev) != 0) {
      decide(index, ProbeResult{PortState::open, "syn-ack", s.rtt, {}});
      return;
    }
    banner_deadlines_.push_back(
        {index, s.generation, SteadyClock::now() + options_.banner_timeout});
    if (!options_.probe.empty()) send_probe(index);
  }

  // Is the peer another probe of ours in flight (its target is our local endpoint, its local
  // endpoint our peer)? Then both are reported as the self-connects they are.
  bool cross_connect(unsigned index, const sockaddr_storage& local, const sockaddr_storage& peer) {
    for (unsigned i = 0; i < slots_.size(); ++i) {
      Slot& other = slots_[i];
      if (i == index || other.phase != Phase::connecting) continue;
      if (!same_endpoint(other.target.storage, local)) continue;
      auto other_local = local_of(other.fd.get());
      if (other_local && same_endpoint(*other_local, peer)) {
        other.cross_connected = true;
        return true;
      }
    }
    return false;
  }

  void send_probe(unsigned index) {
    Slot& s = slots_[index];
    while (s.probe_sent < options_.probe.size()) {
      const ssize_t n = ::send(s.fd.get(), options_.probe.data() + s.probe_sent,
                               options_.probe.size() - s.probe_sent, MSG_NOSIGNAL);
      if (n > 0) {
        s.probe_sent += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;  // the rest on the next EPOLLOUT
      s.probe_sent = options_.probe.size();  // the peer went: read what it sent
      break;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = tag(index);
    (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, s.fd.get(), &ev);
  }

  void read_banner(unsigned index) {
    Slot& s = slots_[index];
    char buffer[4096];
    for (;;) {
      const std::size_t room = options_.banner_max - s.banner.size();
      const ssize_t n = ::recv(s.fd.get(), buffer, std::min(room, sizeof buffer), 0);
      if (n > 0) {
        s.banner.append(buffer, static_cast<std::size_t>(n));
        if (s.banner.size() >= options_.banner_max) break;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;  // more may come before the banner timeout
      break;                                 // the end, or an error: the banner is complete
    }
    finish_banner(index);
  }

  void finish_banner(unsigned index) {
    Slot& s = slots_[index];
    decide(index, ProbeResult{PortState::open, "syn-ack", s.rtt, std::move(s.banner)});
  }

  void expire(TimePoint now) {
    while (!connect_deadlines_.empty() && connect_deadlines_.front().at <= now) {
      const Deadline d = connect_deadlines_.front();
      connect_deadlines_.pop_front();
      Slot& s = slots_[d.slot];
      if (s.generation != d.generation || s.phase != Phase::connecting) continue;
      if (s.work.first_error != 0) {  // no ICMP this time (rate limits): the first errno
        s.rtt = elapsed(s);
        decide(d.slot, classify(s.work.first_error, -1));
        continue;
      }
      if (s.work.attempt < options_.retries) {
        requeue(d.slot, Work{s.work.index, s.work.attempt + 1, 0});
        continue;
      }
      s.rtt = elapsed(s);
      decide(d.slot, ProbeResult{PortState::filtered, "no-response", s.rtt, {}});
    }
    while (!banner_deadlines_.empty() && banner_deadlines_.front().at <= now) {
      const Deadline d = banner_deadlines_.front();
      banner_deadlines_.pop_front();
      Slot& s = slots_[d.slot];
      if (s.generation != d.generation || s.phase != Phase::banner) continue;
      finish_banner(d.slot);
    }
  }

  [[nodiscard]] int wait_time(TimePoint now) const {
    std::optional<TimePoint> next;
    auto consider = [&](TimePoint t) {
      if (!next || t < *next) next = t;
    };
    if (!connect_deadlines_.empty()) consider(connect_deadlines_.front().at);
    if (!banner_deadlines_.empty()) consider(banner_deadlines_.front().at);
    if (have_work() && !free_.empty() && in_flight() < cap_) {
      if (paused_) consider(in_flight() > 0 ? TimePoint::max() : resume_at_);
      if (options_.rate > 0 && tokens_ < 1)
        consider(now + std::chrono::duration_cast<SteadyClock::duration>(
                           std::chrono::duration<double>((1 - tokens_) / options_.rate)));
    }
    if (!next || *next == TimePoint::max()) return next ? -1 : (in_flight() > 0 ? -1 : 0);
    if (*next <= now) return 0;
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(*next - now).count();
    return static_cast<int>(std::min<std::int64_t>((us + 999) / 1000, 60'000));
  }

  void requeue(unsigned index, const Work& w) {
    retry_.push_front(w);
    release(index);
  }

  void release(unsigned index) {
    Slot& s = slots_[index];
    s.fd.reset();  // close() also takes it out of the epoll set
    s.phase = Phase::idle;
    ++s.generation;
    free_.push_back(index);
    paused_ = false;
  }

  void decide(unsigned index, ProbeResult result) {
    const Work w = slots_[index].work;
    result.rtt = slots_[index].rtt;
    release(index);
    report(w, std::move(result));
  }

  void report(const Work& w, ProbeResult result) {
    ++decided_;
    switch (result.state) {
      case PortState::open:
        ++summary_.open;
        break;
      case PortState::closed:
        ++summary_.closed;
        break;
      case PortState::filtered:
        ++summary_.filtered;
        break;
    }
    if (on_result_) on_result_(PortResult{Endpoint{address_of(w), port_of(w)}, std::move(result)});
  }

  const ScanOptions& options_;
  const std::vector<IpAddress>& addresses_;
  const PortList& ports_;
  const std::function<void(const PortResult&)>& on_result_;
  std::uint64_t total_;
  std::uint64_t next_ = 0;
  std::uint64_t decided_ = 0;
  std::vector<Slot> slots_;
  std::vector<unsigned> free_;
  unsigned cap_ = ~0u;  // probes in flight at most, lowered after EMFILE
  std::vector<core::FileDescriptor> reserve_;
  std::deque<Work> retry_;
  std::deque<Deadline> connect_deadlines_, banner_deadlines_;  // in deadline order
  std::vector<epoll_event> events_;
  core::FileDescriptor epoll_;
  ScanSummary summary_;
  // rate cap: a token bucket
  double tokens_ = 0, burst_ = 0;
  TimePoint last_refill_;
  // pause after EMFILE & co.
  bool paused_ = false;
  TimePoint resume_at_, stalled_since_;
  std::chrono::milliseconds backoff_{0};
};

}  // namespace

unsigned default_concurrency() {
  return std::min(1000u, descriptor_budget());
}

unsigned cap_concurrency(unsigned wanted) {
  return std::max(1u, std::min(wanted, descriptor_budget()));
}

Result<ScanSummary> Scanner::run(const std::vector<IpAddress>& addresses, const PortList& ports,
                                 const std::function<void(const PortResult&)>& on_result) {
  const auto started = SteadyClock::now();
  unsigned concurrency =
      options_.concurrency == 0 ? default_concurrency() : cap_concurrency(options_.concurrency);
  const std::uint64_t total = static_cast<std::uint64_t>(addresses.size()) * ports.size();
  ScanSummary summary;
  summary.concurrency = concurrency;
  if (total == 0) return summary;
  concurrency = static_cast<unsigned>(std::min<std::uint64_t>(concurrency, total));
  ScanLoop loop(options_, concurrency, addresses, ports, on_result);
  auto result = loop.run();
  if (!result) return result;
  result->concurrency = summary.concurrency;
  result->elapsed = SteadyClock::now() - started;
  return result;
}

Result<ProbeResult> probe(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
  ScanOptions options;
  options.concurrency = 1;
  options.timeout = timeout;
  options.retries = 0;
  Scanner scanner(options);
  std::optional<ProbeResult> out;
  auto summary =
      scanner.run({endpoint.address}, {endpoint.port}, [&](const PortResult& r) { out = r.probe; });
  if (!summary) return tl::unexpected(summary.error());
  if (!out) return fail(ErrorKind::failed, "net.probe", "the probe gave no answer");
  return *out;
}

Result<std::vector<ScanJob>> plan_scan(const std::vector<std::string>& targets,
                                       const PortList& ports, FamilyPreference families,
                                       bool force) {
  constexpr std::uint64_t address_limit = 65536;           // more needs force
  constexpr std::uint64_t forced_address_limit = 1 << 24;  // what memory allows even then
  // An error that does not name its text yet gets it in front.
  auto naming = [](Error error, std::string_view text) {
    if (error.message.find(text) == std::string::npos &&
        error.message.find("(column ") == std::string::npos)
      error.message = fmt::format("{}: {}", text, error.message);
    return tl::unexpected(std::move(error));
  };
  std::vector<ScanJob> jobs;
  for (const std::string& text : targets) {
    auto target = parse_target(text);
    if (!target) return naming(target.error(), text);
    if (target->address_count() > address_limit && !force)
      return fail(ErrorKind::invalid_argument, "net.too_many",
                  fmt::format("{}: {} addresses; more than 65,536 needs --force", text,
                              target->address_count()));
    auto addresses = resolve(*target, families, force ? forced_address_limit : address_limit);
    if (!addresses) return naming(addresses.error(), target->host);
    if (addresses->empty())
      return fail(ErrorKind::not_found, "net.resolve", fmt::format("{}: no address", text));
    if (!target->prefix && addresses->size() > 1) addresses->resize(1);
    ScanJob job{*target, std::move(*addresses), ports};
    if (target->port) job.ports = {*target->port};
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<std::string> parse_probe(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  auto bad = [&](std::size_t at, std::string_view what) {
    return fail(ErrorKind::invalid_argument, "net.bad_probe",
                fmt::format("probe: {} (column {})", what, at + 1));
  };
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 == escaped.size()) return bad(i, "a lone '\\' at the end");
    const char e = escaped[i + 1];
    switch (e) {
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '0':
        out += '\0';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x': {
        const int hi = i + 2 < escaped.size() ? hex(escaped[i + 2]) : -1;
        const int lo = i + 3 < escaped.size() ? hex(escaped[i + 3]) : -1;
        if (hi < 0 || lo < 0) return bad(i, "\\x needs two hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default: {
        const bool printable = static_cast<unsigned char>(e) >= 0x20 && e != 0x7f &&
                               static_cast<unsigned char>(e) < 0x80;
        return bad(
            i, printable ? fmt::format("unknown escape '\\{}'", e) : std::string("unknown escape"));
      }
    }
    ++i;
  }
  return out;
}

std::string escape_banner(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\')
      out += "\\\\";
    else if (u >= 0x20 && u < 0x7f)
      out += c;
    else
      out += fmt::format("\\x{:02x}", u);
  }
  return out;
}

}  // namespace kit::net
