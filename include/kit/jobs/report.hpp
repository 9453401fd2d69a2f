// kit/jobs/report.hpp — jobs as people and programs read them: `kit jobs show`'s text, and
// JSON documents (the schema in docs/commands/jobs.md; a REST API serves the same).
//
// Example:
//   auto job = store->get(7);                                  // Result<kit::jobs::Job>
//   std::string text = kit::jobs::describe(*job);              // "job 7: make report\n  state:
//   ..." nlohmann::json doc = kit::jobs::to_json(*job, std::nullopt, true);   // {"id": 7, ...}
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "kit/jobs.hpp"

namespace kit::jobs {

// format_time(ns): a time in ns since the epoch as "YYYY-MM-DD HH:MM:SS", local time (TZ).
[[nodiscard]] std::string format_time(std::int64_t ns);

// describe(job): the job, its attempts (outcome, start, duration, worker) and their output
// tails, indented, as `kit jobs show` prints it.
[[nodiscard]] std::string describe(const Job& job);

// to_json(job, effective, history): id, name, argv, state, priority, effective_priority
// (`effective`, or null), retries, attempts, submitted, finished, status; with `history`, the
// attempts too (output tails that are not UTF-8 as {"bytes": base64}).
[[nodiscard]] nlohmann::json to_json(const Job& job, std::optional<std::int64_t> effective,
                                     bool history = false);

}  // namespace kit::jobs
