// Commands benchmarked as hyperfine does: shell calibration, warmup, the run count, samples.
#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "kit/core/text.hpp"
#include "kit/timing/command.hpp"

namespace kit::timing {

namespace {

double seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

constexpr int calibration_runs = 30;

// Output to /dev/null and no input, as hyperfine: a command that reads the terminal would stop
// (it runs in a process group of its own) or wait.
core::ProcessOptions run_options(std::vector<std::string> argv) {
  return {.argv = std::move(argv), .quiet = true, .no_input = true};
}

}  // namespace

Benchmark::Benchmark(BenchmarkOptions options, ProcessRunner run, Clock& clock)
    : o_(std::move(options)), run_(std::move(run)), clock_(&clock) {}

Result<std::vector<std::string>> Benchmark::argv_of(const std::string& command) const {
  std::vector<std::string> argv{o_.shell, "-c", command};
  if (o_.no_shell) {
    auto words = core::split_words(command);
    if (!words) return words;
    if (words->empty()) return fail(ErrorKind::invalid_argument, "bench.usage", "an empty command");
    argv = std::move(*words);
  }
  if (auto path = core::find_program(argv[0])) argv[0] = *path;
  return argv;
}

Result<void> Benchmark::calibrate() {
  if (o_.no_shell) return {};
  auto shell = argv_of("");
  if (!shell) return tl::unexpected(shell.error());
  const core::ProcessOptions options = run_options(std::move(*shell));
  std::vector<double> wall, user, system;
  for (int i = 0; i < calibration_runs; ++i) {
    const Duration start = clock_->now();
    auto r = run_(options);
    const Duration took = clock_->now() - start;
    if (!r) return tl::unexpected(r.error());
    if (!r->succeeded())
      return fail(ErrorKind::failed, "bench.shell",
                  fmt::format("the shell '{}' failed to run an empty command ({})", o_.shell,
                              core::describe(*r)));
    wall.push_back(seconds(took));
    user.push_back(seconds(r->user));
    system.push_back(seconds(r->system));
  }
  shell_ = {summarize(wall).mean, summarize(user).mean, summarize(system).mean};
  return {};
}

Result<Measurement> Benchmark::measure(
    const std::string& command, const std::function<void(const BenchmarkProgress&)>& progress) {
  auto argv = argv_of(command);
  if (!argv) return tl::unexpected(argv.error());
  const core::ProcessOptions options = run_options(std::move(*argv));
  std::optional<core::ProcessOptions> prepare;
  if (o_.prepare) {
    auto p = argv_of(*o_.prepare);
    if (!p) return tl::unexpected(p.error());
    prepare = run_options(std::move(*p));
  }
  Measurement m;
  m.command = command;
  auto show = [&](BenchmarkProgress::Phase phase, std::size_t number, std::size_t total) {
    if (progress) progress({phase, number, total, &m});
  };
  auto one = [&](bool timed) -> Result<void> {
    if (prepare) {
      auto p = run_(*prepare);
      if (!p) return tl::unexpected(p.error());
      if (!p->succeeded())
        return fail(ErrorKind::failed, "bench.prepare",
                    fmt::format("the prepare command failed ({})", core::describe(*p)));
    }
    // Wall time on the clock around the run, as hyperfine takes it; CPU time is the kernel's.
    const Duration start = clock_->now();
    auto r = run_(options);
    const Duration took = clock_->now() - start;
    if (!r) return tl::unexpected(r.error());
    if (!r->succeeded() && !o_.ignore_failure)
      return fail(ErrorKind::failed, "bench.failed",
                  fmt::format("'{}' failed ({})", command, core::describe(*r)));
    if (timed) {
      m.wall.push_back(std::max(0.0, seconds(took) - shell_.wall));
      m.user.push_back(std::max(0.0, seconds(r->user) - shell_.user));
      m.system.push_back(std::max(0.0, seconds(r->system) - shell_.system));
      m.exit_codes.push_back(r->status());
    }
    return {};
  };
  for (std::size_t i = 0; i < o_.warmup; ++i) {
    show(BenchmarkProgress::Phase::warmup, i + 1, o_.warmup);
    if (auto r = one(false); !r) return tl::unexpected(r.error());
  }
  show(BenchmarkProgress::Phase::first_run, 1, o_.runs.value_or(0));
  if (auto r = one(true); !r) return tl::unexpected(r.error());
  // Without a run count: as many runs as fit in min_time by the first one's time (the shell's
  // start-up included), at least 10.
  std::size_t runs = o_.runs.value_or(0);
  if (!o_.runs) {
    const double first = std::max(m.wall[0] + shell_.wall, 1e-6);
    runs = static_cast<std::size_t>(std::clamp(std::ceil(seconds(o_.min_time) / first), 10.0, 1e6));
  }
  while (m.wall.size() < runs) {
    show(BenchmarkProgress::Phase::run, m.wall.size() + 1, runs);
    if (auto r = one(true); !r) return tl::unexpected(r.error());
  }
  show(BenchmarkProgress::Phase::done, runs, runs);
  m.time = summarize(m.wall);
  m.user_mean = summarize(m.user).mean;
  m.system_mean = summarize(m.system).mean;
  return m;
}

}  // namespace kit::timing
