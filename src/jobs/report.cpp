// Jobs as text and JSON: `kit jobs show` and `kit jobs list --json`.
#include "kit/jobs/report.hpp"

#include <fmt/core.h>

#include "kit/core/output.hpp"
#include "kit/sched/queue.hpp"
#include "kit/timing.hpp"

namespace kit::jobs {

namespace {

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

}  // namespace

std::string format_time(std::int64_t ns) {
  const std::chrono::system_clock::time_point t(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(ns)));
  return timing::strftime("%Y-%m-%d %H:%M:%S", t).value_or("");
}

std::int64_t effective_priority(const Job& job, std::int64_t now, const WorkOptions& options) {
  return sched::effective_priority(
      job.spec.priority, std::chrono::nanoseconds(now - job.submitted_ns),
      {.interval = options.aging_interval, .boost = options.aging_boost});
}

std::string describe(const Job& j) {
  std::string text = fmt::format(
      "job {}: {}\n  state: {}\n  priority: {}\n  submitted: {}\n  attempts: {} (retries "
      "allowed: {})\n",
      j.id, j.spec.name, job_state_name(j.state), j.spec.priority, format_time(j.submitted_ns),
      j.attempts, j.spec.retries);
  for (const auto& a : j.history) {
    text += fmt::format("  attempt {}: {} at {} in {:.3f}s (by {})\n", a.number, a.outcome,
                        format_time(a.started_ns), seconds(a.duration_ns), a.worker);
    for (const auto& [label, tail] :
         {std::pair{"stdout", &a.stdout_tail}, std::pair{"stderr", &a.stderr_tail}}) {
      if (tail->empty()) continue;
      text += fmt::format("    {} (last {} bytes):\n", label, tail->size());
      for (std::string_view rest = *tail; !rest.empty();) {
        const std::size_t end = rest.find('\n');
        text += fmt::format("      {}\n", rest.substr(0, end));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
      }
    }
  }
  return text;
}

nlohmann::json to_json(const Job& j, std::optional<std::int64_t> effective, bool history) {
  using nlohmann::json;
  json d = {{"id", j.id},
            {"name", j.spec.name},
            {"argv", j.spec.argv},
            {"state", job_state_name(j.state)},
            {"priority", j.spec.priority},
            {"effective_priority", effective ? json(*effective) : json(nullptr)},
            {"retries", j.spec.retries},
            {"attempts", j.attempts},
            {"submitted", format_time(j.submitted_ns)},
            {"finished", j.finished_ns ? json(format_time(j.finished_ns)) : json(nullptr)},
            {"status", j.status ? json(*j.status) : json(nullptr)}};
  if (!history) return d;
  json attempts = json::array();
  for (const auto& a : j.history)
    attempts.push_back({{"number", a.number},
                        {"started", format_time(a.started_ns)},
                        {"seconds", seconds(a.duration_ns)},
                        {"status", a.status},
                        {"outcome", a.outcome},
                        {"stdout_tail", core::json_text(a.stdout_tail)},
                        {"stderr_tail", core::json_text(a.stderr_tail)},
                        {"worker", a.worker}});
  d["history"] = attempts;
  return d;
}

}  // namespace kit::jobs
