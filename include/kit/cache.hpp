// kit/cache.hpp — the weakref tutorial's tools in C++: caches that hold values only while
// someone uses them, cleanup callbacks, per-object metadata and observer lists that never keep
// their objects alive.
//
//   finalize(ptr, fn)     Python's weakref.finalize: fn runs once when the last copy of the
//                         returned pointer goes
//   WeakCache<K, V>       WeakValueDictionary as a cache: an entry lives exactly while a holder
//                         keeps its shared_ptr (concurrent users of a key share one value), with
//                         get_or_load (concurrent loads of one key load once), an on-evict
//                         callback, hit/miss/load counters, the tutorial's debug lines, and
//                         behind it an optional strong LRU tier bounded in bytes
//   WeakKeyMap<K, V>      WeakKeyDictionary: values attached to objects it does not own, keyed
//                         by the object's identity, gone with the object
//   WeakObservers<A...>   callbacks to listeners that may have died: dead ones are skipped and
//                         pruned
// A file cache for static serving built on WeakCache is in kit/cache/file_cache.hpp.
//
// C++ has no garbage collector to ask: "the value dies" means the last std::shared_ptr handed
// out by the cache (or by finalize) is destroyed, which happens at once, as CPython's reference
// counting does. Copies of the loader's own pointer kept elsewhere keep the object alive but do
// not count: hold the pointer the cache returns.
//
// Example (the tutorial's ImageLoader):
//   kit::cache::WeakCache<std::string, Image>::Options options;
//   options.size_of = [](const Image& i) { return i.data.size(); };
//   options.log = [](std::string_view line) { std::puts(std::string(line).c_str()); };
//   kit::cache::WeakCache<std::string, Image> cache(std::move(options));
//   auto hero = cache.get_or_load("hero.png", [&] { return load_image("hero.png"); });
//   //   [cache miss] hero.png -- loaded 10240 bytes
//   auto again = cache.get_or_load("hero.png", [&] { return load_image("hero.png"); });
//   //   [cache hit]  hero.png                            (*hero == *again: one Image)
//   hero->reset(); again->reset();                       // the entry is gone, on_evict ran
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::cache {

// finalize(object, on_death): a pointer to *object whose last copy going runs on_death() once,
// then lets `object` go (Python's weakref.finalize(obj, callback, *args): bind the arguments in
// the callable, as the tutorial passes tf.path, not the object). on_death must not throw (an
// exception it throws is swallowed: it runs inside a shared_ptr deleter).
//
//   auto tf = kit::cache::finalize(std::make_shared<TempFile>(path),
//                                  [path] { std::printf("Cleanup: would delete %s\n", ...); });
//   tf.reset();   // prints the cleanup line now
template <class T, class F>
[[nodiscard]] std::shared_ptr<T> finalize(std::shared_ptr<T> object, F on_death) {
  struct Holder {
    std::shared_ptr<T> object;
    F on_death;
  };
  T* raw = object.get();
  std::shared_ptr<Holder> holder(new Holder{std::move(object), std::move(on_death)}, [](Holder* h) {
    std::unique_ptr<Holder> own(h);
    try {
      own->on_death();
    } catch (...) {  // a deleter cannot throw
    }
  });
  return std::shared_ptr<T>(std::move(holder), raw);
}

// CacheStats: what a WeakCache has done since it was made.
struct CacheStats {
  std::uint64_t hits = 0;           // lookups that found a live value
  std::uint64_t misses = 0;         // lookups that did not (loads + joins of a load in flight)
  std::uint64_t loads = 0;          // loader calls
  std::uint64_t load_failures = 0;  // loader calls that gave an error (or threw)
  std::uint64_t evictions = 0;      // values that died (on_evict calls)
  std::size_t entries = 0;          // keys with a value in memory
  std::size_t lru_entries = 0;      // of them, held by the strong LRU tier
  std::size_t lru_bytes = 0;        // their bytes (size_of)
};

namespace detail {
template <class K>
std::string default_key_text(const K& key) {
  if constexpr (std::is_convertible_v<const K&, std::string_view>) {
    return std::string(std::string_view(key));
  } else if constexpr (std::is_arithmetic_v<K>) {
    return std::to_string(key);
  } else {
    return "?";
  }
}
template <class V>
std::size_t default_size_of(const V& value) {
  if constexpr (requires { static_cast<std::size_t>(value.size()); }) {
    return static_cast<std::size_t>(value.size());
  } else {
    return sizeof(V);
  }
}
}  // namespace detail

// WeakCache<K, V>: values of type V by key, held weakly: get_or_load returns a
// std::shared_ptr<V>, and the entry lives exactly as long as some copy of it does (or the LRU
// tier keeps it). Thread-safe. With Options::lru_bytes > 0 the most recently used values are
// also held strongly, up to that many bytes (size_of), so a value used a moment ago survives
// its last holder; a value pushed out of the LRU stays reachable while someone holds it.
//
// Callbacks (size_of, key_text, on_evict, log) and loaders run without the cache's lock, so
// they may use the cache — except that a loader must not load the key it is loading (it would
// wait for itself). on_evict runs in whichever thread lets the value's last pointer go.
template <class K, class V, class Hash = std::hash<K>, class KeyEqual = std::equal_to<K>>
class WeakCache {
 public:
  using Ptr = std::shared_ptr<V>;

  struct Options {
    // Bytes the strong LRU tier may hold; 0: none (a pure WeakValueDictionary).
    std::size_t lru_bytes = 0;
    // The bytes of a value, for the LRU bound and the log (default: value.size(), else sizeof).
    std::function<std::size_t(const V&)> size_of;
    // A key as the log prints it (default: the key itself if it is text or a number).
    std::function<std::string(const K&)> key_text;
    // Runs once when a value dies (its last holder went and the LRU let it go), with the value
    // still alive: the finalize of each entry.
    std::function<void(const K&, const V&)> on_evict;
    // Debug log, a line at a time without '\n', in the tutorial's words:
    //   "  [cache hit]  hero.png" and "  [cache miss] hero.png -- loaded 10240 bytes"
    // (a caller that waited for another's load of the key logs nothing; a failed load neither).
    std::function<void(std::string_view)> log;
  };

  WeakCache() : WeakCache(Options{}) {}
  explicit WeakCache(Options options) : state_(std::make_shared<State>(std::move(options))) {}
  WeakCache(const WeakCache&) = delete;
  WeakCache& operator=(const WeakCache&) = delete;
  // The cache's values outlive it if held; their on_evict still runs when they die.
  ~WeakCache() { clear(); }

  // get_or_load(key, loader): the live value of `key`, else loader()'s, which becomes the
  // entry. loader returns std::shared_ptr<V>, Result<std::shared_ptr<V>>, or a V. While a load
  // of `key` is in flight, other callers for that key wait for it and share its result (error
  // included): one load. An error (or a null pointer, or an exception from loader, as
  // cache.load_failed) is returned and nothing is cached.
  template <class Loader>
  [[nodiscard]] Result<Ptr> get_or_load(const K& key, Loader&& loader) {
    std::shared_future<Result<Ptr>> join;
    std::promise<Result<Ptr>> promise;
    {
      std::vector<Ptr> dropped;  // destroyed after the lock is released (their deleters lock)
      std::unique_lock lock(state_->mutex);
      if (Ptr found = state_->find_locked(key, dropped)) {
        ++state_->stats.hits;
        lock.unlock();
        log_hit(key);
        return found;
      }
      ++state_->stats.misses;
      if (auto it = state_->inflight.find(key); it != state_->inflight.end()) {
        join = it->second;
      } else {
        state_->inflight.emplace(key, promise.get_future().share());
        ++state_->stats.loads;
      }
    }
    if (join.valid()) return join.get();

    Result<Ptr> loaded = call_loader(std::forward<Loader>(loader));
    std::size_t bytes = 0;
    if (loaded) {
      bytes = state_->size_of(**loaded);
      loaded = track(key, std::move(*loaded));
    }
    {
      std::vector<Ptr> dropped;
      std::shared_future<Result<Ptr>> done;
      std::unique_lock lock(state_->mutex);
      if (auto it = state_->inflight.find(key); it != state_->inflight.end()) {
        done = std::move(it->second);
        state_->inflight.erase(it);
      }
      if (loaded)
        state_->install_locked(key, *loaded, bytes, dropped);
      else
        ++state_->stats.load_failures;
    }
    promise.set_value(loaded);
    if (loaded) log_miss(key, bytes);
    return loaded;
  }

  // get(key): the live value, or null (Python's cache.get(key)); counts a hit or a miss and
  // logs hits.
  [[nodiscard]] Ptr get(const K& key) {
    Ptr found;
    {
      std::vector<Ptr> dropped;
      std::lock_guard lock(state_->mutex);
      found = state_->find_locked(key, dropped);
      ++(found ? state_->stats.hits : state_->stats.misses);
    }
    if (found) log_hit(key);
    return found;
  }

  // put(key, value): makes `value` the entry of `key` and returns the pointer to hold (the
  // cache tracks that one, not `value`). A previous value of the key lives on for its holders.
  [[nodiscard]] Ptr put(const K& key, std::shared_ptr<V> value) {
    if (!value) return nullptr;
    const std::size_t bytes = state_->size_of(*value);
    Ptr tracked = track(key, std::move(value));
    std::vector<Ptr> dropped;
    std::lock_guard lock(state_->mutex);
    state_->install_locked(key, tracked, bytes, dropped);
    return tracked;
  }

  // erase(key): forgets the key (and lets the LRU tier go of its value); holders keep the
  // value, whose on_evict runs when they are done. Whether the key was there.
  bool erase(const K& key) {
    std::vector<Ptr> dropped;
    std::lock_guard lock(state_->mutex);
    auto it = state_->entries.find(key);
    if (it == state_->entries.end()) return false;
    state_->unlink_lru_locked(it->second, dropped);
    state_->entries.erase(it);
    return true;
  }

  // shrink_lru(bytes): lets the least recently used values of the strong tier go until `bytes`
  // of them have gone or the tier is empty; the bytes let go. Values nobody else holds die.
  std::size_t shrink_lru(std::size_t bytes) {
    std::vector<Ptr> dropped;
    std::lock_guard lock(state_->mutex);
    return state_->evict_lru_locked(bytes, dropped);
  }

  // size(): keys with a live value.
  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(state_->mutex);
    return state_->live_locked();
  }

  [[nodiscard]] CacheStats stats() const {
    std::lock_guard lock(state_->mutex);
    CacheStats s = state_->stats;
    s.entries = state_->live_locked();
    s.lru_entries = state_->lru.size();
    s.lru_bytes = state_->lru_total;
    return s;
  }

  // clear(): forgets every key and empties the LRU tier (holders keep their values).
  void clear() {
    std::vector<Ptr> dropped;
    std::lock_guard lock(state_->mutex);
    for (auto& node : state_->lru) dropped.push_back(std::move(node.strong));
    state_->lru.clear();
    state_->lru_total = 0;
    state_->entries.clear();
  }

 private:
  struct LruNode {
    K key;
    Ptr strong;
    std::size_t bytes;
  };
  using LruList = std::list<LruNode>;
  struct Entry {
    std::weak_ptr<V> weak;
    std::uint64_t generation = 0;
    std::size_t bytes = 0;
    bool in_lru = false;
    typename LruList::iterator lru;
  };

  // The shared part: values' deleters reach it after the cache itself is gone.
  struct State {
    explicit State(Options o) : options(std::move(o)) {}

    std::size_t size_of(const V& value) const {
      return options.size_of ? options.size_of(value) : detail::default_size_of(value);
    }

    std::size_t live_locked() const {
      std::size_t n = 0;
      for (const auto& [key, entry] : entries)
        if (!entry.weak.expired()) ++n;
      return n;
    }

    // The live value of key, touched in the LRU (the pointers pushed out go to `dropped`).
    Ptr find_locked(const K& key, std::vector<Ptr>& dropped) {
      auto it = entries.find(key);
      if (it == entries.end()) return nullptr;
      Ptr p = it->second.weak.lock();
      if (p) touch_locked(it->first, it->second, p, dropped);
      return p;
    }

    void install_locked(const K& key, const Ptr& value, std::size_t bytes,
                        std::vector<Ptr>& dropped) {
      auto [it, fresh] = entries.try_emplace(key);
      Entry& e = it->second;
      if (!fresh) unlink_lru_locked(e, dropped);
      e.weak = value;
      e.generation = generation_of(value);
      e.bytes = bytes;
      touch_locked(it->first, e, value, dropped);
    }

    void touch_locked(const K& key, Entry& e, const Ptr& value, std::vector<Ptr>& dropped) {
      if (options.lru_bytes == 0 || e.bytes > options.lru_bytes) return;
      if (e.in_lru) {
        lru.splice(lru.begin(), lru, e.lru);
        return;
      }
      lru.push_front(LruNode{key, value, e.bytes});
      e.lru = lru.begin();
      e.in_lru = true;
      lru_total += e.bytes;
      if (lru_total > options.lru_bytes) evict_lru_locked(lru_total - options.lru_bytes, dropped);
    }

    void unlink_lru_locked(Entry& e, std::vector<Ptr>& dropped) {
      if (!e.in_lru) return;
      lru_total -= e.lru->bytes;
      dropped.push_back(std::move(e.lru->strong));
      lru.erase(e.lru);
      e.in_lru = false;
    }

    std::size_t evict_lru_locked(std::size_t bytes, std::vector<Ptr>& dropped) {
      std::size_t freed = 0;
      while (freed < bytes && !lru.empty()) {
        auto it = entries.find(lru.back().key);
        freed += lru.back().bytes;
        if (it != entries.end() && it->second.in_lru && it->second.lru == std::prev(lru.end())) {
          unlink_lru_locked(it->second, dropped);
        } else {  // not reachable: every node belongs to its entry
          lru_total -= lru.back().bytes;
          dropped.push_back(std::move(lru.back().strong));
          lru.pop_back();
        }
      }
      return freed;
    }

    // A value's identity: its tracking holder's generation (see Holder).
    static std::uint64_t generation_of(const Ptr& value) {
      auto* holder = std::get_deleter<Deleter>(value);
      return holder ? holder->generation : 0;
    }

    Options options;
    mutable std::mutex mutex;
    std::unordered_map<K, Entry, Hash, KeyEqual> entries;
    std::unordered_map<K, std::shared_future<Result<Ptr>>, Hash, KeyEqual> inflight;
    LruList lru;  // most recent first
    std::size_t lru_total = 0;
    std::atomic<std::uint64_t> next_generation{1};
    CacheStats stats;
  };

  // The value as loaded, the key, and the state to report its death to.
  struct Holder {
    std::shared_ptr<V> value;
    K key;
  };
  // The deleter of the pointer handed out: on_evict, then forget the entry if it is still this
  // value's (a newer value may have replaced it since this one expired).
  // It lets go of the state as it runs: the control block (and this deleter) lasts as long as
  // weak_ptrs to the value do, and the state holds some.
  struct Deleter {
    mutable std::shared_ptr<State> state;
    std::uint64_t generation = 0;
    void operator()(Holder* h) const {
      std::unique_ptr<Holder> own(h);
      std::shared_ptr<State> st = std::move(state);
      {
        std::lock_guard lock(st->mutex);
        auto it = st->entries.find(own->key);
        if (it != st->entries.end() && it->second.generation == generation) st->entries.erase(it);
        ++st->stats.evictions;
      }
      if (st->options.on_evict) {
        try {
          st->options.on_evict(own->key, *own->value);
        } catch (...) {  // a deleter cannot throw
        }
      }
    }
  };

  Ptr track(const K& key, std::shared_ptr<V> value) {
    const std::uint64_t generation = state_->next_generation.fetch_add(1);
    V* raw = value.get();
    std::shared_ptr<Holder> holder(new Holder{std::move(value), key}, Deleter{state_, generation});
    return Ptr(std::move(holder), raw);
  }

  template <class Loader>
  Result<Ptr> call_loader(Loader&& loader) {
    using R = std::invoke_result_t<Loader&>;
    try {
      if constexpr (std::is_same_v<std::remove_cvref_t<R>, Result<Ptr>> ||
                    std::is_same_v<std::remove_cvref_t<R>, Result<std::shared_ptr<V>>>) {
        Result<Ptr> r = loader();
        if (r && !*r) return null_loaded();
        return r;
      } else if constexpr (std::is_convertible_v<R, std::shared_ptr<V>>) {
        std::shared_ptr<V> p = loader();
        if (!p) return null_loaded();
        return p;
      } else {
        return std::make_shared<V>(loader());
      }
    } catch (const std::exception& e) {
      return tl::unexpected(make_error(ErrorKind::failed, "cache.load_failed",
                                       std::string("the loader threw: ") + e.what()));
    } catch (...) {
      return tl::unexpected(make_error(ErrorKind::failed, "cache.load_failed", "the loader threw"));
    }
  }

  static tl::unexpected<Error> null_loaded() {
    return fail(ErrorKind::failed, "cache.load_failed", "the loader returned no value");
  }

  std::string key_text(const K& key) const {
    return state_->options.key_text ? state_->options.key_text(key) : detail::default_key_text(key);
  }
  void log_hit(const K& key) const {
    if (state_->options.log) state_->options.log("  [cache hit]  " + key_text(key));
  }
  void log_miss(const K& key, std::size_t bytes) const {
    if (state_->options.log)
      state_->options.log("  [cache miss] " + key_text(key) + " -- loaded " +
                          std::to_string(bytes) + " bytes");
  }

  std::shared_ptr<State> state_;
};

