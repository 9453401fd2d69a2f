// Event file parsers behind `kit cal report`: JSON (the tutorial's dict), CSV, iCalendar.
#include <algorithm>
#include <memory>
#include <mutex>

#include <fmt/core.h>
#include <libical/ical.h>
#include <nlohmann/json.hpp>

#include "kit/calendar/schedule.hpp"
#include "kit/core/csv.hpp"
#include "kit/core/text.hpp"

namespace kit::calendar {

namespace {

constexpr const char* bad_events = "calendar.bad_events";

std::string month_label(year_month ym) {
  return fmt::format("{} {}", month_name(ym.month()), static_cast<int>(ym.year()));
}

Result<std::vector<Event>> parse_json_events(std::string_view text, year_month ym) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's what() starts with "[json.exception.parse_error.101] ": keep the rest.
    std::string_view what = e.what();
    if (auto bracket = what.find("] "); bracket != std::string_view::npos)
      what.remove_prefix(bracket + 2);
    Error error{ErrorKind::malformed_input,
                bad_events,
                fmt::format("events JSON does not parse: {}", what),
                {},
                {}};
    if (e.byte > 0) error.offset = e.byte - 1;
    return tl::unexpected(std::move(error));
  }
  if (!doc.is_object())
    return fail(ErrorKind::malformed_input, bad_events,
                "events JSON must be an object mapping day numbers to lists of event names");
  const unsigned ndays = monthrange(ym).days;
  std::vector<Event> events;
  for (const auto& [key, value] : doc.items()) {
    auto number = core::parse_int(core::trim(key));
    if (!number || *number < 1 || *number > ndays)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("events JSON key '{}' is not a day of {} (1-{})", key,
                              month_label(ym), ndays));
    const year_month_day date = ym / day{static_cast<unsigned>(*number)};
    auto add = [&](const nlohmann::json& title) -> bool {
      if (!title.is_string()) return false;
      events.push_back({date, title.get<std::string>()});
      return true;
    };
    bool ok = value.is_array() ? std::all_of(value.begin(), value.end(), add) : add(value);
    if (!ok)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("events JSON day {} must map to a list of event names", key));
  }
  return events;
}

std::string lowercase(std::string_view s) {
  std::string out(core::trim(s));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<std::vector<Event>> parse_csv_events(std::string_view text, year_month ym) {
  auto rows = core::parse_csv(text);
  if (!rows) {
    Error error = std::move(rows.error());
    error.code = bad_events;
    error.message = "events CSV: " + error.message;
    return tl::unexpected(std::move(error));
  }
  if (rows->empty()) return std::vector<Event>{};
  const core::CsvRow& header = rows->front();
  if (header.fields.size() != 2 || lowercase(header.fields[0]) != "date" ||
      lowercase(header.fields[1]) != "event")
    return fail_at(ErrorKind::malformed_input, bad_events,
                   "events CSV must start with the header 'date,event'", {header.line, 1});
  std::vector<Event> events;
  for (std::size_t i = 1; i < rows->size(); ++i) {
    const core::CsvRow& row = (*rows)[i];
    if (row.fields.size() != 2)
      return fail_at(ErrorKind::malformed_input, bad_events,
                     fmt::format("events CSV record has {} fields, expected 2 (date,event)",
                                 row.fields.size()),
                     {row.line, 1});
    auto date = parse_iso_date(core::trim(row.fields[0]));
    if (!date)
      return fail_at(ErrorKind::malformed_input, bad_events, "events CSV: " + date.error().message,
                     {row.line, 1});
    if (date->year() / date->month() == ym) events.push_back({*date, row.fields[1]});
  }
  return events;
}

// libical's errors abort the process by default; kit wants them as values.
void quiet_libical() {
  static std::once_flag once;
  std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

struct IcalFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
struct RecurFree {
  void operator()(icalrecur_iterator* it) const { icalrecur_iterator_free(it); }
};

std::optional<year_month_day> date_of(const icaltimetype& t) {
  if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t)) return std::nullopt;
  year_month_day d{year{t.year}, month{static_cast<unsigned>(t.month)},
                   day{static_cast<unsigned>(t.day)}};
  if (!d.ok()) return std::nullopt;
  return d;
}

// A cap on recurrence steps, so that a pathological RRULE cannot hang the parser.
constexpr int max_recurrence_steps = 100000;

