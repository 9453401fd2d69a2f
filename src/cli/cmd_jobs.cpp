// kit jobs — a durable local job queue: submit commands with priorities, run them with a pool
// of workers in aging order, inspect, cancel, retry, prune. The tutorial's "Job Scheduler with
// Aging" made to really run jobs (kit::jobs). Docs: docs/commands/jobs.md (and its guarantees).
//
// usage: kit jobs submit [-p PRIORITY] [--name NAME] [--retries N] [--backoff S] [--timeout S]
//                        -- COMMAND [ARG...]
//        kit jobs work [-j N] [--drain] [--aging-interval S] [--aging-boost B] [--lease S]
//        kit jobs list [--state STATE] [--json]
//        kit jobs show ID [--json] | cancel ID | retry ID | prune --older-than DURATION
//        (every subcommand takes --db PATH; default $KIT_JOBS_DB, then the XDG data folder)
#include <atomic>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/output.hpp"
#include "kit/jobs.hpp"
#include "kit/jobs/report.hpp"
#include "kit/timing.hpp"

namespace kit::cli {

namespace {

using nlohmann::json;
using std::chrono::nanoseconds;

struct JobsOptions {
  std::string action;
  std::optional<std::string> db;
  // submit
  std::int64_t priority = 0;
  std::string name;
  std::uint32_t retries = 0;
  std::string backoff = "1", timeout;
  std::vector<std::string> command;
  // work
  unsigned jobs = 1;
  bool drain = false;
  std::string aging_interval = "5", lease = "30";
  std::int64_t aging_boost = 1;
  // list, show, cancel, retry, prune
  std::optional<std::string> state;
  std::int64_t id = 0;
  std::string older_than;
  bool json = false;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "jobs.usage", std::move(message));
}

// duration(option, text, minimum, wanted): text as a duration of at least `minimum` (when
// given; `wanted` says so in the error), or a usage error naming the option.
Result<nanoseconds> duration(std::string_view option, const std::string& text,
                             std::optional<nanoseconds> minimum = {},
                             std::string_view wanted = {}) {
  auto d = timing::parse_duration(text);
  if (!d) return tl::unexpected(usage(fmt::format("{}: {}", option, d.error().message)));
  if (minimum && *d < *minimum) return tl::unexpected(usage(fmt::format("{}: {}", option, wanted)));
  return *d;
}

std::atomic<bool> stop_requested{false};
void on_stop(int) {
  stop_requested.store(true);
}

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

// work(store, w, o, out): the worker, until drained or stopped, reporting each job.
int work(jobs::JobStore& store, jobs::WorkOptions w, const JobsOptions& o, core::Output& out) {
  if (w.lease / 3 < w.poll)
    w.poll = std::chrono::duration_cast<std::chrono::milliseconds>(w.lease / 4);
  // Ctrl-C or SIGTERM: claim nothing more, let the running jobs finish; a second one kills
  // (the jobs die with the worker, and their leases bring them back later).
  struct sigaction action {};
  action.sa_handler = on_stop;
  action.sa_flags = static_cast<int>(SA_RESETHAND);
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM}) ::sigaction(sig, &action, nullptr);
  w.stop = [] { return stop_requested.load(); };
  w.on_start = [&](const jobs::Job& j, std::int64_t eff) {
    if (o.json) return;
    out.text(fmt::format("  Processing: '{}' (effective priority: {})\n", j.spec.name, eff));
    std::fflush(stdout);
  };
  w.on_finish = [&](const jobs::Job& j, const jobs::AttemptRecord& a) {
    if (o.json)
      out.record({{"id", j.id},
                  {"name", j.spec.name},
                  {"attempt", a.number},
                  {"status", a.status},
                  {"outcome", a.outcome},
                  {"seconds", seconds(a.duration_ns)},
                  {"state", jobs::job_state_name(j.state)}});
    else
      out.text(fmt::format("  Finished: '{}' ({}, {:.2f}s){}\n", j.spec.name, a.outcome,
                           seconds(a.duration_ns),
                           j.state == jobs::JobState::queued ? ", will retry" : ""));
    std::fflush(stdout);
  };
  auto ran = jobs::work(store, w);
  if (!ran) return core::report_error("jobs work", ran.error());
  if (o.json) out.summary({{"attempts", *ran}});
  return out.finish();
}

