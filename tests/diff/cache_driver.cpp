// Drives kit::cache for tests/diff/cache_vs_python.py: the weakref tutorial's ImageLoader
// (image_cache.py) written on kit::cache::WeakCache, printing what the Python prints.
//
//   cache_driver seed     the tutorial's run, line for line
//   cache_driver script   ops from standard input, one a line, on ImageLoaders:
//                           reset             a new loader (and no variables)
//                           print TEXT        prints TEXT
//                           load VAR PATH     VAR = loader.load(PATH)
//                           del VAR           del VAR (then gc.collect(): nothing to do in C++)
//                           show VAR          print(VAR)  ->  Image('PATH', N bytes)
//                           len               print(len(loader._cache))
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "kit/cache.hpp"

namespace {

void print(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

// class Image: path, data, size = len(data).
struct Image {
  std::string path;
  std::string data;
  std::size_t size = 0;
};

std::string repr(const Image& img) {
  return "Image('" + img.path + "', " + std::to_string(img.size) + " bytes)";
}

// class ImageLoader: a WeakValueDictionary of images by path, the seed's debug lines.
class ImageLoader {
 public:
  ImageLoader() : cache_(options()) {}

  std::shared_ptr<Image> load(const std::string& path) {
    auto img = cache_.get_or_load(path, [&] {
      ++load_count_;
      std::string fake_data(1024 * (load_count_ * 10), 'x');
      const std::size_t size = fake_data.size();
      return Image{path, std::move(fake_data), size};
    });
    return img ? *img : nullptr;
  }

  std::size_t size() const { return cache_.size(); }

 private:
  using Cache = kit::cache::WeakCache<std::string, Image>;
  static Cache::Options options() {
    Cache::Options o;
    o.size_of = [](const Image& img) { return img.size; };
    o.log = print;
    return o;
  }

  Cache cache_;
  std::size_t load_count_ = 0;
};

int seed() {
  ImageLoader loader;

  print("-- First load --");
  auto hero_ref = loader.load("hero.png");
  auto bg_ref = loader.load("background.png");

  print("-- Second load (cached) --");
  auto hero_ref2 = loader.load("hero.png");

  print("-- Drop hero refs --");
  hero_ref.reset();
  hero_ref2.reset();

  print("-- Reload after GC --");
  auto hero_ref3 = loader.load("hero.png");  // cache miss -- object was collected
  return 0;
}

int script() {
  auto loader = std::make_unique<ImageLoader>();
  std::map<std::string, std::shared_ptr<Image>> vars;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string op, a, b;
    in >> op;
    if (op == "reset") {
      vars.clear();
      loader = std::make_unique<ImageLoader>();
    } else if (op == "print") {
      print(line.size() > 6 ? std::string_view(line).substr(6) : std::string_view());
    } else if (op == "load" && in >> a >> b) {
      vars[a] = loader->load(b);  // assigned after the load, as Python does
    } else if (op == "del" && in >> a) {
      vars.erase(a);
    } else if (op == "show" && in >> a) {
      print(vars.count(a) && vars[a] ? repr(*vars[a]) : "None");
    } else if (op == "len") {
      print(std::to_string(loader->size()));
    } else {
      std::fprintf(stderr, "cache_driver: bad op: %s\n", line.c_str());
      return 2;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view what = argc == 2 ? argv[1] : "";
  if (what == "seed") return seed();
  if (what == "script") return script();
  std::fputs("usage: cache_driver seed | script < OPS\n", stderr);
  return 2;
}
