#include "kit/core/buffer.hpp"

#include <sys/mman.h>

#include <cstring>
#include <new>
#include <utility>

namespace kit::core {

namespace {
constexpr std::size_t huge_page = std::size_t{2} << 20;
constexpr std::size_t map_from = std::size_t{1} << 20;  // below this, operator new
}  // namespace

Buffer::Buffer(Buffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      mapped_(std::exchange(other.mapped_, false)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    mapped_ = std::exchange(other.mapped_, false);
  }
  return *this;
}

Buffer::~Buffer() {
  release();
}

void Buffer::release() {
  if (data_ == nullptr) return;
  if (mapped_)
    ::munmap(data_, capacity_);
  else
    ::operator delete(data_);
  data_ = nullptr;
  size_ = capacity_ = 0;
  mapped_ = false;
}

void Buffer::reserve(std::size_t n) {
  if (n <= capacity_) return;
  if (n < map_from) {
    char* bigger = static_cast<char*>(::operator new(n));
    if (size_ != 0) std::memcpy(bigger, data_, size_);
    const std::size_t size = size_;
    release();
    data_ = bigger;
    size_ = size;
    capacity_ = n;
    return;
  }
  const std::size_t rounded = (n + huge_page - 1) / huge_page * huge_page;
  void* memory = MAP_FAILED;
  if (mapped_) {
    memory = ::mremap(data_, capacity_, rounded, MREMAP_MAYMOVE);
  } else {
    memory = ::mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory != MAP_FAILED && size_ != 0) std::memcpy(memory, data_, size_);
    if (memory != MAP_FAILED) {
      const std::size_t size = size_;
      release();
      size_ = size;
    }
  }
  if (memory == MAP_FAILED) throw std::bad_alloc();
  ::madvise(memory, rounded, MADV_HUGEPAGE);  // a hint: 4 KiB pages work too
  data_ = static_cast<char*>(memory);
  capacity_ = rounded;
  mapped_ = true;
}

void Buffer::append(std::string_view bytes) {
  if (bytes.empty()) return;
  std::memcpy(extend(bytes.size()), bytes.data(), bytes.size());
}

Buffer BufferPool::take() {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return Buffer();
  Buffer buffer = std::move(free_.back());
  free_.pop_back();
  buffer.clear();
  return buffer;
}

void BufferPool::give(Buffer buffer) {
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(buffer));
}

}  // namespace kit::core