int run_jobs(JobsOptions& o) {
  const std::string program = "jobs " + o.action;
  auto fail = [&](const Error& e) { return core::report_error(program, e); };
  if (o.action == "submit") {
    if (o.command.empty())
      return fail(usage("no command to run (kit jobs submit -- COMMAND [ARG...])"));
    if (o.priority < 0)
      return fail(usage(fmt::format("-p: the priority must be 0 or more (got {})", o.priority)));
  }
  // Every option is checked before the database is opened (or created).
  jobs::JobSpec spec{
      .argv = o.command, .priority = o.priority, .name = o.name, .retries = o.retries};
  jobs::WorkOptions w{.jobs = o.jobs, .drain = o.drain};
  std::optional<jobs::JobState> state;
  nanoseconds older_than{0};
  if (o.action == "submit") {
    auto backoff = duration("--backoff", o.backoff);
    if (!backoff) return fail(backoff.error());
    spec.backoff = std::chrono::duration_cast<std::chrono::milliseconds>(*backoff);
    if (!o.timeout.empty()) {
      auto t = duration("--timeout", o.timeout, nanoseconds(1), "must be more than 0");
      if (!t) return fail(t.error());
      spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*t);
    }
  } else if (o.action == "work" || o.action == "list") {
    auto interval =
        duration("--aging-interval", o.aging_interval, nanoseconds(1), "must be more than 0");
    if (!interval) return fail(interval.error());
    w.aging_interval = *interval;
    if (o.aging_boost < 0) return fail(usage("--aging-boost must be 0 or more"));
    w.aging_boost = o.aging_boost;
    auto lease =
        duration("--lease", o.lease, std::chrono::milliseconds(300), "must be at least 300ms");
    if (!lease) return fail(lease.error());
    w.lease = std::chrono::duration_cast<std::chrono::milliseconds>(*lease);
    if (o.state && !(state = jobs::parse_job_state(*o.state)))
      return fail(usage(fmt::format(
          "--state: '{}' is not one of queued, running, done, failed, cancelled", *o.state)));
  } else if (o.action == "prune") {
    auto older = duration("--older-than", o.older_than);
    if (!older) return fail(older.error());
    older_than = *older;
  }
  auto store = jobs::JobStore::at(o.db.value_or(jobs::default_jobs_path()));
  if (!store) return fail(store.error());
  core::Output out({.json = o.json, .command = program});
  const std::int64_t now_ns = store->aging_now();  // as the workers age jobs

  if (o.action == "submit") {
    auto id = store->submit(spec);
    if (!id) return fail(id.error());
    if (o.json)
      out.document({{"id", *id}});
    else
      out.text(fmt::format("{}\n", *id));
  } else if (o.action == "work") {
    return work(*store, w, o, out);
  } else if (o.action == "list") {
    auto list = store->list(state);
    if (!list) return fail(list.error());
    json docs = json::array();
    std::string text = fmt::format("{:>6}  {:<9}  {:>8}  {:>9}  {:>8}  {}\n", "ID", "STATE",
                                   "PRIORITY", "EFFECTIVE", "ATTEMPTS", "NAME");
    for (const auto& j : *list) {
      const bool queued = j.state == jobs::JobState::queued;
      const auto effective = jobs::effective_priority(j, now_ns, w);
      if (o.json)
        docs.push_back(jobs::to_json(j, queued ? std::optional(effective) : std::nullopt));
      text += fmt::format("{:>6}  {:<9}  {:>8}  {:>9}  {:>8}  {}\n", j.id,
                          jobs::job_state_name(j.state), j.spec.priority,
                          queued ? std::to_string(effective) : "-", j.attempts, j.spec.name);
    }
    if (o.json)
      out.document(docs);
    else
      out.text(text);
  } else if (o.action == "show") {
    auto j = store->get(o.id);
    if (!j) return fail(j.error());
    const bool queued = j->state == jobs::JobState::queued;
    if (o.json)
      out.document(jobs::to_json(
          *j, queued ? std::optional(jobs::effective_priority(*j, now_ns, w)) : std::nullopt,
          true));
    else
      out.text(jobs::describe(*j));
  } else if (o.action == "cancel" || o.action == "retry") {
    auto r = o.action == "cancel" ? store->cancel(o.id) : store->retry(o.id);
    if (!r) return fail(r.error());
  } else if (o.action == "prune") {
    auto n = store->prune(older_than);
    if (!n) return fail(n.error());
    if (o.json)
      out.document({{"deleted", *n}});
    else
      out.text(fmt::format("{} job{} deleted\n", *n, *n == 1 ? "" : "s"));
  }
  return out.finish();
}

}  // namespace

