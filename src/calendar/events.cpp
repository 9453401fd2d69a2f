// Event file parsers behind `kit cal report`: JSON (the tutorial's dict), CSV, iCalendar.
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

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
  // nlohmann keeps the last of two equal keys; a day given twice would lose events silently.
  std::optional<std::string> repeated;
  std::set<std::string> keys;
  auto watch_keys = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 &&
        !keys.insert(parsed.get<std::string>()).second && !repeated)
      repeated = parsed.get<std::string>();
    return true;
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text, watch_keys);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for 1E400
    // nlohmann's what() reads "[json.exception.parse_error.101] parse error at line 1, column
    // 51: …": keep the part after the bracket, which already says where.
    std::string_view what = e.what();
    if (auto bracket = what.find("] "); bracket != std::string_view::npos)
      what.remove_prefix(bracket + 2);
    return fail(ErrorKind::malformed_input, bad_events,
                fmt::format("events JSON does not parse: {}", what));
  }
  if (!doc.is_object())
    return fail(ErrorKind::malformed_input, bad_events,
                "events JSON must be an object mapping day numbers to lists of event names");
  if (repeated)
    return fail(ErrorKind::malformed_input, bad_events,
                fmt::format("events JSON has the day '{}' twice", *repeated));
  const unsigned ndays = monthrange(ym).days;
  std::vector<Event> events;
  std::set<long long> days_seen;
  for (const auto& [key, value] : doc.items()) {
    auto number = core::parse_int(core::trim(key));
    if (!number || *number < 1 || *number > ndays)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("events JSON key '{}' is not a day of {} (1-{})", key,
                              month_label(ym), ndays));
    if (!days_seen.insert(*number).second)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("events JSON has day {} twice (key '{}')", *number, key));
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
  auto header_is = [&](std::size_t i, std::string_view name) {
    return core::ascii_lower(core::trim(header.fields[i])) == name;
  };
  if (header.fields.size() != 2 || !header_is(0, "date") || !header_is(1, "event"))
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

std::string ics_text(const char* s) {
  return s != nullptr ? s : "";
}

// libicals's parser prints to stderr for an END without its BEGIN, accepts a file cut off in
// the middle of a component, and has its own ideas about odd lines. So kit reads the lines
// first and hands libical a canonical copy: folded lines joined (RFC 5545, 3.1), each line
// `NAME[;params]:value` with an RFC 5545 name and CRLF after it. Lines without such a name
// are left out (libical would only mark them as errors), BEGIN and END must nest (3.4), and
// the copy stays below libical's 8192-byte line limit.
Result<std::string> canonical_ics(std::string_view text) {
  constexpr std::size_t max_line = 8191;
  struct Open {
    std::string name;
    std::size_t line;
  };
  std::vector<Open> open;
  std::string out;
  out.reserve(text.size() + 64);
  auto is_name_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  };
  auto take = [&](std::string_view line, std::size_t number) -> Result<void> {
    std::size_t name_end = 0;
    while (name_end < line.size() && is_name_char(line[name_end])) ++name_end;
    if (name_end == 0 || name_end == line.size() ||
        (line[name_end] != ':' && line[name_end] != ';'))
      return {};  // not a content line
    const std::string name = core::ascii_lower(line.substr(0, name_end));
    if (name != "begin" && name != "end") {
      if (line.size() <= max_line) out.append(line).append("\r\n");
      return {};
    }
    const std::size_t colon = line.find(':');
    const std::string_view shown = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (line.size() > max_line || name_end != 3 + (name == "begin" ? 2 : 0) ||
        line[name_end] != ':')
      return fail_at(
          ErrorKind::malformed_input, bad_events,
          fmt::format("iCalendar {} line is malformed", name == "begin" ? "BEGIN" : "END"),
          {number, 1});
    const std::string component = core::ascii_lower(shown);
    if (name == "begin") {
      open.push_back({component, number});
    } else if (open.empty()) {
      return fail_at(ErrorKind::malformed_input, bad_events,
                     fmt::format("iCalendar END:{} without a BEGIN", shown), {number, 1});
    } else if (open.back().name != component) {
      return fail_at(ErrorKind::malformed_input, bad_events,
                     fmt::format("iCalendar END:{} does not close the BEGIN of line {}", shown,
                                 open.back().line),
                     {number, 1});
    } else {
      open.pop_back();
    }
    out.append(line).append("\r\n");
    return {};
  };

  std::string logical;  // the current unfolded line
  std::size_t number = 0, start = 0;
  for (std::string_view line : core::split_lines(text.substr(0, text.find('\0')))) {
    ++number;
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (start != 0 && logical.size() <= max_line) logical.append(line.substr(1));
      continue;
    }
    if (start != 0)
      if (auto r = take(logical, start); !r) return tl::unexpected(r.error());
    logical.assign(line);
    start = number;
  }
  if (start != 0)
    if (auto r = take(logical, start); !r) return tl::unexpected(r.error());
  if (!open.empty())
    return fail_at(ErrorKind::malformed_input, bad_events,
                   "iCalendar component is never closed (is the file cut short?)",
                   {open.back().line, 1});
  return out;
}