// WeakKeyMap<K, V>: Python's WeakKeyDictionary — a V attached to each object it is given,
// keyed by the object's identity (its shared_ptr's owner), never keeping it alive; an entry
// goes with its object. Dead entries are purged on access. Thread-safe; every access is O(n)
// in the worst case (a purge), which suits metadata maps, not big indexes.
//
//   kit::cache::WeakKeyMap<Widget, std::string> timestamps;
//   timestamps.set(btn, "2026-04-22T09:14:37");
//   btn.reset();                       // timestamps.size() == 0
template <class K, class V>
class WeakKeyMap {
 public:
  // set(key, value): attaches (or replaces) the value of this object.
  void set(const std::shared_ptr<K>& key, V value) {
    std::lock_guard lock(mutex_);
    purge_locked();
    map_.insert_or_assign(std::weak_ptr<K>(key), std::move(value));
  }
  // get(key): a copy of its value, or nullopt (Python's timestamps.get(btn)).
  [[nodiscard]] std::optional<V> get(const std::shared_ptr<K>& key) const {
    std::lock_guard lock(mutex_);
    purge_locked();
    auto it = map_.find(std::weak_ptr<K>(key));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  [[nodiscard]] bool contains(const std::shared_ptr<K>& key) const {
    std::lock_guard lock(mutex_);
    purge_locked();
    return map_.count(std::weak_ptr<K>(key)) != 0;
  }
  bool erase(const std::shared_ptr<K>& key) {
    std::lock_guard lock(mutex_);
    purge_locked();
    return map_.erase(std::weak_ptr<K>(key)) != 0;
  }
  // size(): entries whose object lives.
  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    purge_locked();
    return map_.size();
  }
  // for_each(fn): fn(const std::shared_ptr<K>&, const V&) for each live entry, called without
  // the lock (on a snapshot), the objects kept alive meanwhile.
  template <class F>
  void for_each(F fn) const {
    std::vector<std::pair<std::shared_ptr<K>, V>> live;
    {
      std::lock_guard lock(mutex_);
      purge_locked();
      for (const auto& [weak, value] : map_)
        if (auto strong = weak.lock()) live.emplace_back(std::move(strong), value);
    }
    for (const auto& [key, value] : live) fn(key, value);
  }

