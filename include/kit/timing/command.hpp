// kit/timing/command.hpp — a command run under a retry policy (`kit retry`) or benchmarked as
// hyperfine does (`kit bench`).
//
// Both run child processes through a ProcessRunner (core::run_process by default) and take
// time from a Clock, so that tests pass a fake runner that advances a ManualClock: exact run
// counts, samples and waits, no process started and no real sleeping.
//
// Example:
//   kit::timing::Benchmark bench({.runs = 20, .no_shell = true});
//   auto m = bench.measure("gzip -9 big.log");   // Result<Measurement>
//   m->time.mean;                                // seconds per run
//
//   kit::timing::CommandRetryOptions o;
//   o.process.argv = {"curl", "-f", "https://example.org"};
//   o.retry.policy = {.base = std::chrono::seconds(1), .max_attempts = 4};
//   o.retry_on = *kit::timing::parse_exit_codes("6,7,22");
//   auto outcome = kit::timing::retry_command(o);
//   outcome.last.status();                       // the last attempt's exit status
#pragma once

#include <bitset>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/process.hpp"
#include "kit/timing.hpp"

namespace kit::timing {

// ProcessRunner: runs a child process and reports how it ended (and its CPU time).
using ProcessRunner = std::function<Result<core::ProcessResult>(const core::ProcessOptions&)>;

// ---- Retrying a command ---------------------------------------------------------------------

// Exit statuses 0-255, e.g. those worth another attempt.
using ExitCodes = std::bitset<256>;
// parse_exit_codes("1,2,75-78"): codes and ranges of codes, each 0-255. Error
// timing.bad_exit_codes (invalid_argument) for anything else, an empty list or a range whose end
// is below its start.
[[nodiscard]] Result<ExitCodes> parse_exit_codes(std::string_view list);

struct CommandRetryOptions {
  core::ProcessOptions process;  // the command, its time limit and cancel_fd
  // The policy, seed, clock, on_retry and cancelled of the loop. An attempt's error message is
  // core::describe() of how the command ended ("exit 1", "timed out").
  RetryOptions retry;
  ExitCodes retry_on = ExitCodes().set();  // statuses worth another attempt (default: any)
};

struct CommandRetryOutcome {
  std::vector<Attempt> attempts;
  StopReason reason = StopReason::succeeded;
  core::ProcessResult last;    // how the last attempt ended
  std::optional<Error> fatal;  // the command could not be started at all: no attempt repeated
};

// retry_command(options, run): runs the command until it succeeds or the policy gives up. An
// attempt that was cancelled (cancel_fd), whose status is not in retry_on, or that could not
// start is not repeated.
[[nodiscard]] CommandRetryOutcome retry_command(const CommandRetryOptions& options,
                                                const ProcessRunner& run = core::run_process);

// ---- Benchmarking commands ------------------------------------------------------------------

struct BenchmarkOptions {
  std::size_t warmup = 0;             // untimed runs before the timed ones
  std::optional<std::size_t> runs{};  // none: ceil(min_time / first run), 10 to 1,000,000
  Duration min_time = std::chrono::seconds(3);
  std::string shell = "sh";              // each command runs as `shell -c COMMAND`, and
  bool no_shell = false;                 // or split into words (core::split_words) and run directly
  std::optional<std::string> prepare{};  // run before every run, untimed; its failure ends it
  bool ignore_failure = false;           // otherwise a run that fails ends the benchmark
};

// Measurement: one command's timed runs, the shell's start-up taken off every sample.
struct Measurement {
  std::string command;
  std::vector<double> wall, user, system;  // seconds, one per timed run
  std::vector<int> exit_codes;             // core::ProcessResult::status() of each
  Summary time;                            // of wall
  double user_mean = 0, system_mean = 0;
};

// Where measure() is, for a progress line: before each warmup run, before the first timed run,
// before each later one (with the samples so far), and done.
struct BenchmarkProgress {
  enum class Phase : std::uint8_t { warmup, first_run, run, done };
  Phase phase = Phase::warmup;
  std::size_t number = 0, total = 0;  // the run about to start (1-based) and how many in all
  const Measurement* so_far = nullptr;
};

// The mean cost of the shell running nothing: taken off every sample.
struct ShellCost {
  double wall = 0, user = 0, system = 0;  // seconds
};

class Benchmark {
 public:
  explicit Benchmark(BenchmarkOptions options, ProcessRunner run = core::run_process,
                     Clock& clock = steady_clock());

  // argv_of(command): what each run executes, its program looked up on PATH once, not per run.
  // Errors: core.open_quote, bench.usage for an empty command (both invalid_argument).
  [[nodiscard]] Result<std::vector<std::string>> argv_of(const std::string& command) const;

  // calibrate(): runs `shell -c ''` 30 times and keeps the mean as shell_cost(), as hyperfine
  // does. Nothing without a shell. Error bench.shell when the shell fails.
  [[nodiscard]] Result<void> calibrate();
  [[nodiscard]] const ShellCost& shell_cost() const { return shell_; }

  // measure(command, progress): warmup runs, then the timed runs. Errors: bench.failed (a run
  // failed, without ignore_failure), bench.prepare, the runner's (core.not_found, …).
  [[nodiscard]] Result<Measurement> measure(
      const std::string& command,
      const std::function<void(const BenchmarkProgress&)>& progress = {});

 private:
  BenchmarkOptions o_;
  ProcessRunner run_;
  Clock* clock_;
  ShellCost shell_;
};

}  // namespace kit::timing
