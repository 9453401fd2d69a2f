// products_api — the Starlette tutorial's products API on kit::web: GET /products[?category=],
// GET /products/{product_id:int}, POST /products (400 for malformed JSON, 422 for a missing or
// wrong field). Where the seed crashes with 500 (a body that is not an object, a name that is
// not text, a price that is not a number) this answers 422.
//
//   $ products_api 8000 &
//   $ curl 'http://127.0.0.1:8000/products?category=widgets'
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kit/core/text.hpp"
#include "kit/web.hpp"

namespace {

struct Product {
  std::string name;
  double price = 0;
  std::string category;
};

kit::web::Json to_json(const Product& p) {
  return {{"name", p.name}, {"price", p.price}, {"category", p.category}};
}

struct Catalog {
  std::mutex mutex;
  std::map<std::int64_t, Product> products = {{1, {"Widget A", 9.99, "widgets"}},
                                              {2, {"Gadget B", 24.99, "gadgets"}},
                                              {3, {"Widget C", 14.99, "widgets"}}};
  std::int64_t next_id = 4;
};

kit::web::Response error(int status, std::string_view message) {
  return kit::web::Response::json({{"error", message}}, status);
}

}  // namespace

kit::web::App make_products_app() {
  using kit::web::Json;
  using kit::web::Request;
  using kit::web::Response;
  auto catalog = std::make_shared<Catalog>();
  kit::web::App app;

  app.get("/products", [catalog](Request& r) {
    const auto category = r.query.get("category");
    Json products = Json::object();
    std::lock_guard lock(catalog->mutex);
    for (const auto& [id, p] : catalog->products)
      if (!category || category->empty() || p.category == *category)
        products[std::to_string(id)] = to_json(p);
    const std::size_t count = products.size();
    return Response::json({{"products", std::move(products)}, {"count", count}});
  });

  app.get("/products/{product_id:int}", [catalog](Request& r) {
    const auto id = r.param_int("product_id");
    std::lock_guard lock(catalog->mutex);
    const auto it = id ? catalog->products.find(*id) : catalog->products.end();
    if (it == catalog->products.end()) return error(404, "Product not found");
    Json out = {{"id", it->first}};
    out.update(to_json(it->second));
    return Response::json(out);
  });

  app.post("/products", [catalog](Request& r) {
    auto body = r.json();
    if (!body) return error(400, "Invalid JSON");
    if (!body->is_object()) return error(422, "name and price are required");
    const Json name = body->value("name", Json(""));
    const Json price = body->value("price", Json());
    if (!name.is_string()) return error(422, "name must be text");
    const std::string stripped(kit::core::python_strip(name.get<std::string>()));
    if (stripped.empty() || price.is_null()) return error(422, "name and price are required");
    double value = 0;
    if (price.is_number()) {
      value = price.get<double>();
    } else if (price.is_string()) {  // float("49.99"), as the seed's float(price)
      const std::string text(kit::core::python_strip(price.get<std::string>()));
      char* end = nullptr;
      value = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size())
        return error(422, "price must be a number");
    } else {
      return error(422, "price must be a number");
    }
    if (!std::isfinite(value)) return error(422, "price must be a number");
    const Json category = body->value("category", Json("general"));
    if (!category.is_string()) return error(422, "category must be text");
    Product p{stripped, value, category.get<std::string>()};
    std::lock_guard lock(catalog->mutex);
    const std::int64_t id = catalog->next_id++;
    catalog->products[id] = p;
    Json out = {{"id", id}};
    out.update(to_json(p));
    return Response::json(out, 201);
  });
  return app;
}

#ifndef KIT_EXAMPLE_NO_MAIN
int main(int argc, char** argv) {
  kit::web::ServerOptions options;
  options.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8000);
  const kit::web::App app = make_products_app();
  auto server = kit::web::Server::bind(app, options);
  if (!server) {
    std::fprintf(stderr, "products_api: %s\n", server.error().message.c_str());
    return 2;
  }
  std::printf("Listening on %s\n", (*server)->url().c_str());
  std::fflush(stdout);
  (*server)->run();
}
#endif
