// What kit cal's two files share: the parsed options and the subcommands' runners
// (cmd_cal.cpp registers the options and shows calendars; cal_tools.cpp runs the tools).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::cli {

struct CalOptions {
  enum class Action { show, find, nth, workdays, add_workdays, weekday, leap, report };
  Action action = Action::show;
  std::string name = "cal";  // for messages: "cal", "cal find", …
  // show, as python3 -m calendar
  std::vector<std::string> when;  // [YEAR [MONTH]]
  int width = 2, lines = 1, spacing = 6, months = 3, count = 1;
  std::string type = "text", css = "calendar.css", first_weekday = "mon", color = "auto";
  std::size_t layout_options_given = 0;  // how many of the options above were given
  // the tools' arguments, named as in their usage lines; run_cal checks them
  std::string weekday, year, n, date;
  std::optional<std::string> month, year2, holidays;
  std::string events, events_format;
  int busy = 3;
  bool html = false;
  bool json = false;
};

[[nodiscard]] inline Error cal_usage_error(std::string message) {
  return make_error(ErrorKind::invalid_argument, "cal.usage", std::move(message));
}

// The tools: `kit cal find|nth|workdays|add-workdays|weekday|leap|report` (cal_tools.cpp).
int run_cal_find(const CalOptions& o);
int run_cal_nth(const CalOptions& o);
int run_cal_workdays(const CalOptions& o);
int run_cal_add_workdays(const CalOptions& o);
int run_cal_weekday(const CalOptions& o);
int run_cal_leap(const CalOptions& o);
int run_cal_report(const CalOptions& o);

}  // namespace kit::cli
