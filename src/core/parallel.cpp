#include "kit/core/parallel.hpp"

#include <sched.h>

namespace kit::core {

unsigned hardware_jobs() {
  // The CPUs this process may run on (taskset, containers), not merely those the machine has.
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<unsigned>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace kit::core
