// Child processes: posix_spawn, a pidfd to wait on with a time limit, wait4 for the costs.
#include "kit/core/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fmt/core.h>

extern char** environ;

namespace kit::core {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::nanoseconds from_timeval(const timeval& t) {
  return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
}

// wait_until(pidfd, pid, cancel_fd, deadline): true when the child has exited (not yet
// reaped), false when the deadline passed or cancel_fd became readable (then *cancelled).
bool wait_until(int pidfd, pid_t pid, int cancel_fd, std::optional<Clock::time_point> deadline,
                bool* cancelled) {
  while (true) {
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
      if (left.count() <= 0) return false;
      timeout_ms = static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30));
    }
    if (pidfd < 0) {  // no pidfd (an old kernel): look every few milliseconds
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid == pid)
        return true;
      timeout_ms = timeout_ms < 0 ? 5 : std::min(timeout_ms, 5);
    }
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
    const int n = ::poll(fds, 2, timeout_ms);
    if (n < 0 && errno != EINTR) return false;
    if (n <= 0) continue;
    if ((fds[1].revents & POLLIN) != 0) {
      *cancelled = true;
      return false;
    }
    if ((fds[0].revents & POLLIN) != 0) return true;
  }
}

// spawn_bound(o, argv, pid): fork and exec with PR_SET_PDEATHSIG, which posix_spawn cannot
// set. Between fork and exec the child calls only async-signal-safe functions. Returns 0 or
// the errno of a failed exec (sent back through a close-on-exec pipe).
int spawn_bound(const ProcessOptions& o, const std::vector<char*>& argv, pid_t& pid) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return errno;
  const pid_t parent = ::getpid();
  pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(report[0]);
    ::close(report[1]);
    return e;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    if (o.own_process_group) ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGALRM})
      ::signal(s, SIG_DFL);
    auto redirect = [](const char* path, int fd) {
      const int f = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (f >= 0 && f != fd) {
        ::dup2(f, fd);
        ::close(f);
      }
    };
    if (o.quiet) {
      redirect("/dev/null", 1);
      redirect("/dev/null", 2);
    }
    if (o.no_input) {
      const int f = ::open("/dev/null", O_RDONLY);
      if (f > 0) {
        ::dup2(f, 0);
        ::close(f);
      }
    }
    if (o.stdout_path) redirect(o.stdout_path->c_str(), 1);
    if (o.stderr_path) redirect(o.stderr_path->c_str(), 2);
    ::execvp(argv[0], argv.data());
    const int e = errno;
    [[maybe_unused]] auto n = ::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(report[1]);
  int e = 0;
  ssize_t got;
  while ((got = ::read(report[0], &e, sizeof e)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (got == static_cast<ssize_t>(sizeof e)) {
    int status;
    ::waitpid(pid, &status, 0);
    return e;
  }
  return 0;
}

}  // namespace

Result<ProcessResult> run_process(const ProcessOptions& o) {
  if (o.argv.empty() || o.argv[0].empty())
    return fail(ErrorKind::invalid_argument, "core.exec", "no command to run");
  std::vector<char*> argv;
  for (const std::string& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (o.own_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);
  // The child starts with default signal handling and nothing blocked, whatever kit does.
  sigset_t defaults, none;
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGALRM})
    sigaddset(&defaults, s);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (o.quiet) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
  if (o.no_input) posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (o.cancel_fd >= 0) posix_spawn_file_actions_addclose(&actions, o.cancel_fd);

  if (o.stdout_path)
    posix_spawn_file_actions_addopen(&actions, 1, o.stdout_path->c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (o.stderr_path)
    posix_spawn_file_actions_addopen(&actions, 2, o.stderr_path->c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);

  ProcessResult result;
  const auto start = Clock::now();
  pid_t pid = 0;
  const int spawned = o.die_with_parent
                          ? spawn_bound(o, argv, pid)
                          : ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned == ENOENT)
    return fail(ErrorKind::not_found, "core.not_found",
                fmt::format("{}: command not found", o.argv[0]));
  if (spawned == EACCES || spawned == ENOEXEC || spawned == EISDIR)
    return fail(ErrorKind::not_found, "core.not_executable",
                fmt::format("{}: cannot run it: {}", o.argv[0], std::strerror(spawned)));
  if (spawned != 0)
    return fail(ErrorKind::io, "core.exec",
                fmt::format("{}: cannot start it: {}", o.argv[0], std::strerror(spawned)));

  // Without a time limit or a cancel there is nothing to watch: wait4 alone.
  const bool watch = o.timeout.has_value() || o.cancel_fd >= 0;
  const int pidfd = watch ? static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)) : -1;
  auto stop = [&](int sig) { ::kill(o.own_process_group ? -pid : pid, sig); };
  std::optional<Clock::time_point> deadline;
  if (o.timeout) deadline = start + *o.timeout;
  bool cancelled = false;
  if (watch && !wait_until(pidfd, pid, o.cancel_fd, deadline, &cancelled)) {
    result.timed_out = !cancelled;
    result.cancelled = cancelled;
    stop(SIGTERM);
    bool ignored = false;
    if (!wait_until(pidfd, pid, -1, Clock::now() + o.kill_grace, &ignored)) stop(SIGKILL);
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.wall = Clock::now() - start;
  if (pidfd >= 0) ::close(pidfd);
  // What is left of its group (children it started and did not wait for) goes with it.
  if (o.own_process_group && (result.timed_out || result.cancelled)) stop(SIGKILL);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.user = from_timeval(usage.ru_utime);
  result.system = from_timeval(usage.ru_stime);
  return result;
}

