// kit/core/process.hpp — running a command as a child process: no shell, its own process
// group, a time limit, cancellation, and what it cost (wall, user and system time).
//
// Shared by `kit retry`, `kit bench` and the job runner: each needs "run this argv, stop it
// cleanly when it overstays or when the user presses Ctrl-C, tell me how it ended".
//
// Example:
//   kit::core::ProcessOptions o{.argv = {"sleep", "5"}, .timeout = std::chrono::seconds(1)};
//   auto r = kit::core::run_process(o);   // Result<ProcessResult>
//   r->timed_out;                          // true: SIGTERM to its group after 1 s
//   r->status();                           // 124 (timeout(1)'s code); 128+N for a signal
#pragma once

#include <chrono>
#include <csignal>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::core {

struct ProcessOptions {
  std::vector<std::string> argv{};  // argv[0] is looked up on PATH unless it holds a /
  std::optional<std::chrono::nanoseconds> timeout{};
  // After a timeout or a cancel: SIGTERM to the group, then SIGKILL when it is still there.
  std::chrono::nanoseconds kill_grace = std::chrono::seconds(5);
  // A group of its own lets a timeout stop the command's children too; but a command that
  // reads the terminal from a background group is stopped (SIGTTIN): see foreground_safe().
  bool own_process_group = true;
  bool quiet = false;     // stdout and stderr to /dev/null
  bool no_input = false;  // stdin from /dev/null (otherwise inherited)
  // Or each to its own file (created or truncated), e.g. to keep the tail of a job's output.
  std::optional<std::string> stdout_path{}, stderr_path{};
  // die_with_parent: the child is killed if the thread that started it dies (Linux's
  // PR_SET_PDEATHSIG), so that a worker killed with SIGKILL leaves no job running behind it.
  bool die_with_parent = false;
  // cancel_fd: when it becomes readable (a self-pipe a signal handler writes to), the child
  // is stopped as on a timeout and the result says cancelled. -1: none.
  int cancel_fd = -1;
};

struct ProcessResult {
  int exit_code = 0;                 // when it exited
  int signal = 0;                    // when a signal ended it (0 otherwise)
  bool timed_out = false;            // kit stopped it: its time was up
  bool cancelled = false;            // kit stopped it: cancel_fd
  std::chrono::nanoseconds wall{0};  // spawn to reaped, on the steady clock
  std::chrono::nanoseconds user{0};  // CPU time of the child and its waited-for children
  std::chrono::nanoseconds system{0};
  // status(): what a shell would report: the exit code, 128 + signal, 124 after a timeout.
  [[nodiscard]] int status() const {
    if (timed_out) return 124;
    if (signal != 0) return 128 + signal;
    return exit_code;
  }
  [[nodiscard]] bool succeeded() const {
    return !timed_out && !cancelled && signal == 0 && exit_code == 0;
  }
};

// run_process(options): runs argv and waits for it. Errors: an empty argv (invalid_argument),
// a command that is not found or not executable (not_found, core.exec: a shell's 127/126), a
// failure to spawn (io).
[[nodiscard]] Result<ProcessResult> run_process(const ProcessOptions& options);

// exec_failure_status(error): the status a shell gives a command run_process could not start:
// 127 when it is not found, 126 when it is not executable; nullopt for any other error.
[[nodiscard]] std::optional<int> exec_failure_status(const Error& error);

// find_program(name): the path execvp would run for name (PATH searched when it has no '/');
// nullopt when there is none. Resolving once saves a loop of failed execs on every run.
[[nodiscard]] std::optional<std::string> find_program(const std::string& name);

// stdin_is_terminal(): whether a child would inherit a terminal as its input (then it should
// stay in our process group, as `timeout --foreground` does, or get no_input).
[[nodiscard]] bool stdin_is_terminal();

// describe(result): "exit 1", "killed by SIGKILL", "timed out", "interrupted".
[[nodiscard]] std::string describe(const ProcessResult& result);

// SignalPipe: the self-pipe trick, so that Ctrl-C stops a child and a wait alike. While it
// lives, the given signals are caught: the last one is remembered (caught()) and a byte goes
// to a pipe whose read end, fd(), becomes readable and stays so — a ProcessOptions::cancel_fd,
// and what timing::InterruptibleClock's sleep watches. At most one lives at a time (a signal
// handler is process-wide); its end puts the previous handlers back.
class SignalPipe {
 public:
  // install(signals): error core.signal_pipe when one is installed already or no pipe can be
  // made.
  [[nodiscard]] static Result<SignalPipe> install(std::initializer_list<int> signals = {
                                                      SIGINT, SIGTERM, SIGHUP});
  SignalPipe(SignalPipe&& other) noexcept;
  SignalPipe& operator=(SignalPipe&&) = delete;
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;
  ~SignalPipe();

  [[nodiscard]] int fd() const;      // the read end: readable once a signal was caught
  [[nodiscard]] int caught() const;  // the last signal caught; 0 for none yet

 private:
  SignalPipe() = default;
  std::vector<int> signals_;
  bool owner_ = false;
};

}  // namespace kit::core
