// The job store's backend: the operations a database must offer, each one transaction. SQLite
// implements it (sqlite.cpp); a PostgreSQL backend will be a second implementation, chosen by
// JobStore::at from the location it is given. Validation, names and clocks stay in JobStore.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kit/core/error.hpp"
#include "kit/jobs.hpp"

namespace kit::jobs::detail {

class Backend {
 public:
  virtual ~Backend() = default;
  // insert(spec, name, submitted): a queued job, last in the queue; its id.
  virtual Result<std::int64_t> insert(const JobSpec& spec, const std::string& name,
                                      std::int64_t submitted) = 0;
  virtual Result<std::optional<Job>> get(std::int64_t id) = 0;  // nullopt: no such job
  virtual Result<std::vector<Job>> list(std::optional<JobState> state) = 0;
  // cancel / retry: whether the job was in a state that allows it.
  virtual Result<bool> cancel(std::int64_t id, std::int64_t now) = 0;
  virtual Result<bool> retry(std::int64_t id) = 0;
  virtual Result<std::size_t> prune(std::int64_t finished_by) = 0;
  virtual Result<std::size_t> requeue_expired(std::int64_t now) = 0;
  virtual Result<std::vector<QueuedJob>> queued_after(std::int64_t seq) = 0;
  virtual Result<std::optional<Job>> claim(std::int64_t id, const std::string& worker,
                                           std::int64_t now, std::int64_t lease_until) = 0;
  virtual Result<std::size_t> renew(const std::string& worker, std::int64_t lease_until) = 0;
  virtual Result<void> finish(std::int64_t id, const std::string& worker,
                              const AttemptRecord& attempt, std::optional<std::int64_t> retry_at,
                              std::int64_t now) = 0;
  virtual Result<std::optional<JobState>> state(std::int64_t id) = 0;
  virtual Result<std::size_t> pending() = 0;
};

// open_sqlite(path): the SQLite backend (jobs.db errors).
Result<std::unique_ptr<Backend>> open_sqlite(const std::string& path);

// wall_ns(): the machine's wall time, ns since the epoch (leases, backoff, finish times).
std::int64_t wall_ns();

}  // namespace kit::jobs::detail