std::optional<std::string> find_program(const std::string& name) {
  auto runnable = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos)
    return runnable(name) ? std::optional(name) : std::nullopt;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const std::string_view dir = dirs.substr(0, dirs.find(':'));
    const std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + name;
    if (runnable(candidate)) return candidate;
    if (dir.size() == dirs.size()) return std::nullopt;
    dirs.remove_prefix(dir.size() + 1);
  }
}

bool stdin_is_terminal() {
  return ::isatty(STDIN_FILENO) == 1;
}

std::string describe(const ProcessResult& r) {
  if (r.cancelled) return "interrupted";
  if (r.timed_out) return "timed out";
  if (r.signal != 0) {
    const char* name = sigabbrev_np(r.signal);
    return name != nullptr ? fmt::format("killed by SIG{}", name)
                           : fmt::format("killed by signal {}", r.signal);
  }
  return fmt::format("exit {}", r.exit_code);
}

std::optional<int> exec_failure_status(const Error& error) {
  if (error.code == "core.not_found") return 127;
  if (error.code == "core.not_executable") return 126;
  return std::nullopt;
}

namespace {

// SignalPipe's state is process-wide, as the handler that writes to it.
int signal_pipe[2] = {-1, -1};
std::atomic<int> signal_caught{0};
std::atomic<bool> signal_pipe_installed{false};
struct sigaction previous_actions[NSIG];

void on_signal(int sig) {
  signal_caught.store(sig);
  const char byte = static_cast<char>(sig);
  [[maybe_unused]] const auto written = ::write(signal_pipe[1], &byte, 1);
}

}  // namespace

Result<SignalPipe> SignalPipe::install(std::initializer_list<int> signals) {
  if (signal_pipe_installed.exchange(true))
    return fail(ErrorKind::failed, "core.signal_pipe", "a signal pipe is installed already");
  // Non-blocking: a handler never waits on a full pipe (its readers only poll it).
  if (::pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    signal_pipe_installed.store(false);
    return fail(ErrorKind::io, "core.signal_pipe", "cannot make a pipe");
  }
  signal_caught.store(0);
  SignalPipe p;
  p.owner_ = true;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : signals) {
    if (sig <= 0 || sig >= NSIG) continue;
    ::sigaction(sig, &action, &previous_actions[sig]);
    p.signals_.push_back(sig);
  }
  return p;
}

SignalPipe::SignalPipe(SignalPipe&& other) noexcept
    : signals_(std::move(other.signals_)), owner_(other.owner_) {
  other.owner_ = false;
}

SignalPipe::~SignalPipe() {
  if (!owner_) return;
  for (int sig : signals_) ::sigaction(sig, &previous_actions[sig], nullptr);
  for (int& end : signal_pipe) {
    ::close(end);
    end = -1;
  }
  signal_pipe_installed.store(false);
}

int SignalPipe::fd() const {
  return owner_ ? signal_pipe[0] : -1;
}

int SignalPipe::caught() const {
  return signal_caught.load();
}

}  // namespace kit::core
