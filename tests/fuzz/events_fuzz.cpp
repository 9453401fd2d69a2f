// Fuzz target: the event-file parsers behind `kit cal report` (JSON, CSV, iCalendar) and the
// holiday list of `kit cal add-workdays`. Any input must give events or an Error, never a crash.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "kit/calendar.hpp"
#include "kit/calendar/schedule.hpp"

#ifdef KIT_LIBFUZZER
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace {

// Libraries never print. Under libFuzzer, anything the parsers write to stderr is a finding
// (libical warns there for input kit must refuse first). The crash report goes to the same
// captured stderr, so replay a saved input with the plain build (`make test`'s) to read it.
class StderrWatch {
 public:
  StderrWatch() : saved_(dup(2)) {
    static std::FILE* capture = std::tmpfile();
    capture_ = fileno(capture);
    if (ftruncate(capture_, 0) != 0) std::abort();
    dup2(capture_, 2);
  }
  ~StderrWatch() {
    dup2(saved_, 2);
    close(saved_);
    struct stat st {};
    if (fstat(capture_, &st) == 0 && st.st_size > 0) std::abort();
  }

 private:
  int saved_;
  int capture_ = -1;
};

}  // namespace
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono;
  // The first byte picks the month of the report (2000-01 to 2021-04), the rest is the file.
  year_month ym = 2026y / April;
  if (size > 0) {
    ym = year{2000 + data[0] / 12} / month{static_cast<unsigned>(data[0] % 12 + 1)};
    ++data;
    --size;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
#ifdef KIT_LIBFUZZER
  const StderrWatch quiet;
#endif
  for (auto format : {kit::calendar::EventFormat::json, kit::calendar::EventFormat::csv,
                      kit::calendar::EventFormat::ics}) {
    auto events = kit::calendar::parse_events(text, format, ym);
    if (events) {
      auto report = kit::calendar::schedule_report(ym, *events);
      (void)kit::calendar::format_report_text(report);
      (void)kit::calendar::format_report_html(report);
    }
  }
  (void)kit::calendar::detect_event_format("events", text);
  (void)kit::calendar::parse_holidays(text);
  (void)kit::calendar::parse_iso_date(text);
  (void)kit::calendar::parse_weekday(text);
  return 0;
}
