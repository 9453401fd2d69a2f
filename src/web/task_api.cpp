// The Task Manager API of the Starlette tutorial, on a TaskStore, with its live feed and page.
#include <charconv>
#include <mutex>

#include "kit/core/text.hpp"
#include "kit/web/tasks.hpp"

namespace kit::web {

namespace {

// Python's truth value of a JSON value: the seed's `body.get("title") or ""`.
bool python_falsy(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return true;
    case Json::value_t::boolean:
      return !v.get<bool>();
    case Json::value_t::number_integer:
      return v.get<std::int64_t>() == 0;
    case Json::value_t::number_unsigned:
      return v.get<std::uint64_t>() == 0;
    case Json::value_t::number_float:
      return v.get<double>() == 0.0;
    case Json::value_t::string:
      return v.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object:
      return v.empty();
    default:
      return false;
  }
}

Response error(int status, std::string_view message) {
  return Response::json({{"error", message}}, status);
}

// The subscribers of WS /ws; a dead one is dropped on the next publish.
class Feed {
 public:
  void add(const std::shared_ptr<WebSocket>& ws) {
    std::lock_guard lock(mutex_);
    subscribers_.push_back(ws);
  }
  void drop(const WebSocket& ws) {
    std::lock_guard lock(mutex_);
    std::erase_if(subscribers_, [&](const std::weak_ptr<WebSocket>& w) {
      const auto s = w.lock();
      return !s || s.get() == &ws;
    });
  }
  void publish(std::string_view type, const Task& task) {
    const std::string text = render_json(Json{{"type", type}, {"task", to_json(task)}});
    std::lock_guard lock(mutex_);
    std::erase_if(subscribers_, [&](const std::weak_ptr<WebSocket>& w) {
      const auto s = w.lock();
      if (s) s->send_text(text);
      return !s;
    });
  }

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<WebSocket>> subscribers_;
};

// The rendered unfiltered list, kept while the store's version stays the same.
class ListCache {
 public:
  std::shared_ptr<const std::string> get(const TaskStore& store) {
    const std::uint64_t v = store.version();
    {
      std::lock_guard lock(mutex_);
      if (body_ && version_ == v) return body_;
    }
    auto body = std::make_shared<const std::string>(render(store.list({})));
    std::lock_guard lock(mutex_);
    version_ = v;  // rendered from a list at least as new as v
    body_ = body;
    return body;
  }
  static std::string render(const std::vector<Task>& tasks) {
    Json items = Json::array();
    for (const auto& t : tasks) items.push_back(to_json(t));
    return render_json(Json{{"tasks", std::move(items)}, {"count", tasks.size()}});
  }

 private:
  std::mutex mutex_;
  std::uint64_t version_ = 0;
  std::shared_ptr<const std::string> body_;
};

// count(query, name): a non-negative integer query parameter, if given.
Result<std::optional<std::size_t>> count_param(const Request& req, std::string_view name) {
  const auto text = req.query.get(name);
  if (!text) return std::nullopt;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size())
    return fail(ErrorKind::invalid_argument, "web.bad_param",
                std::string(name) + " must be a non-negative integer");
  return n;
}

// json_object(req): the body as a JSON object, or the response that refuses it.
std::variant<Json, Response> json_object(const Request& req) {
  auto body = req.json();
  if (!body) return error(400, "Invalid JSON");
  if (!body->is_object()) return error(422, "JSON object expected");
  return std::move(*body);
}

// Shares a Responder with a store callback (std::function must be copyable).
std::shared_ptr<Responder> share(Responder r) {
  return std::make_shared<Responder>(std::move(r));
}

}  // namespace

