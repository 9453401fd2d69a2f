#include "kit/core/clock.hpp"

#include <cstdlib>
#include <ctime>

#include "kit/core/text.hpp"

namespace kit::core {

std::chrono::system_clock::time_point now() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
    if (auto seconds = parse_int(epoch); seconds && *seconds >= 0)
      return std::chrono::system_clock::time_point{std::chrono::seconds{*seconds}};
  }
  return std::chrono::system_clock::now();
}

LocalDate local_today() {
  const std::time_t t = std::chrono::system_clock::to_time_t(now());
  std::tm local{};
  localtime_r(&t, &local);
  return {local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
          static_cast<unsigned>(local.tm_mday)};
}

}  // namespace kit::core