Runner register_jobs(CLI::App& app) {
  auto o = std::make_shared<JobsOptions>();
  app.require_subcommand(1);
  std::vector<CLI::App*> subs;
  auto sub = [&](const char* name, const char* help) {
    CLI::App* s = app.add_subcommand(name, help);
    s->add_option("--db", o->db, "the database (default: $KIT_JOBS_DB, else the XDG data folder)");
    subs.push_back(s);
    return s;
  };
  CLI::App* submit = sub("submit", "Queue a command; prints its id");
  submit->add_option("-p,--priority", o->priority, "lower runs first (default 0)");
  submit->add_option("--name", o->name, "a name for lists (default: the command line)");
  submit->add_option("--retries", o->retries, "attempts after a failure (default 0)");
  submit->add_option("--backoff", o->backoff, "the first retry's wait, doubling (default 1s)");
  submit->add_option("--timeout", o->timeout, "stop an attempt after this long");
  submit->add_option("COMMAND", o->command, "the command and its arguments (after --)");
  add_json_flag(*submit, o->json);
  CLI::App* work = sub("work", "Run queued jobs, N at a time, in aging order");
  work->add_option("-j,--jobs", o->jobs, "jobs at a time (default 1)");
  work->add_flag("--drain", o->drain, "exit when nothing is queued or running");
  work->add_option("--aging-interval", o->aging_interval,
                   "waiting this long lowers the priority number (default 5s)");
  work->add_option("--aging-boost", o->aging_boost, "by this much (default 1)");
  work->add_option("--lease", o->lease, "how long a claim lasts without renewal (default 30s)");
  add_json_flag(*work, o->json);
  CLI::App* list = sub("list", "Jobs with their state and effective priority");
  list->add_option("--state", o->state, "queued, running, done, failed or cancelled");
  list->add_option("--aging-interval", o->aging_interval,
                   "for the effective priority (default 5s)");
  list->add_option("--aging-boost", o->aging_boost, "for the effective priority (default 1)");
  add_json_flag(*list, o->json);
  CLI::App* show = sub("show", "A job's attempts, exit codes, durations, output tails");
  show->add_option("ID", o->id)->required();
  add_json_flag(*show, o->json);
  sub("cancel", "Cancel a queued or running job")->add_option("ID", o->id)->required();
  sub("retry", "Queue a finished job again")->add_option("ID", o->id)->required();
  CLI::App* prune = sub("prune", "Delete finished jobs");
  prune->add_option("--older-than", o->older_than, "e.g. 7d, 12h")->required();
  add_json_flag(*prune, o->json);
  return [o, subs] {
    for (CLI::App* s : subs)
      if (s->parsed()) o->action = s->get_name();
    return run_jobs(*o);
  };
}

}  // namespace kit::cli
