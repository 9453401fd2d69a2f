// kit/sched.hpp — priority queues, top-N, k-way merges, sort(1)'s line order and the
// tutorial's aging scheduler: all of kit::sched. Include the part you use to pay for less:
//   kit/sched/queue.hpp   PriorityQueue, TopN, nsmallest/nlargest, AgingScheduler
//   kit/sched/merge.hpp   Merger, a lazy k-way merge
//   kit/sched/lines.hpp   LineOrder, top_lines, merge_lines (kit top, kit merge)
// The durable job queue built on AgingScheduler is kit::jobs (kit/jobs.hpp).
//
// Example:
//   kit::sched::PriorityQueue<std::string> q;                  // lowest priority first
//   auto fix = q.push("Fix login page crash", 1);
//   q.push("Archive old logs", 7);
//   q.update(fix, 9);                                           // now it waits
//   q.pop()->value;                                             // "Archive old logs"
#pragma once

#include "kit/sched/lines.hpp"
#include "kit/sched/merge.hpp"
#include "kit/sched/queue.hpp"
