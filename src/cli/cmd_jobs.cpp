// kit jobs — a durable local job queue: submit commands with priorities, run them with a pool
// of workers in aging order, inspect, cancel, retry, prune. The tutorial's "Job Scheduler with
// Aging" made to really run jobs. Docs: docs/commands/jobs.md (and its guarantees).
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
#include "kit/core/clock.hpp"
#include "kit/core/output.hpp"
#include "kit/sched.hpp"
#include "kit/sched/jobs.hpp"
#include "kit/timing.hpp"

namespace kit::cli {

namespace {

using nlohmann::json;

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

std::atomic<bool> stop_requested{false};
void on_stop(int) { stop_requested.store(true); }

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

std::string timestamp(std::int64_t ns) {
  auto t = timing::strftime("%Y-%m-%d %H:%M:%S",
                            std::chrono::system_clock::time_point(std::chrono::duration_cast<
                                std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns))));
  return t ? *t : "";
}

std::int64_t effective(const sched::Job& j, const JobsOptions& o, std::int64_t now_ns) {
  auto interval = timing::parse_duration(o.aging_interval);  // checked before the store opened
  return sched::effective_priority(j.spec.priority, std::chrono::nanoseconds(now_ns - j.submitted_ns),
                                   {.interval = interval.value_or(std::chrono::seconds(5)), .boost = o.aging_boost});
}

json job_json(const sched::Job& j, const JobsOptions& o, std::int64_t now_ns) {
  json d = {{"id", j.id}, {"name", j.spec.name}, {"argv", j.spec.argv},
            {"state", sched::job_state_name(j.state)}, {"priority", j.spec.priority},
            {"effective_priority", j.state == sched::JobState::queued ? json(effective(j, o, now_ns)) : json(nullptr)},
            {"retries", j.spec.retries}, {"attempts", j.attempts},
            {"submitted", timestamp(j.submitted_ns)},
            {"finished", j.finished_ns ? json(timestamp(j.finished_ns)) : json(nullptr)},
            {"status", j.status ? json(*j.status) : json(nullptr)}};
  return d;
}

