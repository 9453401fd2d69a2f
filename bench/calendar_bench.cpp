// Micro-benchmarks of kit::calendar's layouts (bench/compare/cal.sh compares with CPython).
#include <benchmark/benchmark.h>

#include "kit/calendar.hpp"

namespace {

namespace cal = kit::calendar;
using namespace std::chrono;

void BM_TextFormatYear(benchmark::State& state) {
  cal::TextCalendar c;
  std::string out;
  int y = 1;
  for (auto _ : state) {
    out.clear();
    c.append_year(out, year{y}, 2, 1, 6, 3);
    benchmark::DoNotOptimize(out.data());
    y = y % 9999 + 1;
  }
}
BENCHMARK(BM_TextFormatYear);

// The same without the 14-shape body cache: a marked year (with empty marks, so the same bytes)
// is always laid out afresh.
void BM_TextFormatYearUncached(benchmark::State& state) {
  int y = 1;
  for (auto _ : state) {
    cal::TextCalendar c;
    c.mark({year{y} / January / 1, "", ""});
    std::string out = c.formatyear(year{y});
    benchmark::DoNotOptimize(out.data());
    y = y % 9999 + 1;
  }
}
BENCHMARK(BM_TextFormatYearUncached);

void BM_TextFormatMonth(benchmark::State& state) {
  cal::TextCalendar c;
  std::string out;
  unsigned m = 1;
  for (auto _ : state) {
    out.clear();
    c.append_month(out, 2026y / month{m});
    benchmark::DoNotOptimize(out.data());
    m = m % 12 + 1;
  }
}
BENCHMARK(BM_TextFormatMonth);

void BM_HtmlFormatYear(benchmark::State& state) {
  cal::HtmlCalendar c;
  std::string out;
  int y = 1;
  for (auto _ : state) {
    out.clear();
    c.append_year(out, year{y});
    benchmark::DoNotOptimize(out.data());
    y = y % 9999 + 1;
  }
}
BENCHMARK(BM_HtmlFormatYear);

void BM_MonthCalendar(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cal::monthcalendar(2026y / April));
}
BENCHMARK(BM_MonthCalendar);

}  // namespace
