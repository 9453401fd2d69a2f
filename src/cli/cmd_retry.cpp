// kit retry — run a command until it succeeds, waiting longer after each failure: the
// tutorial's "Retry Loop with Exponential Backoff" with jitter, caps and a time budget.
//
// Between failures it logs the tutorial's lines on stderr, `[09:14:37] Attempt 1 failed: exit
// 1. Retrying in 0.5s...`, then `All 5 attempts failed. Giving up.`, and exits with the last
// attempt's status (124 when --timeout stopped it, as timeout(1)). Docs: docs/commands/retry.md.
//
// usage: kit retry [--attempts N] [--base S] [--factor F] [--max-delay S]
//                  [--jitter none|full|equal|decorrelated] [--timeout S] [--max-time S]
//                  [--on-exit CODES] [--quiet] [--] COMMAND [ARG...]
//
// Options are read with getopt_long up to the first operand (as timeout(1) and nice(1) do), so
// everything from COMMAND on is the command's, untouched.
#include <getopt.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/core/clock.hpp"
#include "kit/core/output.hpp"
#include "kit/core/process.hpp"
#include "kit/timing.hpp"
#include "kit/timing/command.hpp"

namespace kit::cli {

namespace {

namespace timing = kit::timing;

struct RetryCommandOptions {
  std::size_t attempts = 5;
  std::string base = "0.5", max_delay = "60", jitter = "none";
  double factor = 2;
  std::optional<std::string> timeout, max_time, on_exit;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
  std::vector<std::string> command;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "retry.usage", std::move(message));
}

std::string clock_now() {
  auto text = timing::strftime("%H:%M:%S", core::now());
  return text ? *text : "";
}

int run_retry(const RetryCommandOptions& o) {
  auto fail_usage = [](std::string message) {
    return core::report_error("retry", usage(std::move(message)));
  };
  if (o.command.empty())
    return fail_usage("no command to run (kit retry [options] -- COMMAND [ARG...])");
  timing::BackoffPolicy policy;
  policy.max_attempts = o.attempts;
  policy.factor = o.factor;
  auto duration = [](const char* option, const std::string& text) -> Result<timing::Duration> {
    auto d = timing::parse_duration(text);
    if (!d) return tl::unexpected(usage(fmt::format("{}: {}", option, d.error().message)));
    return d;
  };
  auto base = duration("--base", o.base);
  if (!base) return core::report_error("retry", base.error());
  policy.base = *base;
  auto max_delay = duration("--max-delay", o.max_delay);
  if (!max_delay) return core::report_error("retry", max_delay.error());
  policy.max_delay = *max_delay;
  if (o.max_time) {
    auto t = duration("--max-time", *o.max_time);
    if (!t) return core::report_error("retry", t.error());
    policy.max_elapsed = *t;
  }
  std::optional<timing::Duration> timeout;
  if (o.timeout) {
    auto t = duration("--timeout", *o.timeout);
    if (!t) return core::report_error("retry", t.error());
    if (*t == timing::Duration::zero()) return fail_usage("--timeout must be more than 0");
    timeout = *t;
  }
  auto jitter = timing::parse_jitter(o.jitter);
  if (!jitter)
    return fail_usage(
        fmt::format("--jitter: '{}' is not one of none, full, equal, decorrelated", o.jitter));
  policy.jitter = *jitter;
  if (auto checked = timing::check(policy); !checked)
    return core::report_error("retry", usage(checked.error().message));
  timing::CommandRetryOptions retry;
  if (o.on_exit) {
    auto codes = timing::parse_exit_codes(*o.on_exit);
    if (!codes) return fail_usage("--on-exit: " + codes.error().message);
    retry.retry_on = *codes;
  }

  // Ctrl-C, SIGTERM and SIGHUP end the loop: they stop the child's wait and the backoff's sleep.
  auto signals = core::SignalPipe::install();
  if (!signals) return core::report_error("retry", signals.error());
  timing::InterruptibleClock clock(signals->fd());
  // A command that may read the terminal stays in kit's group (as `timeout --foreground`), or
  // it would be stopped reading from the background; a timeout then stops it alone.
  retry.process = {.argv = o.command,
                   .timeout = timeout,
                   .own_process_group = !core::stdin_is_terminal(),
                   .cancel_fd = signals->fd()};
  retry.retry.policy = policy;
  if (o.seed) retry.retry.seed = *o.seed;
  retry.retry.clock = &clock;
  retry.retry.cancelled = [&] { return signals->caught() != 0; };
  retry.retry.on_retry = [&](const timing::Attempt& a, timing::Duration wait) {
    if (!o.quiet)
      fmt::print(stderr, "[{}] Attempt {} failed: {}. Retrying in {}...\n", clock_now(), a.number,
                 a.error->message, timing::format_seconds(wait));
  };
  const timing::CommandRetryOutcome outcome = timing::retry_command(retry);
  const core::ProcessResult& last = outcome.last;

  if (outcome.fatal) {
    core::report_error("retry", *outcome.fatal);
    return core::exec_failure_status(*outcome.fatal).value_or(core::exit_usage);
  }
  const timing::Attempt& final_attempt = outcome.attempts.back();
  switch (outcome.reason) {
    case timing::StopReason::succeeded:
      if (!o.quiet && final_attempt.number > 1)
        fmt::print(stderr, "[{}] Attempt {} succeeded in {:.4f}s\n", clock_now(),
                   final_attempt.number,
                   std::chrono::duration<double>(final_attempt.duration).count());
      return core::exit_ok;
    case timing::StopReason::cancelled:
      if (!o.quiet) fmt::print(stderr, "kit retry: interrupted\n");
      return 128 + signals->caught();
    case timing::StopReason::not_retryable:
      if (!o.quiet)
        fmt::print(stderr, "[{}] Attempt {} failed: {} (not in --on-exit). Giving up.\n",
                   clock_now(), final_attempt.number, core::describe(last));
      break;
    case timing::StopReason::time_budget:
      if (!o.quiet)
        fmt::print(stderr,
                   "[{}] Attempt {} failed: {}. Giving up: --max-time {} would pass "
                   "before the next attempt.\n",
                   clock_now(), final_attempt.number, core::describe(last), *o.max_time);
      break;
    case timing::StopReason::attempts_exhausted:
      if (!o.quiet) {
        if (final_attempt.number == 1)
          fmt::print(stderr, "The only attempt failed. Giving up.\n");
        else
          fmt::print(stderr, "All {} attempts failed. Giving up.\n", final_attempt.number);
      }
      break;
  }
  return last.status() != 0 ? last.status() : core::exit_failed;
}

constexpr const char* help_text =
    "Run COMMAND until it succeeds, waiting longer after each failure.\n"
    "\n"
    "Usage: kit retry [OPTION]... [--] COMMAND [ARG]...\n"
    "\n"
    "  -n, --attempts N      attempts in all, the first included; 0: no limit (default 5)\n"
    "  -b, --base D          the wait after the first failure (default 0.5; 250ms, 2s, 1m)\n"
    "  -f, --factor F        how much each wait grows (default 2)\n"
    "  -m, --max-delay D     the longest single wait (default 60)\n"
    "  -j, --jitter MODE     none, full, equal or decorrelated (default none)\n"
    "  -t, --timeout D       stop an attempt after D: SIGTERM, then SIGKILL 5 s later\n"
    "  -T, --max-time D      start no attempt later than D after the first\n"
    "  -e, --on-exit CODES   exit statuses worth another attempt: 1,75-78 (default: any)\n"
    "      --seed N          seed of the jitter, for reproducible waits\n"
    "  -q, --quiet           no log lines on stderr\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: the last attempt's (124 after --timeout), 126/127 when COMMAND cannot\n"
    "run, 2 for bad usage, 128+N when signal N stopped kit. Docs: docs/commands/retry.md\n";

enum { opt_seed = 256 };

}  // namespace

