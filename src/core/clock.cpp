#include "kit/core/clock.hpp"

#include <cstdlib>
#include <ctime>
#include <thread>

#include "kit/core/text.hpp"

namespace kit::core {

namespace {

class SteadyClock final : public Clock {
 public:
  [[nodiscard]] Duration now() const override {
    return std::chrono::duration_cast<Duration>(
        std::chrono::steady_clock::now().time_since_epoch());
  }
  void sleep_for(Duration d) override {
    if (d > Duration::zero()) std::this_thread::sleep_for(d);
  }
};

}  // namespace

Clock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

std::chrono::system_clock::time_point now() {
  return steady_clock().system_now();
}

std::chrono::system_clock::time_point Clock::system_now() const {
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
