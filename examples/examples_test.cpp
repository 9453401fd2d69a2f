// The tutorial's other two apps through TestClient: the seed's test_products.py and more.
#include <gtest/gtest.h>

#define KIT_EXAMPLE_NO_MAIN
#include "hello_api.cpp"     // NOLINT(bugprone-suspicious-include)
#include "products_api.cpp"  // NOLINT(bugprone-suspicious-include)

namespace {

TEST(Examples, HelloApi) {
  const kit::web::App app = make_hello_app();
  kit::web::TestClient client(app);
  EXPECT_EQ(client.get("/").body, R"({"message":"Hello from Starlette!","version":"1.0"})");
}

// The seed's test_products.py, one test each.
TEST(Examples, ProductsSeedTests) {
  const kit::web::App app = make_products_app();
  kit::web::TestClient client(app);
  auto all = client.get("/products");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.json()["count"], 3);
  auto widgets = client.get("/products?category=widgets");
  EXPECT_EQ(widgets.status, 200);
  EXPECT_EQ(widgets.json()["count"], 2);
  EXPECT_EQ(widgets.body,
            R"({"products":{"1":{"name":"Widget A","price":9.99,"category":"widgets"},)"
            R"("3":{"name":"Widget C","price":14.99,"category":"widgets"}},"count":2})");
  auto missing = client.get("/products/999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(missing.json().contains("error"));
}

TEST(Examples, ProductsCreate) {
  const kit::web::App app = make_products_app();
  kit::web::TestClient client(app);
  auto created = client.post("/products",
                             R"({"name": "Super Gadget", "price": 49.99, "category": "gadgets"})");
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.body, R"({"id":4,"name":"Super Gadget","price":49.99,"category":"gadgets"})");
  EXPECT_EQ(client.get("/products/4").json()["name"], "Super Gadget");
  EXPECT_EQ(client.post("/products", R"({"name": "x", "price": "2.5"})").json()["price"], 2.5);
  EXPECT_EQ(client.post("/products", R"({"name": "x", "price": "2.5"})").json()["category"],
            "general");
  EXPECT_EQ(client.post("/products", "{oops").status, 400);
  EXPECT_EQ(client.post("/products", R"({"name": "  ", "price": 1})").status, 422);
  EXPECT_EQ(client.post("/products", R"({"name": "x"})").status, 422);
  EXPECT_EQ(client.post("/products", R"({"name": "x", "price": "cheap"})").status, 422);
  EXPECT_EQ(client.post("/products", R"([1])").status, 422);
  EXPECT_EQ(client.get("/products/abc").status, 404);
}

}  // namespace