void add_task_api(App& app, std::shared_ptr<TaskStore> store) {
  auto feed = std::make_shared<Feed>();
  auto cache = std::make_shared<ListCache>();

  app.get("/", [](Request&) { return Response::html(std::string(task_page())); });

  app.get("/tasks", [store, cache](Request& req) {
    auto limit = count_param(req, "limit");
    if (!limit) return error(422, limit.error().message);
    auto offset = count_param(req, "offset");
    if (!offset) return error(422, offset.error().message);
    TaskQuery q;
    if (const auto s = req.query.get("status"); s && !s->empty()) q.status = std::string(*s);
    q.limit = *limit;
    q.offset = offset->value_or(0);
    Response r;
    if (!q.status && !q.limit && q.offset == 0)
      r.shared_body = cache->get(*store);
    else
      r.body = ListCache::render(store->list(q));
    r.headers.set("content-type", "application/json");
    return r;
  });

  app.route_async({"POST"}, "/tasks", [store, feed](Request& req, Responder respond) {
    auto body = json_object(req);
    if (auto* refused = std::get_if<Response>(&body)) return respond(std::move(*refused));
    const Json& object = std::get<Json>(body);
    const auto it = object.find("title");
    if (it == object.end() || python_falsy(*it)) return respond(error(422, "title is required"));
    if (!it->is_string()) return respond(error(422, "title must be a string"));
    const std::string_view title = core::python_strip(it->get_ref<const std::string&>());
    if (title.empty()) return respond(error(422, "title is required"));
    store->create(std::string(title), [r = share(std::move(respond)), feed](Result<Task> t) {
      if (!t) return (*r)(Response::error(500));
      feed->publish("created", *t);
      (*r)(Response::json(to_json(*t), 201));
    });
  });

  app.get("/tasks/{task_id:int}", [store](Request& req) {
    const auto id = req.param_int("task_id");
    const auto task = id ? store->get(*id) : std::nullopt;
    if (!task) return error(404, "Task not found");
    return Response::json(to_json(*task));
  });

  app.route_async({"PUT"}, "/tasks/{task_id:int}", [store, feed](Request& req, Responder respond) {
    const auto id = req.param_int("task_id");
    if (!id || !store->get(*id)) return respond(error(404, "Task not found"));
    auto body = json_object(req);
    if (auto* refused = std::get_if<Response>(&body)) return respond(std::move(*refused));
    const Json& object = std::get<Json>(body);
    TaskChange change;
    if (const auto s = object.find("status"); s != object.end()) {
      if (!s->is_string()) return respond(error(422, "status must be a string"));
      change.status = s->get<std::string>();
    }
    if (const auto t = object.find("title"); t != object.end()) {
      if (!t->is_string()) return respond(error(422, "title must be a string"));
      const std::string_view title = core::python_strip(t->get_ref<const std::string&>());
      if (title.empty()) return respond(error(422, "title is required"));
      change.title = std::string(title);
    }
    store->update(*id, std::move(change),
                  [r = share(std::move(respond)), feed](Result<std::optional<Task>> t) {
                    if (!t) return (*r)(Response::error(500));
                    if (!*t) return (*r)(error(404, "Task not found"));
                    feed->publish("updated", **t);
                    (*r)(Response::json(to_json(**t)));
                  });
  });

  app.route_async(
      {"DELETE"}, "/tasks/{task_id:int}", [store, feed](Request& req, Responder respond) {
        const auto id = req.param_int("task_id");
        if (!id || !store->get(*id)) return respond(error(404, "Task not found"));
        store->remove(*id, [r = share(std::move(respond)), feed](Result<std::optional<Task>> t) {
          if (!t) return (*r)(Response::error(500));
          if (!*t) return (*r)(error(404, "Task not found"));
          feed->publish("deleted", **t);
          (*r)(Response::json({{"deleted", to_json(**t)}}));
        });
      });

  WebSocketRoute ws;
  ws.on_open = [feed](const std::shared_ptr<WebSocket>& s) { feed->add(s); };
  ws.on_close = [feed](WebSocket& s) { feed->drop(s); };
  app.websocket("/ws", std::move(ws));
}

}  // namespace kit::web
