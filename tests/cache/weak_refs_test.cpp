#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kit/cache.hpp"

namespace {

struct Widget {
  std::string name;
};

TEST(WeakKeyMap, TheTutorialsTimestamps) {
  kit::cache::WeakKeyMap<Widget, std::string> timestamps;
  auto btn = std::make_shared<Widget>(Widget{"submit-button"});
  auto lbl = std::make_shared<Widget>(Widget{"title-label"});
  timestamps.set(btn, "2026-04-22T09:14:37");
  timestamps.set(lbl, "2026-04-22T09:14:38");
  EXPECT_EQ(timestamps.get(btn), "2026-04-22T09:14:37");
  EXPECT_EQ(timestamps.size(), 2u);

  btn.reset();
  EXPECT_EQ(timestamps.size(), 1u);  // Entries remaining: 1
  EXPECT_EQ(timestamps.get(lbl), "2026-04-22T09:14:38");
}

TEST(WeakKeyMap, KeyedByIdentityNotValue) {
  kit::cache::WeakKeyMap<Widget, int> map;
  auto a = std::make_shared<Widget>(Widget{"same"});
  auto b = std::make_shared<Widget>(Widget{"same"});
  map.set(a, 1);
  EXPECT_TRUE(map.contains(a));
  EXPECT_FALSE(map.contains(b));
  EXPECT_EQ(map.get(b), std::nullopt);
  map.set(a, 2);  // replaces
  EXPECT_EQ(map.get(a), 2);
  EXPECT_EQ(map.size(), 1u);
  // An aliasing pointer shares the owner: the same object for the map.
  std::shared_ptr<std::string> name(a, &a->name);
  kit::cache::WeakKeyMap<std::string, int> by_name;
  by_name.set(name, 5);
  EXPECT_TRUE(by_name.erase(name));
  EXPECT_FALSE(by_name.erase(name));
}

TEST(WeakKeyMap, DoesNotKeepKeysAliveAndNeverConfusesANewObject) {
  kit::cache::WeakKeyMap<Widget, int> map;
  std::weak_ptr<Widget> watch;
  for (int i = 0; i < 100; ++i) {
    auto w = std::make_shared<Widget>(Widget{std::to_string(i)});
    EXPECT_FALSE(map.contains(w));  // a new object at a dead one's address is not it
    map.set(w, i);
    watch = w;
  }
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(map.size(), 0u);

  auto x = std::make_shared<Widget>(Widget{"x"});
  auto y = std::make_shared<Widget>(Widget{"y"});
  map.set(x, 1);
  map.set(y, 2);
  std::vector<std::string> seen;
  map.for_each([&](const std::shared_ptr<Widget>& w, int v) {
    seen.push_back(w->name + "=" + std::to_string(v));
  });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"x=1", "y=2"}));
}

struct Listener {
  std::vector<std::string> got;
  void on(const std::string& e) { got.push_back(e); }
};

TEST(WeakObservers, DeadListenersAreSkippedAndPruned) {
  kit::cache::WeakObservers<const std::string&> observers;
  auto a = std::make_shared<Listener>();
  auto b = std::make_shared<Listener>();
  observers.subscribe(a, [](Listener& l, const std::string& e) { l.on(e); });
  observers.subscribe(b, &Listener::on);
  std::vector<std::string> plain;
  auto token = std::make_shared<int>(0);
  observers.subscribe(token, [&](const std::string& e) { plain.push_back(e); });
  EXPECT_EQ(observers.notify("one"), 3u);

  b.reset();
  EXPECT_EQ(observers.notify("two"), 2u);
  EXPECT_EQ(observers.size(), 2u);
  token.reset();
  EXPECT_EQ(observers.notify("three"), 1u);
  EXPECT_EQ(a->got, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(plain, (std::vector<std::string>{"one", "two"}));

  EXPECT_EQ(observers.unsubscribe(a), 1u);
  EXPECT_EQ(observers.notify("four"), 0u);
  EXPECT_EQ(a->got.size(), 3u);
}

TEST(WeakObservers, CallbacksMaySubscribe) {
  kit::cache::WeakObservers<int> observers;
  auto a = std::make_shared<int>(0);
  auto b = std::make_shared<int>(0);
  observers.subscribe(a, [&](int& self, int v) {
    self += v;
    observers.subscribe(b, [](int& other, int w) { other += w; });  // no deadlock
  });
  EXPECT_EQ(observers.notify(2), 1u);  // b joined during the call: from the next notify on
  EXPECT_EQ(observers.notify(3), 2u);
  EXPECT_EQ(*a, 5);
  EXPECT_EQ(*b, 3);
}

}  // namespace