Result<std::vector<Event>> parse_ics_events(std::string_view text, year_month ym) {
  auto canonical = canonical_ics(text);
  if (!canonical) return tl::unexpected(canonical.error());
  quiet_libical();
  std::unique_ptr<icalcomponent, IcalFree> root(icalparser_parse_string(canonical->c_str()));
  const icalcomponent_kind kind = root ? icalcomponent_isa(root.get()) : ICAL_NO_COMPONENT;
  if (kind != ICAL_VCALENDAR_COMPONENT && kind != ICAL_VEVENT_COMPONENT &&
      kind != ICAL_XROOT_COMPONENT)
    return fail(ErrorKind::malformed_input, bad_events,
                "events file is not iCalendar (no BEGIN:VCALENDAR or BEGIN:VEVENT)");

  // VEVENTs may sit in a VCALENDAR, or in several (an XROOT); keep the file's order.
  std::vector<icalcomponent*> vevents;
  std::vector<icalcomponent*> pending{root.get()};
  while (!pending.empty()) {
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

  // An instance moved or cancelled by an override (a VEVENT with RECURRENCE-ID and the series'
  // UID) leaves the series; the override stands on its own date unless it is cancelled.
  std::map<std::string, std::vector<year_month_day>> overridden;
  for (icalcomponent* ev : vevents)
    if (auto rid = date_of(icalcomponent_get_recurrenceid(ev)))
      overridden[ics_text(icalcomponent_get_uid(ev))].push_back(*rid);

  const year_month_day month_start = ym / 1, month_end = ym / std::chrono::last;
  std::vector<Event> events;
  std::size_t index = 0;
  for (icalcomponent* ev : vevents) {
    ++index;
    const std::string title = ics_text(icalcomponent_get_summary(ev));
    auto start = date_of(icalcomponent_get_dtstart(ev));
    if (!start)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("iCalendar event {} ('{}') has no valid DTSTART", index, title));
    if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED) continue;

    std::vector<year_month_day> excluded;
    for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
      if (auto d = date_of(icalproperty_get_exdate(p))) excluded.push_back(*d);
    const bool is_override = date_of(icalcomponent_get_recurrenceid(ev)).has_value();
    if (!is_override)
      if (auto it = overridden.find(ics_text(icalcomponent_get_uid(ev))); it != overridden.end())
        excluded.insert(excluded.end(), it->second.begin(), it->second.end());
    // One entry a day: an hourly rule is one event on each of its days, not 24.
    std::optional<year_month_day> last_added;
    auto add = [&](year_month_day d) {
      if (d < month_start || d > month_end || d == last_added) return;
      if (std::find(excluded.begin(), excluded.end(), d) != excluded.end()) return;
      events.push_back({d, title});
      last_added = d;
    };

    icalproperty* rrule = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
    if (rrule == nullptr || is_override) {
      add(*start);
      continue;
    }
    if (*start > month_end) continue;
    const icalrecurrencetype rule = icalproperty_get_rrule(rrule);
    std::unique_ptr<icalrecur_iterator, RecurFree> it(
        icalrecur_iterator_new(rule, icalcomponent_get_dtstart(ev)));
    if (!it)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("iCalendar event {} ('{}') has an invalid RRULE", index, title));
    // Skip ahead to the month (libical can only when the rule has no COUNT), so that a
    // frequent rule started long ago still reaches it within the step cap.
    if (rule.count == 0 && *start < month_start) {
      icaltimetype from = icalcomponent_get_dtstart(ev);
      from.year = static_cast<int>(ym.year());
      from.month = static_cast<int>(static_cast<unsigned>(ym.month()));
      from.day = 1;
      from.hour = from.minute = from.second = 0;
      icalrecur_iterator_set_start(it.get(), from);
    }
    bool finished = false;
    for (int step = 0; step < max_recurrence_steps && !finished; ++step) {
      auto d = date_of(icalrecur_iterator_next(it.get()));
      finished = !d || *d > month_end;
      if (!finished) add(*d);
    }
    if (!finished)
      return fail(ErrorKind::malformed_input, bad_events,
                  fmt::format("iCalendar event {} ('{}') recurs more than {} times before the "
                              "end of {}; kit does not expand it",
                              index, title, max_recurrence_steps, month_label(ym)));
  }
  return events;
}

}  // namespace

Result<EventFormat> parse_event_format(std::string_view name) {
  std::string n = core::ascii_lower(core::trim(name));
  if (n == "json") return EventFormat::json;
  if (n == "csv") return EventFormat::csv;
  if (n == "ics" || n == "ical" || n == "icalendar") return EventFormat::ics;
  return fail(ErrorKind::invalid_argument, "calendar.bad_format",
              fmt::format("unknown events format '{}' (use json, csv or ics)", name));
}

EventFormat detect_event_format(std::string_view path, std::string_view text) {
  std::string p = core::ascii_lower(path);
  auto ends_with = [&](std::string_view suffix) {
    return p.size() >= suffix.size() &&
           p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".json")) return EventFormat::json;
  if (ends_with(".csv")) return EventFormat::csv;
  if (ends_with(".ics") || ends_with(".ical") || ends_with(".ifb")) return EventFormat::ics;
  std::string_view head = core::trim(core::strip_bom(text).substr(0, 64));
  if (head.starts_with("{")) return EventFormat::json;
  if (core::ascii_lower(head.substr(0, 6)) == "begin:") return EventFormat::ics;
  return EventFormat::csv;
}

Result<std::vector<Event>> parse_events(std::string_view text, EventFormat format, year_month ym) {
  text = core::strip_bom(text);
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