Result<std::vector<Event>> parse_ics_events(std::string_view text, year_month ym) {
  quiet_libical();
  std::string buffer(text);  // libical wants a NUL-terminated string
  std::unique_ptr<icalcomponent, IcalFree> root(icalparser_parse_string(buffer.c_str()));
  if (!root)
    return fail(ErrorKind::malformed_input, bad_events,
                "events file is not iCalendar (no BEGIN:VCALENDAR or BEGIN:VEVENT)");
  const icalcomponent_kind kind = icalcomponent_isa(root.get());
  if (kind != ICAL_VCALENDAR_COMPONENT && kind != ICAL_VEVENT_COMPONENT &&
      kind != ICAL_XROOT_COMPONENT)
    return fail(ErrorKind::malformed_input, bad_events,
                "events file is not iCalendar (no BEGIN:VCALENDAR or BEGIN:VEVENT)");

  std::vector<icalcomponent*> vevents;
  std::vector<icalcomponent*> pending{root.get()};
  while (!pending.empty()) {  // VEVENTs may sit in a VCALENDAR, or several VCALENDARs (XROOT)
    icalcomponent* c = pending.back();
    pending.pop_back();
    if (icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT) {
      vevents.push_back(c);
      continue;
    }
    for (icalcomponent* child = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         child != nullptr; child = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
      pending.push_back(child);
  }
  std::reverse(vevents.begin(), vevents.end());

  const year_month_day month_start = ym / 1, month_end = ym / std::chrono::last;
  std::vector<Event> events;
  std::size_t index = 0;
  for (icalcomponent* ev : vevents) {
    ++index;
    const char* summary = icalcomponent_get_summary(ev);
    std::string title = summary != nullptr ? summary : "";
    auto start = date_of(icalcomponent_get_dtstart(ev));
    if (!start)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("iCalendar event {} ('{}') has no valid DTSTART", index, title));

    std::vector<year_month_day> excluded;
    for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
      if (auto d = date_of(icalproperty_get_exdate(p))) excluded.push_back(*d);
    auto add = [&](year_month_day d) {
      if (d >= month_start && d <= month_end &&
          std::find(excluded.begin(), excluded.end(), d) == excluded.end())
        events.push_back({d, title});
    };

    icalproperty* rrule = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
    if (rrule == nullptr) {
      add(*start);
      continue;
    }
    if (*start > month_end) continue;
    std::unique_ptr<icalrecur_iterator, RecurFree> it(
        icalrecur_iterator_new(icalproperty_get_rrule(rrule), icalcomponent_get_dtstart(ev)));
    if (!it)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("iCalendar event {} ('{}') has an invalid RRULE", index, title));
    // Skip ahead to the month (libical can only when the rule has no COUNT), so that a
    // frequent rule started long ago still reaches it within the step cap.
    if (icalproperty_get_rrule(rrule).count == 0 && *start < month_start) {
      icaltimetype from = icalcomponent_get_dtstart(ev);
      from.year = static_cast<int>(ym.year());
      from.month = static_cast<int>(static_cast<unsigned>(ym.month()));
      from.day = 1;
      from.hour = from.minute = from.second = 0;
      icalrecur_iterator_set_start(it.get(), from);
    }
    for (int step = 0; step < max_recurrence_steps; ++step) {
      auto d = date_of(icalrecur_iterator_next(it.get()));
      if (!d || *d > month_end) break;
      add(*d);
    }
  }
  return events;
}

}  // namespace

Result<EventFormat> parse_event_format(std::string_view name) {
  std::string n = lowercase(name);
  if (n == "json") return EventFormat::json;
  if (n == "csv") return EventFormat::csv;
  if (n == "ics" || n == "ical" || n == "icalendar") return EventFormat::ics;
  return fail(ErrorKind::invalid_argument, "calendar.bad_format",
              fmt::format("unknown events format '{}' (use json, csv or ics)", name));
}

EventFormat detect_event_format(std::string_view path, std::string_view text) {
  std::string p = lowercase(path);
  auto ends_with = [&](std::string_view suffix) {
    return p.size() >= suffix.size() &&
           p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".json")) return EventFormat::json;
  if (ends_with(".csv")) return EventFormat::csv;
  if (ends_with(".ics") || ends_with(".ical") || ends_with(".ifb")) return EventFormat::ics;
  std::string_view head = core::trim(text.substr(0, 64));
  if (head.starts_with("{")) return EventFormat::json;
  if (lowercase(head.substr(0, 6)) == "begin:") return EventFormat::ics;
  return EventFormat::csv;
}

Result<std::vector<Event>> parse_events(std::string_view text, EventFormat format, year_month ym) {
  Result<std::vector<Event>> events;
  switch (format) {
    case EventFormat::json:
      events = parse_json_events(text, ym);
      break;
    case EventFormat::csv:
      events = parse_csv_events(text, ym);
      break;
    case EventFormat::ics:
      events = parse_ics_events(text, ym);
      break;
  }
  if (events)
    std::stable_sort(events->begin(), events->end(),
                     [](const Event& a, const Event& b) { return a.date < b.date; });
  return events;
}

}  // namespace kit::calendar
