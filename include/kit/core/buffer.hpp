// kit/core/buffer.hpp — a growable byte buffer for large outputs, in huge pages.
//
// std::string zero-fills what it resizes to and lives in 4 KiB pages; on a VM the first touch
// of each 4 KiB page is a fault (~30 µs here), which made a quarter of `kit struct pack`'s time.
// A Buffer leaves new bytes as they are and, from 1 MiB up, holds them in transparent huge
// pages (one fault per 2 MiB), growing in place with mremap.
//
// Example:
//   kit::core::Buffer out(records * 14);
//   char* at = out.extend(14);        // room for one more record, uninitialised
//   write(1, out.data(), out.size());
#pragma once

#include <cstddef>
#include <cstring>
#include <mutex>
#include <string_view>
#include <type_traits>
#include <vector>

namespace kit::core {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t capacity) { reserve(capacity); }
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  [[nodiscard]] char* data() { return data_; }
  [[nodiscard]] const char* data() const { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] std::string_view view() const { return {data_, size_}; }

  // reserve(n): room for n bytes in all; the bytes held stay.
  void reserve(std::size_t n);
  // extend(n): n more bytes, not initialised; returns where they start.
  char* extend(std::size_t n) {
    if (capacity_ - size_ < n) reserve(size_ + n > 2 * capacity_ ? size_ + n : 2 * capacity_);
    char* at = data_ + size_;
    size_ += n;
    return at;
  }
  void append(std::string_view bytes);
  // resize(n): n bytes held; growing leaves the new ones uninitialised.
  void resize(std::size_t n) {
    if (n > capacity_) reserve(n);
    size_ = n;
  }
  void clear() { size_ = 0; }

 private:
  void release();
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool mapped_ = false;  // an anonymous mapping (else operator new)
};

// PodVector<T>: a vector of trivially copyable T held in a Buffer: huge pages and growth in
// place for large arrays visited at random (on a VM, TLB misses and 4 KiB faults are most of
// the cost of a big pointer-chasing structure).
template <class T>
class PodVector {
  static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= 16);

 public:
  [[nodiscard]] std::size_t size() const { return bytes_.size() / sizeof(T); }
  [[nodiscard]] bool empty() const { return bytes_.size() == 0; }
  [[nodiscard]] T* data() { return reinterpret_cast<T*>(bytes_.data()); }
  [[nodiscard]] const T* data() const { return reinterpret_cast<const T*>(bytes_.data()); }
  T& operator[](std::size_t i) { return data()[i]; }
  const T& operator[](std::size_t i) const { return data()[i]; }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  T& back() { return data()[size() - 1]; }
  void push_back(const T& x) { std::memcpy(bytes_.extend(sizeof(T)), &x, sizeof(T)); }
  void pop_back() { bytes_.resize(bytes_.size() - sizeof(T)); }
  void reserve(std::size_t n) { bytes_.reserve(n * sizeof(T)); }
  // resize(n, fill): n elements, the new ones copies of fill.
  void resize(std::size_t n, const T& fill = T{}) {
    const std::size_t old = size();
    bytes_.resize(n * sizeof(T));
    for (std::size_t i = old; i < n; ++i) data()[i] = fill;
  }
  void clear() { bytes_.clear(); }

 private:
  Buffer bytes_;
};

// BufferPool: buffers handed back for reuse. Pieces of output made on many threads and written
// in order each need a buffer for a while; reusing them faults fresh memory in only for the
// few alive at once. Safe from many threads.
class BufferPool {
 public:
  // take(): an empty buffer, one given back when there is one.
  [[nodiscard]] Buffer take();
  void give(Buffer buffer);

 private:
  std::mutex mutex_;
  std::vector<Buffer> free_;
};

}  // namespace kit::core