 private:
  // owner_less orders by control block, which a weak_ptr keeps: a dead object's address reused
  // by a new one is never mistaken for it.
  void purge_locked() const {
    for (auto it = map_.begin(); it != map_.end();)
      it = it->first.expired() ? map_.erase(it) : ++it;
  }

  mutable std::mutex mutex_;
  mutable std::map<std::weak_ptr<K>, V, std::owner_less<std::weak_ptr<K>>> map_;
};

// WeakObservers<Args...>: listeners held weakly, each with a callback. notify(args...) calls the
// live ones in the order they subscribed (each kept alive during its call) and prunes the dead.
// Thread-safe; callbacks run without the lock, so they may subscribe or unsubscribe.
//
//   kit::cache::WeakObservers<const Event&> observers;
//   observers.subscribe(panel, [](Panel& p, const Event& e) { p.show(e); });
//   observers.notify(event);   // 1 when panel lives, 0 (and pruned) once it is gone
template <class... Args>
class WeakObservers {
 public:
  // subscribe(listener, fn): fn(L&, Args...) (a member function of L too) or fn(Args...),
  // called while `listener` lives.
  template <class L, class F>
  void subscribe(const std::shared_ptr<L>& listener, F fn) {
    Call call;
    if constexpr (std::is_invocable_v<F&, L&, Args...>) {
      call = [fn = std::move(fn)](const void* p, Args... args) mutable {
        std::invoke(fn, *static_cast<L*>(const_cast<void*>(p)), std::forward<Args>(args)...);
      };
    } else {
      call = [fn = std::move(fn)](const void*, Args... args) mutable {
        fn(std::forward<Args>(args)...);
      };
    }
    std::lock_guard lock(mutex_);
    slots_.push_back(Slot{std::weak_ptr<const void>(listener), listener.get(),
                          std::make_shared<Call>(std::move(call))});
  }

