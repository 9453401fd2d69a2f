// EventStore: events in columns, filled on every core.
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "kit/core/parallel.hpp"
#include "kit/logs.hpp"

namespace kit::logs {

namespace {

constexpr std::uint64_t length_bits = 24;
constexpr std::uint64_t max_length = (std::uint64_t{1} << length_bits) - 1;  // 16 MiB
constexpr std::uint64_t owned_flag = std::uint64_t{1} << 63;
constexpr std::size_t max_services = 65535;  // the last id holds every service past it

}  // namespace

void EventStore::reserve(std::size_t events) {
  timestamps_.reserve(events);
  levels_.reserve(events);
  services_.reserve(events);
  messages_.reserve(events);
  durations_.reserve(events);
  if (keep_line_numbers_) line_numbers_.reserve(events);
}

bool EventStore::has_duration(std::size_t i) const {
  return !std::isnan(durations_[i]);
}

Event EventStore::event(std::size_t i) const {
  Event e;
  e.timestamp_us = timestamps_[i];
  e.level = level(i);
  e.service = service(i);
  e.message = message(i);
  e.duration_ms = durations_[i];
  e.has_duration = !std::isnan(e.duration_ms);
  return e;
}

std::string_view EventStore::message(std::size_t i) const {
  const std::uint64_t packed = messages_[i];
  const std::size_t length = packed & max_length;
  const std::uint64_t offset = (packed & ~owned_flag) >> length_bits;
  if ((packed & owned_flag) != 0) return std::string_view(owned_).substr(offset, length);
  return std::string_view(base_ + offset, length);
}

std::uint16_t EventStore::intern(std::string_view service) {
  // Most logs have a handful of services: a look at the last one first saves the hashing.
  if (!services_.empty() && service_names_[services_.back()] == service) return services_.back();
  if (auto it = service_ids_.find(service); it != service_ids_.end()) return it->second;
  if (service_names_.size() == max_services) return static_cast<std::uint16_t>(max_services - 1);
  const auto id = static_cast<std::uint16_t>(service_names_.size());
  service_names_.emplace_back(service_names_.size() == max_services - 1 ? "(other)" : service);
  service_ids_.emplace(service_names_.back(), id);
  return id;
}

void EventStore::add(const Event& e, std::string_view text, std::size_t line_number) {
  if (base_ == nullptr) base_ = text.data();
  timestamps_.push_back(e.timestamp_us);
  levels_.push_back(static_cast<std::uint8_t>(e.level));
  services_.push_back(intern(e.service));
  durations_.push_back(e.has_duration ? e.duration_ms : std::numeric_limits<float>::quiet_NaN());
  const std::size_t length = std::min<std::size_t>(e.message.size(), max_length);
  const bool inside = !text.empty() && e.message.data() >= text.data() &&
                      e.message.data() + e.message.size() <= text.data() + text.size();
  if (inside) {
    const auto offset = static_cast<std::uint64_t>(e.message.data() - base_);
    messages_.push_back(offset << length_bits | length);
  } else {
    messages_.push_back(owned_flag | static_cast<std::uint64_t>(owned_.size()) << length_bits |
                        length);
    owned_.append(e.message.substr(0, length));
  }
  if (keep_line_numbers_) line_numbers_.push_back(line_number);
}

void EventStore::append(EventStore&& other) {
  if (base_ == nullptr) base_ = other.base_;
  std::vector<std::uint16_t> remap(other.service_names_.size());
  for (std::size_t k = 0; k < remap.size(); ++k) remap[k] = intern(other.service_names_[k]);
  const std::uint64_t owned_shift = static_cast<std::uint64_t>(owned_.size()) << length_bits;
  timestamps_.insert(timestamps_.end(), other.timestamps_.begin(), other.timestamps_.end());
  levels_.insert(levels_.end(), other.levels_.begin(), other.levels_.end());
  for (std::uint16_t s : other.services_) services_.push_back(remap[s]);
  for (std::uint64_t m : other.messages_)
    messages_.push_back((m & owned_flag) != 0 ? m + owned_shift : m);
  durations_.insert(durations_.end(), other.durations_.begin(), other.durations_.end());
  for (std::size_t l : other.line_numbers_) line_numbers_.push_back(l + lines_);
  for (std::size_t l : other.skipped_lines_) skipped_lines_.push_back(l + lines_);
  owned_ += other.owned_;
  lines_ += other.lines_;
  skipped_ += other.skipped_;
}

EventStore parse(std::string_view text, const ParseOptions& options) {
  // Pieces of about 4 MiB cut after a line end, parsed on every core, appended in order.
  std::vector<std::string_view> pieces;
  for (std::string_view rest = text; !rest.empty();) {
    std::size_t cut =
        rest.size() <= (4u << 20) ? std::string_view::npos : rest.find('\n', 4u << 20);
    cut = cut == std::string_view::npos ? rest.size() : cut + 1;
    pieces.push_back(rest.substr(0, cut));
    rest.remove_prefix(cut);
  }
  EventStore all;
  all.keep_line_numbers_ = options.line_numbers;
  all.reserve(text.size() / 32);  // address space only: pages are touched as events arrive
  core::for_each_ordered(
      pieces.size(), options.jobs != 0 ? options.jobs : core::hardware_jobs(),
      [&](std::size_t p) {
        EventStore store;
        store.keep_line_numbers_ = options.line_numbers;
        store.base_ = text.data();
        Event e;
        std::string scratch;
        std::string_view piece = pieces[p];
        while (!piece.empty()) {
          const std::size_t end = piece.find('\n');
          const std::string_view line = piece.substr(0, end);
          piece = end == std::string_view::npos ? std::string_view{} : piece.substr(end + 1);
          ++store.lines_;
          if (parse_line(options.format, line, e, scratch)) {
            store.add(e, text, store.lines_);
          } else if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
            ++store.skipped_;
            if (store.skipped_lines_.size() < options.skipped_to_keep)
              store.skipped_lines_.push_back(store.lines_);
          }
        }
        return store;
      },
      [&](std::size_t, EventStore store) {
        all.append(std::move(store));
        if (all.skipped_lines_.size() > options.skipped_to_keep)
          all.skipped_lines_.resize(options.skipped_to_keep);
      });
  return all;
}

}  // namespace kit::logs
