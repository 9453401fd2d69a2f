// JobStore: validation, names and clocks in front of a backend (SQLite today).
#include <cstdlib>

#include <fmt/core.h>

#include "backend.hpp"
#include "kit/jobs.hpp"

namespace kit::jobs {

namespace {

Error no_job(std::int64_t id) {
  return make_error(ErrorKind::not_found, "jobs.no_job", fmt::format("no job {}", id));
}

}  // namespace

std::int64_t detail::wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view job_state_name(JobState state) {
  switch (state) {
    case JobState::queued:
      return "queued";
    case JobState::running:
      return "running";
    case JobState::done:
      return "done";
    case JobState::failed:
      return "failed";
    case JobState::cancelled:
      return "cancelled";
  }
  return "queued";
}

std::optional<JobState> parse_job_state(std::string_view text) {
  for (JobState s :
       {JobState::queued, JobState::running, JobState::done, JobState::failed, JobState::cancelled})
    if (text == job_state_name(s)) return s;
  return std::nullopt;
}

std::string default_jobs_path() {
  if (const char* env = std::getenv("KIT_JOBS_DB"); env != nullptr && *env != '\0') return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/')
    return std::string(xdg) + "/kit/jobs.db";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/share/kit/jobs.db";
}

JobStore::JobStore(std::unique_ptr<detail::Backend> backend, core::Clock& clock)
    : backend_(std::move(backend)), clock_(&clock) {}
JobStore::JobStore(JobStore&&) noexcept = default;
JobStore& JobStore::operator=(JobStore&&) noexcept = default;
JobStore::~JobStore() = default;

Result<JobStore> JobStore::at(const std::string& path, core::Clock& clock) {
  auto backend = detail::open_sqlite(path);
  if (!backend) return tl::unexpected(backend.error());
  return JobStore(std::move(*backend), clock);
}

std::int64_t JobStore::aging_now() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             clock_->system_now().time_since_epoch())
      .count();
}

Result<std::int64_t> JobStore::submit(const JobSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty())
    return fail(ErrorKind::invalid_argument, "jobs.usage", "no command to run");
  if (spec.priority < 0)
    return fail(ErrorKind::invalid_argument, "jobs.usage",
                fmt::format("the priority must be 0 or more (got {})", spec.priority));
  std::string name = spec.name;
  if (name.empty())
    for (const std::string& a : spec.argv) name += (name.empty() ? "" : " ") + a;
  return backend_->insert(spec, name, aging_now());
}

Result<Job> JobStore::get(std::int64_t id) {
  auto job = backend_->get(id);
  if (!job) return tl::unexpected(job.error());
  if (!*job) return tl::unexpected(no_job(id));
  return std::move(**job);
}

Result<std::vector<Job>> JobStore::list(std::optional<JobState> state) {
  return backend_->list(state);
}

Result<void> JobStore::cancel(std::int64_t id) {
  auto changed = backend_->cancel(id, detail::wall_ns());
  if (!changed) return tl::unexpected(changed.error());
  if (*changed) return {};
  auto s = state(id);
  if (!s) return tl::unexpected(s.error());
  return fail(ErrorKind::invalid_argument, "jobs.state",
              fmt::format("job {} is {}: only queued or running jobs can be cancelled", id,
                          job_state_name(*s)));
}

Result<void> JobStore::retry(std::int64_t id) {
  auto changed = backend_->retry(id);
  if (!changed) return tl::unexpected(changed.error());
  if (*changed) return {};
  auto s = state(id);
  if (!s) return tl::unexpected(s.error());
  return fail(
      ErrorKind::invalid_argument, "jobs.state",
      fmt::format("job {} is {}: only finished jobs can be retried", id, job_state_name(*s)));
}

Result<std::size_t> JobStore::prune(std::chrono::nanoseconds older_than) {
  return backend_->prune(detail::wall_ns() - older_than.count());
}

Result<std::size_t> JobStore::requeue_expired(std::int64_t now) {
  return backend_->requeue_expired(now);
}

Result<std::vector<QueuedJob>> JobStore::queued_after(std::int64_t seq) {
  return backend_->queued_after(seq);
}

Result<std::optional<Job>> JobStore::claim(std::int64_t id, const std::string& worker,
                                           std::int64_t now, std::int64_t lease_until) {
  return backend_->claim(id, worker, now, lease_until);
}

Result<std::size_t> JobStore::renew(const std::string& worker, std::int64_t lease_until) {
  return backend_->renew(worker, lease_until);
}

Result<void> JobStore::finish(std::int64_t id, const std::string& worker,
                              const AttemptRecord& attempt, std::optional<std::int64_t> retry_at,
                              std::int64_t now) {
  return backend_->finish(id, worker, attempt, retry_at, now);
}

Result<JobState> JobStore::state(std::int64_t id) {
  auto s = backend_->state(id);
  if (!s) return tl::unexpected(s.error());
  if (!*s) return tl::unexpected(no_job(id));
  return **s;
}

Result<std::size_t> JobStore::pending() {
  return backend_->pending();
}

}  // namespace kit::jobs
