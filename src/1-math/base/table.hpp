#pragma once
/// \file Read-only arrays that may live inside a mapped file.
///
/// A proving key's point tables are large (1.6 GB at 2^20 constraints) and a .zkey already
/// stores them in our in-memory layout, so the prover reads them where they lie in the mapped
/// file instead of copying them. The file gives no alignment guarantee (a section may start at
/// any byte, e.g. after an even number of 44-byte coefficients), so elements are copied out one
/// at a time with memcpy, which compiles to plain unaligned loads.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <ranges>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/mapped_file.hpp"

namespace pm {

/// A non-owning view of `size()` consecutive T at any byte address.
// Files such as .zkey store little-endian words, viewed here as they are.
static_assert(std::endian::native == std::endian::little, "mapped tables assume a little-endian host");

// Files such as .zkey store little-endian words, viewed here as they are.
static_assert(std::endian::native == std::endian::little, "mapped tables assume a little-endian host");

template <class T>
class UnalignedSpan {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  UnalignedSpan() = default;
  /// Views any contiguous range of T (a vector, a span, an array), but not a temporary
  /// container, which would leave the view dangling.
  template <std::ranges::contiguous_range R>
  requires std::is_same_v<std::remove_cv_t<std::ranges::range_value_t<R>>, T> &&
      (std::is_lvalue_reference_v<R> ||
       std::ranges::borrowed_range<R>)UnalignedSpan(R&& r)  // NOLINT: implicit, as std::span's
      : data_(reinterpret_cast<const std::uint8_t*>(std::ranges::data(r))), size_(std::ranges::size(r)) {}
  /// Views `bytes` (a multiple of sizeof(T) long) as T values.
  static UnalignedSpan from_bytes(std::span<const std::uint8_t> bytes) {
    UnalignedSpan s;
    s.data_ = bytes.data();
    s.size_ = bytes.size() / sizeof(T);
    return s;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Element i, copied out.
  [[gnu::always_inline]] T operator[](std::size_t i) const {
    T t;
    std::memcpy(static_cast<void*>(&t), data_ + i * sizeof(T), sizeof(T));
    return t;
  }
  UnalignedSpan subspan(std::size_t offset) const {
    UnalignedSpan s;
    s.data_ = data_ + offset * sizeof(T);
    s.size_ = size_ - offset;
    return s;
  }
  std::span<const std::uint8_t> bytes() const { return {data_, size_ * sizeof(T)}; }
  std::vector<T> to_vector() const {
    std::vector<T> v(size_);
    if (size_ != 0) std::memcpy(static_cast<void*>(v.data()), data_, size_ * sizeof(T));
    return v;
  }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

/// An UnalignedSpan together with what keeps its memory alive: either its own vector or a
/// shared mapping of the file it lies in. Copies share the storage.
template <class T>
class Table {
 public:
  Table() = default;
  /// Owns `v` (implicit, so that a freshly computed vector can be assigned).
  Table(std::vector<T> v) {  // NOLINT
    auto owned = std::make_shared<const std::vector<T>>(std::move(v));
    view_ = UnalignedSpan<T>(*owned);
    owner_ = std::move(owned);
  }
  /// Views `bytes` inside `file` (a multiple of sizeof(T) long), keeping the mapping alive.
  Table(std::shared_ptr<const MappedFile> file, std::span<const std::uint8_t> bytes)
      : view_(UnalignedSpan<T>::from_bytes(bytes)), file_(std::move(file)) {}
  /// A copy of `bytes` in memory of its own.
  static Table copy_of(std::span<const std::uint8_t> bytes) {
    return Table(UnalignedSpan<T>::from_bytes(bytes).to_vector());
  }

  std::size_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }
  T operator[](std::size_t i) const { return view_[i]; }
  const UnalignedSpan<T>& view() const { return view_; }
  operator UnalignedSpan<T>() const { return view_; }  // NOLINT: implicit by design
  bool is_mapped() const { return file_ != nullptr; }

  /// Drops this table's pages from the process's resident memory when it lies in a mapped file
  /// (they are read back from the page cache on the next access); nothing otherwise.
  void release() const noexcept {
    if (file_) file_->release(view_.bytes());
  }
  /// The same for elements [first, first + count) only.
  void release(std::size_t first, std::size_t count) const noexcept {
    if (file_) file_->release(view_.bytes().subspan(first * sizeof(T), count * sizeof(T)));
  }

 private:
  UnalignedSpan<T> view_;
  std::shared_ptr<const void> owner_;
  std::shared_ptr<const MappedFile> file_;
};

}  // namespace pm
