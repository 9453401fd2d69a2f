"""The tutorial's JobScheduler ("Real-Life Example: Job Scheduler with Aging", job_scheduler.py),
ported to an injected clock: the reference of tests/diff/sched_vs_python.py (group aging) and the
Python side of bench/compare/sched.sh.

    from reference.job_scheduler import JobScheduler  # from tests/diff/

    now = 0
    s = JobScheduler(lambda: now, interval=5 * 10**9, boost=1)
    s.submit("Fix login page crash", 1)  # -> 0, its id
    s.process_next()                     # -> (0, 1): id, effective priority
"""
import heapq
import itertools


class JobScheduler:
    """The tutorial's JobScheduler, ported to an injected clock.

    Differences from the tutorial's text:
      * the clock is `clock()`, integer nanoseconds, and interval/boost are arguments;
        boosts = wait // interval (the tutorial's int(wait_seconds / interval), exact);
      * submit returns the job's count (its id) instead of printing, process_next returns
        (count, effective); cancel(count) is added (the tutorial has none);
      * THE ONE DELIBERATE DIFFERENCE: process_next computes every job's effective priority
        from its ORIGINAL priority. The tutorial keeps the re-heapified `updated` list as its
        heap, so the effective priorities become the stored ones and aging compounds: a job
        waiting 2 intervals over two pops is boosted 1 + 2 = 3 times. kit implements the rule
        the tutorial states, max(0, priority - boost * floor(wait / interval)), so here the
        original priority stays in each entry and only the order is recomputed.
    As in the tutorial, the stored list is not kept in heap order between pops (process_next
    heapifies every entry anew), so the work per pop is the tutorial's.
    """

    def __init__(self, clock, interval, boost):
        self._heap = []
        self._counter = itertools.count()
        self._clock = clock
        self._aging_interval = interval
        self._aging_boost = boost

    def submit(self, job_name, priority):
        count = next(self._counter)
        submit_time = self._clock()
        heapq.heappush(self._heap, (priority, count, job_name, submit_time))
        return count

    def _effective_priority(self, priority, count, job_name, submit_time):
        """Reduce priority number (boost urgency) based on wait time."""
        wait = self._clock() - submit_time
        boosts = wait // self._aging_interval
        return max(0, priority - (boosts * self._aging_boost))

    def process_next(self):
        if not self._heap:
            return None
        # Re-heapify with effective priorities (keeping the original one beside each).
        updated = []
        for entry in self._heap:
            priority, count, name, submit_time = entry
            eff = self._effective_priority(priority, count, name, submit_time)
            updated.append((eff, count, priority, name, submit_time))
        heapq.heapify(updated)
        eff_priority, count, _, name, _ = heapq.heappop(updated)
        self._heap = [(p, c, n, t) for _, c, p, n, t in updated]
        return count, eff_priority

    def cancel(self, count):
        for i, entry in enumerate(self._heap):
            if entry[1] == count:
                self._heap[i] = self._heap[-1]
                self._heap.pop()
                return True
        return False
