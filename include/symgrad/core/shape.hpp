// Shape: up to 8 dimensions, each known (>= 0) or unknown (`dyn`), or an unknown rank.
// constexpr throughout, so one shape rule serves the compiler (static shapes) and bind.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <iterator>
#include <string>
#include <vector>
#include "config.hpp"

#include "error.hpp"

namespace SYMGRAD_NS {

namespace detail {
[[noreturn]] void throw_shape_error(const char* what);  // a ShapeError (core/core-inl.hpp)
// A ShapeError saying that a op b does not fit in int64 (core/core-inl.hpp).
[[noreturn]] void throw_size_overflow(std::int64_t a, std::int64_t b, char op);
}  // namespace detail

// Sizes computed from dimensions, checked: a ShapeError when a·b or a + b does not fit in int64.
// Shape rules use these for every product or sum of sizes; inference adds the node and operator
// to the message.
constexpr std::int64_t mul_size(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) detail::throw_size_overflow(a, b, '*');
  return r;
}
constexpr std::int64_t add_size(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) detail::throw_size_overflow(a, b, '+');
  return r;
}

inline constexpr std::int64_t dyn = -1;  // an unknown dimension (never 0: 0 is a real size)
inline constexpr int kMaxRank = 8;

class Shape {
 public:
  constexpr Shape() : ndim_(0) {}  // rank 0: a scalar, "()" (Shape::unknown() has no rank)
  constexpr Shape(std::initializer_list<std::int64_t> dims) { assign(dims.begin(), dims.size()); }
  explicit Shape(const std::vector<std::int64_t>& dims) { assign(dims.data(), dims.size()); }
  template <std::input_iterator It>
  constexpr Shape(It first, It last) {
    for (; first != last; ++first) push_back(static_cast<std::int64_t>(*first));
  }

  static constexpr Shape unknown() {
    Shape s;
    s.ndim_ = -1;
    return s;
  }
  // A known rank with every dimension unknown.
  static constexpr Shape unknown_dims(int ndim) {
    Shape s;
    for (int i = 0; i < ndim; ++i) s.push_back(dyn);
    return s;
  }

  constexpr int ndim() const { return ndim_; }
  constexpr bool rank_known() const { return ndim_ >= 0; }
  constexpr bool known() const {  // rank and every dimension known
    if (ndim_ < 0) return false;
    for (int i = 0; i < ndim_; ++i)
      if (d_[i] < 0) return false;
    return true;
  }
  constexpr bool dim_known(int i) const { return d_[i] >= 0; }
  // Number of elements; dyn when anything is unknown; a ShapeError when it does not fit in int64.
  constexpr std::int64_t size() const {
    if (!known()) return dyn;
    for (int i = 0; i < ndim_; ++i)
      if (d_[i] == 0) return 0;
    std::int64_t n = 1;
    for (int i = 0; i < ndim_; ++i) n = mul_size(n, d_[i]);
    return n;
  }
  constexpr std::int64_t operator[](int i) const { return d_[i]; }
  constexpr std::int64_t& operator[](int i) { return d_[i]; }
  // Python-style negative index.
  constexpr std::int64_t at(int i) const { return d_[i < 0 ? i + ndim_ : i]; }
  constexpr std::int64_t back() const { return d_[ndim_ - 1]; }
  constexpr void push_back(std::int64_t v) {
    if (ndim_ < 0) ndim_ = 0;
    if (ndim_ >= kMaxRank) detail::throw_shape_error("a shape has at most 8 dimensions");
    d_[ndim_++] = v;
  }
  constexpr const std::int64_t* begin() const { return d_.data(); }
  constexpr const std::int64_t* end() const { return d_.data() + (ndim_ < 0 ? 0 : ndim_); }
  std::vector<std::int64_t> to_vector() const { return {begin(), end()}; }
  std::vector<std::size_t> to_size_vector() const { return {begin(), end()}; }

  friend constexpr bool operator==(const Shape& a, const Shape& b) {
    if (a.ndim_ != b.ndim_) return false;
    for (int i = 0; i < a.ndim_; ++i)
      if (a.d_[i] != b.d_[i]) return false;
    return true;
  }

  // "(32, 2)", "(1,)", "()" for rank 0, "(?, 256)" with unknown dims, "unknown" for unknown rank;
  // the tuple form MXNet users know from Python.
  std::string str() const;  // "(2, 3)", "(4,)", "(?, 3)", "unknown" (core/core-inl.hpp)

 private:
  template <class P>
  constexpr void assign(P p, std::size_t n) {
    if (n > static_cast<std::size_t>(kMaxRank)) detail::throw_shape_error("a shape has at most 8 dimensions");
    ndim_ = static_cast<int>(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] < dyn) detail::throw_shape_error("a dimension must be >= 0 (or sg::dyn for unknown)");
      d_[i] = p[i];
    }
  }
  int ndim_ = 0;
  std::array<std::int64_t, kMaxRank> d_{};
};

std::ostream& operator<<(std::ostream& os, const Shape& s);  // "(2, 3)", ndarray/print-inl.hpp

// Merge what is known of two shapes; `ok` false when they conflict.
struct MergeResult {
  Shape shape;
  bool ok = true;
};
constexpr MergeResult merge(const Shape& a, const Shape& b) {
  if (!a.rank_known()) return {b, true};
  if (!b.rank_known()) return {a, true};
  if (a.ndim() != b.ndim()) return {a, false};
  Shape r = a;
  for (int i = 0; i < a.ndim(); ++i) {
    if (a[i] < 0)
      r[i] = b[i];
    else if (b[i] >= 0 && a[i] != b[i])
      return {a, false};
  }
  return {r, true};
}

// Number of unknown entries, counting an unknown rank as one.
constexpr int unknown_count(const Shape& s) {
  if (!s.rank_known()) return 1;
  int n = 0;
  for (int i = 0; i < s.ndim(); ++i) n += s[i] < 0;
  return n;
}

}  // namespace SYMGRAD_NS