// '+': stop at the first operand, which starts the command.
GetoptTable getopt_table_retry() {
  return {{{"attempts", required_argument, nullptr, 'n'},
           {"base", required_argument, nullptr, 'b'},
           {"factor", required_argument, nullptr, 'f'},
           {"max-delay", required_argument, nullptr, 'm'},
           {"jitter", required_argument, nullptr, 'j'},
           {"timeout", required_argument, nullptr, 't'},
           {"max-time", required_argument, nullptr, 'T'},
           {"on-exit", required_argument, nullptr, 'e'},
           {"seed", required_argument, nullptr, opt_seed},
           {"quiet", no_argument, nullptr, 'q'},
           {"help", no_argument, nullptr, 'h'},
           {nullptr, 0, nullptr, 0}},
          "+:n:b:f:m:j:t:T:e:qh"};
}

int main_retry(std::string_view program, int argc, char** argv) {
  RetryCommandOptions o;
  const GetoptTable table = getopt_table_retry();
  auto bad = [&](std::string message) {
    fmt::print(stderr, "{}: {}\nRun '{} --help' for usage.\n", program, message, program);
    return core::exit_usage;
  };
  auto number = [](const char* text, auto& out) {
    const std::string_view t(text);
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && end == t.data() + t.size();
  };
  optind = 0;  // a fresh scan (glibc)
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, table.shorts.c_str(), table.longs.data(), nullptr)) != -1) {
    switch (c) {
      case 'n':
        if (!number(optarg, o.attempts))
          return bad(fmt::format("--attempts: '{}' is not a count", optarg));
        break;
      case 'b':
        o.base = optarg;
        break;
      case 'f':
        if (!number(optarg, o.factor))
          return bad(fmt::format("--factor: '{}' is not a number", optarg));
        break;
      case 'm':
        o.max_delay = optarg;
        break;
      case 'j':
        o.jitter = optarg;
        break;
      case 't':
        o.timeout = optarg;
        break;
      case 'T':
        o.max_time = optarg;
        break;
      case 'e':
        o.on_exit = optarg;
        break;
      case opt_seed: {
        std::uint64_t seed = 0;
        if (!number(optarg, seed)) return bad(fmt::format("--seed: '{}' is not a number", optarg));
        o.seed = seed;
        break;
      }
      case 'q':
        o.quiet = true;
        break;
      case 'h':
        std::fputs(help_text, stdout);
        return core::exit_ok;
      case ':':
        return bad(fmt::format("option '{}' needs a value", argv[optind - 1]));
      default:
        return bad(optopt != 0 ? fmt::format("unknown option '-{}'", static_cast<char>(optopt))
                               : fmt::format("unknown option '{}'", argv[optind - 1]));
    }
  }
  for (int i = optind; i < argc; ++i) o.command.emplace_back(argv[i]);
  return run_retry(o);
}

}  // namespace kit::cli