int run_jobs(JobsOptions& o) {
  const std::string program = "jobs " + o.action;
  const std::string path = o.db.value_or(sched::default_jobs_path());
  if (o.action == "submit") {
    if (o.command.empty()) return core::report_error(program, usage("no command to run (kit jobs submit -- COMMAND [ARG...])"));
    if (o.priority < 0) return core::report_error(program, usage(fmt::format("-p: the priority must be 0 or more (got {})", o.priority)));
  }
  // Every option is checked before the database is opened (or created).
  auto fail_usage = [&](std::string message) { return core::report_error(program, usage(std::move(message))); };
  sched::JobSpec spec{.argv = o.command, .priority = o.priority, .name = o.name, .retries = o.retries};
  sched::WorkOptions w{.jobs = o.jobs, .drain = o.drain};
  std::optional<sched::JobState> state;
  std::chrono::nanoseconds older_than{0};
  if (o.action == "submit") {
    auto backoff = timing::parse_duration(o.backoff);
    if (!backoff) return fail_usage("--backoff: " + backoff.error().message);
    spec.backoff = std::chrono::duration_cast<std::chrono::milliseconds>(*backoff);
    if (!o.timeout.empty()) {
      auto t = timing::parse_duration(o.timeout);
      if (!t || t->count() == 0) return fail_usage("--timeout: " + (t ? std::string("must be more than 0") : t.error().message));
      spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*t);
    }
  } else if (o.action == "work" || o.action == "list") {
    auto interval = timing::parse_duration(o.aging_interval);
    if (!interval || interval->count() == 0)
      return fail_usage("--aging-interval: " + (interval ? std::string("must be more than 0") : interval.error().message));
    w.aging_interval = *interval;
    if (o.aging_boost < 0) return fail_usage("--aging-boost must be 0 or more");
    w.aging_boost = o.aging_boost;
    auto lease = timing::parse_duration(o.lease);
    if (!lease || *lease < std::chrono::milliseconds(300))
      return fail_usage("--lease: " + (lease ? std::string("must be at least 300ms") : lease.error().message));
    w.lease = std::chrono::duration_cast<std::chrono::milliseconds>(*lease);
    if (o.state) {
      state = sched::parse_job_state(*o.state);
      if (!state) return fail_usage(fmt::format("--state: '{}' is not one of queued, running, done, failed, cancelled", *o.state));
    }
  } else if (o.action == "prune") {
    auto older = timing::parse_duration(o.older_than);
    if (!older) return fail_usage("--older-than: " + older.error().message);
    older_than = *older;
  }
  auto store = sched::JobStore::open(path);
  if (!store) return core::report_error(program, store.error());
  core::Output out({.json = o.json, .command = program});
  // The aging clock (SOURCE_DATE_EPOCH may fix it), as the workers use.
  const std::int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(core::now().time_since_epoch()).count();

  if (o.action == "submit") {
    auto id = store->submit(spec);
    if (!id) return core::report_error(program, id.error());
    if (o.json) out.document({{"id", *id}});
    else out.text(fmt::format("{}\n", *id));
    return out.finish();
  }
  if (o.action == "work") {
    if (w.lease / 3 < w.poll) w.poll = std::chrono::duration_cast<std::chrono::milliseconds>(w.lease / 4);
    // Ctrl-C or SIGTERM: claim nothing more, let the running jobs finish; a second one kills
    // (the jobs die with the worker, and their leases bring them back later).
    struct sigaction action {};
    action.sa_handler = on_stop;
    action.sa_flags = static_cast<int>(SA_RESETHAND);
    sigemptyset(&action.sa_mask);
    for (int sig : {SIGINT, SIGTERM}) ::sigaction(sig, &action, nullptr);
    w.stop = [] { return stop_requested.load(); };
    w.on_start = [&](const sched::Job& j, std::int64_t eff) {
      if (!o.json) {
        out.text(fmt::format("  Processing: '{}' (effective priority: {})\n", j.spec.name, eff));
        std::fflush(stdout);
      }
    };
    w.on_finish = [&](const sched::Job& j, const sched::AttemptRecord& a) {
      if (o.json) {
        out.record({{"id", j.id}, {"name", j.spec.name}, {"attempt", a.number}, {"status", a.status},
                    {"outcome", a.outcome}, {"seconds", seconds(a.duration_ns)},
                    {"state", sched::job_state_name(j.state)}});
      } else {
        out.text(fmt::format("  Finished: '{}' ({}, {:.2f}s){}\n", j.spec.name, a.outcome,
                             seconds(a.duration_ns),
                             j.state == sched::JobState::queued ? ", will retry" : ""));
      }
      std::fflush(stdout);
    };
    auto ran = sched::work(*store, w);
    if (!ran) return core::report_error(program, ran.error());
    if (o.json) out.summary({{"attempts", *ran}});
    return out.finish();
  }
  if (o.action == "list") {
    auto jobs = store->list(state);
    if (!jobs) return core::report_error(program, jobs.error());
    if (o.json) {
      json list = json::array();
      for (const auto& j : *jobs) list.push_back(job_json(j, o, now_ns));
      out.document(list);
    } else {
      std::string text = fmt::format("{:>6}  {:<9}  {:>8}  {:>9}  {:>8}  {}\n", "ID", "STATE", "PRIORITY", "EFFECTIVE", "ATTEMPTS", "NAME");
      for (const auto& j : *jobs)
        text += fmt::format("{:>6}  {:<9}  {:>8}  {:>9}  {:>8}  {}\n", j.id, sched::job_state_name(j.state), j.spec.priority,
                            j.state == sched::JobState::queued ? std::to_string(effective(j, o, now_ns)) : "-", j.attempts, j.spec.name);
      out.text(text);
    }
    return out.finish();
  }
  if (o.action == "show") {
    auto j = store->get(o.id);
    if (!j) return core::report_error(program, j.error());
    if (o.json) {
      json d = job_json(*j, o, now_ns);
      json attempts = json::array();
      for (const auto& a : j->history)
        attempts.push_back({{"number", a.number}, {"started", timestamp(a.started_ns)}, {"seconds", seconds(a.duration_ns)},
                            {"status", a.status}, {"outcome", a.outcome}, {"stdout_tail", core::json_text(a.stdout_tail)},
                            {"stderr_tail", core::json_text(a.stderr_tail)}, {"worker", a.worker}});
      d["history"] = attempts;
      out.document(d);
    } else {
      std::string text = fmt::format("job {}: {}\n  state: {}\n  priority: {}\n  submitted: {}\n  attempts: {} (retries allowed: {})\n",
                                     j->id, j->spec.name, sched::job_state_name(j->state), j->spec.priority,
                                     timestamp(j->submitted_ns), j->attempts, j->spec.retries);
      for (const auto& a : j->history) {
        text += fmt::format("  attempt {}: {} at {} in {:.3f}s (by {})\n", a.number, a.outcome, timestamp(a.started_ns),
                            seconds(a.duration_ns), a.worker);
        for (const auto& [label, tail] : {std::pair{"stdout", &a.stdout_tail}, std::pair{"stderr", &a.stderr_tail}})
          if (!tail->empty()) {
            text += fmt::format("    {} (last {} bytes):\n", label, tail->size());
            std::string_view rest = *tail;
            while (!rest.empty()) {
              const std::size_t end = rest.find('\n');
              text += fmt::format("      {}\n", rest.substr(0, end));
              rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
            }
          }
      }
      out.text(text);
    }
    return out.finish();
  }
  if (o.action == "cancel" || o.action == "retry") {
    auto r = o.action == "cancel" ? store->cancel(o.id) : store->retry(o.id);
    if (!r) return core::report_error(program, r.error());
    return out.finish();
  }
  if (o.action == "prune") {
    auto n = store->prune(older_than);
    if (!n) return core::report_error(program, n.error());
    if (o.json) out.document({{"deleted", *n}});
    else out.text(fmt::format("{} job{} deleted\n", *n, *n == 1 ? "" : "s"));
    return out.finish();
  }
  return core::exit_usage;
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
  work->add_option("--aging-interval", o->aging_interval, "waiting this long lowers the priority number (default 5s)");
  work->add_option("--aging-boost", o->aging_boost, "by this much (default 1)");
  work->add_option("--lease", o->lease, "how long a claim lasts without renewal (default 30s)");
  add_json_flag(*work, o->json);
  CLI::App* list = sub("list", "Jobs with their state and effective priority");
  list->add_option("--state", o->state, "queued, running, done, failed or cancelled");
  list->add_option("--aging-interval", o->aging_interval, "for the effective priority (default 5s)");
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
