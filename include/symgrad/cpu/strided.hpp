// Strided loops: the one kernel behind transpose, slice, tile, repeat, broadcasting and
// reductions. A loop runs over a shape (row-major) with, for each operand, a stride per
// dimension (0 where an operand is broadcast or reduced). Adjacent dimensions that are
// contiguous for every operand are merged first, so most loops end up 1-D or 2-D.
// Strides are `Strides`, held inline: kernels build them on every call, and a training step
// must not touch the heap.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "../core/error.hpp"
#include "../core/shape.hpp"

namespace SYMGRAD_NS::host {

// Up to kMaxRank integers (strides per dimension) without heap storage; the vector operations
// the kernels use.
class Strides {
 public:
  Strides() = default;
  explicit Strides(std::size_t n, std::int64_t fill = 0) : n_(checked(n)) {
    std::fill_n(v_.begin(), n_, fill);
  }
  Strides(std::initializer_list<std::int64_t> l) : n_(checked(l.size())) {
    std::copy(l.begin(), l.end(), v_.begin());
  }
  Strides(const std::vector<std::int64_t>& v) : n_(checked(v.size())) {
    std::copy(v.begin(), v.end(), v_.begin());
  }

  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  std::int64_t& operator[](std::size_t i) { return v_[i]; }
  std::int64_t operator[](std::size_t i) const { return v_[i]; }
  std::int64_t* begin() { return v_.data(); }
  std::int64_t* end() { return v_.data() + n_; }
  const std::int64_t* begin() const { return v_.data(); }
  const std::int64_t* end() const { return v_.data() + n_; }
  void push_back(std::int64_t x) { v_[checked(n_ + 1) - 1] = x, ++n_; }
  void erase(std::size_t at) {  // removes entry `at`
    std::copy(v_.begin() + static_cast<std::ptrdiff_t>(at) + 1, v_.begin() + static_cast<std::ptrdiff_t>(n_),
              v_.begin() + static_cast<std::ptrdiff_t>(at));
    --n_;
  }

 private:
  static std::size_t checked(std::size_t n) {
    if (n > static_cast<std::size_t>(kMaxRank)) throw ShapeError("strided loops take at most 8 dimensions");
    return n;
  }
  std::array<std::int64_t, kMaxRank> v_{};
  std::size_t n_ = 0;
};

template <std::size_t K>
struct StridedLoop {
  int ndim = 0;
  std::array<std::int64_t, kMaxRank> dims{};
  std::array<std::array<std::int64_t, kMaxRank>, K> strides{};

  // shape: the iteration space; st[k][d]: operand k's stride along dimension d.
  StridedLoop(const Shape& shape, const std::array<Strides, K>& st) {
    for (std::size_t d = 0; d < static_cast<std::size_t>(shape.ndim()); ++d) {
      const std::int64_t extent = shape[static_cast<int>(d)];
      if (extent == 1) continue;  // size-1 dimensions do nothing
      bool merge = ndim > 0;
      for (std::size_t k = 0; k < K && merge; ++k) merge = strides[k][ndim - 1] == st[k][d] * extent;
      if (merge) {
        dims[ndim - 1] *= extent;
        for (std::size_t k = 0; k < K; ++k) strides[k][ndim - 1] = st[k][d];
      } else {
        dims[ndim] = extent;
        for (std::size_t k = 0; k < K; ++k) strides[k][ndim] = st[k][d];
        ++ndim;
      }
    }
  }
  std::int64_t size() const {
    std::int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= dims[d];
    return n;
  }
  std::int64_t inner() const { return ndim ? dims[ndim - 1] : 1; }
  std::int64_t inner_stride(std::size_t k) const { return ndim ? strides[k][ndim - 1] : 0; }

  // Calls row(offsets, n) for each innermost row: operand k's elements are at
  // offsets[k] + j * inner_stride(k) for j in [0, n).
  template <class Row>
  void for_each_row(Row&& row) const {
    std::array<std::int64_t, K> off{};
    if (size() == 0) return;
    if (ndim <= 1) {
      row(off, inner());
      return;
    }
    std::array<std::int64_t, kMaxRank> idx{};
    const int outer = ndim - 1;
    for (;;) {
      row(off, inner());
      int d = outer - 1;
      for (; d >= 0; --d) {
        ++idx[d];
        for (std::size_t k = 0; k < K; ++k) off[k] += strides[k][d];
        if (idx[d] < dims[d]) break;
        for (std::size_t k = 0; k < K; ++k) off[k] -= strides[k][d] * dims[d];
        idx[d] = 0;
      }
      if (d < 0) return;
    }
  }
};

// Row-major strides of a shape.
inline Strides contiguous_strides(const Shape& s) {
  Strides st(static_cast<std::size_t>(s.ndim()), 1);
  for (int d = s.ndim() - 2; d >= 0; --d) st[d] = st[d + 1] * s[d + 1];
  return st;
}

// Strides for reading an operand of shape `in` broadcast to `out` (NumPy rule, right-aligned):
// 0 along dimensions where `in` has size 1 or is missing.
inline Strides broadcast_strides(const Shape& in, const Shape& out) {
  Strides st(static_cast<std::size_t>(out.ndim()), 0);
  auto cs = contiguous_strides(in);
  int shift = out.ndim() - in.ndim();
  for (int d = 0; d < in.ndim(); ++d)
    if (in[d] != 1) st[d + shift] = cs[d];
  return st;
}

// out (contiguous, shape `shape`) = in read with `in_strides`; or += when add.
template <class T>
void strided_copy(const Shape& shape, T* out, const T* in, const Strides& in_strides, bool add) {
  StridedLoop<2> loop(shape, {contiguous_strides(shape), in_strides});
  loop.for_each_row([&](const std::array<std::int64_t, 2>& off, std::int64_t n) {
    T* o = out + off[0];
    const T* i = in + off[1];
    std::int64_t s = loop.inner_stride(1);
    if (add) {
      for (std::int64_t j = 0; j < n; ++j) o[j] += i[j * s];
    } else if (s == 1) {
      std::copy_n(i, n, o);
    } else {
      for (std::int64_t j = 0; j < n; ++j) o[j] = i[j * s];
    }
  });
}

// dst[dst_strides · idx] += src[idx] for every idx of `shape` (src contiguous): reduction over
// the dimensions where dst_strides is 0 (the transpose of a broadcast).
template <class T>
void strided_accumulate(const Shape& shape, T* dst, const Strides& dst_strides, const T* src) {
  StridedLoop<2> loop(shape, {dst_strides, contiguous_strides(shape)});
  loop.for_each_row([&](const std::array<std::int64_t, 2>& off, std::int64_t n) {
    T* d = dst + off[0];
    const T* s = src + off[1];
    std::int64_t ds = loop.inner_stride(0);
    if (ds == 0) {
      T acc = T(0);
      for (std::int64_t j = 0; j < n; ++j) acc += s[j];
      *d += acc;
    } else {
      for (std::int64_t j = 0; j < n; ++j) d[j * ds] += s[j];
    }
  });
}

}  // namespace SYMGRAD_NS::host