  // unsubscribe(listener): removes every callback of this listener; how many.
  template <class L>
  std::size_t unsubscribe(const std::shared_ptr<L>& listener) {
    std::lock_guard lock(mutex_);
    const void* p = listener.get();
    std::size_t before = slots_.size();
    std::erase_if(slots_, [&](const Slot& s) { return s.object == p || s.weak.expired(); });
    return before - slots_.size();
  }

  // notify(args...): the number of live listeners called.
  std::size_t notify(Args... args) {
    std::vector<std::pair<std::shared_ptr<const void>, Slot>> live;
    {
      std::lock_guard lock(mutex_);
      std::erase_if(slots_, [](const Slot& s) { return s.weak.expired(); });
      for (const Slot& s : slots_)
        if (auto strong = s.weak.lock()) live.emplace_back(std::move(strong), s);
    }
    for (auto& [strong, slot] : live) (*slot.call)(slot.object, args...);
    return live.size();
  }

  // size(): live listeners (the dead are pruned).
  [[nodiscard]] std::size_t size() {
    std::lock_guard lock(mutex_);
    std::erase_if(slots_, [](const Slot& s) { return s.weak.expired(); });
    return slots_.size();
  }

 private:
  using Call = std::function<void(const void*, Args...)>;
  struct Slot {
    std::weak_ptr<const void> weak;
    const void* object;  // what the callback gets, valid while `weak` can be locked
    std::shared_ptr<Call> call;
  };
  std::mutex mutex_;
  std::vector<Slot> slots_;
};

}  // namespace kit::cache
