// NDArray: an n-dimensional array with a runtime dtype on one Context. Copies of an NDArray share
// its storage (as MXNet's handles do); copy() and copy_to() make new storage. On the CPU, view<T>()
// exposes the data as an xtensor expression without copying, and an xtensor expression converts
// to an NDArray; both need the interop header <symgrad/xtensor.hpp> (symgrad.hpp includes it).
#pragma once
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "storage.hpp"

namespace xt {
template <class D>
class xexpression;
}  // namespace xt

namespace SYMGRAD_NS {

class NDArray;

namespace detail {
template <class T>
inline constexpr bool needs_xtensor_header = false;
// Stand-ins that the interop header's overloads beat; alone, they say what to include.
struct ArrayWithoutInterop {
  ArrayWithoutInterop(const NDArray&) {}  // NOLINT: implicit by design
};
struct ContextWithoutInterop {
  ContextWithoutInterop(Context) {}  // NOLINT: implicit by design
};
}  // namespace detail
template <class T>
int xtensor_view(detail::ArrayWithoutInterop) {
  static_assert(detail::needs_xtensor_header<T>,
                "NDArray::view<T>() is an xtensor adaptor: #include <symgrad/xtensor.hpp>");
  return 0;
}
template <class E>
NDArray from_xexpression(const xt::xexpression<E>&, detail::ContextWithoutInterop);

class NDArray {
 public:
  // An empty handle (no storage); is_none() is true. A null gradient is one of these.
  NDArray() = default;

  // Zero-filled array of the given shape (every dimension known): NDArray(Shape{2, 3}). A braced
  // list alone, NDArray({2, 3}), is data, as in numpy; the template keeps it from meaning a shape.
  template <std::same_as<Shape> S>
  explicit NDArray(const S& shape, Context ctx = cpu(), DType dtype = DType::float32)
      : shape_(checked(shape)), dtype_(dtype) {
    allocate_zeroed(ctx);
  }

  // From values: NDArray({1, 2, 3}), NDArray({{1, 2}, {3, 4}}), NDArray({{5}, {6}}) ... (float32
  // unless dtype says). The 1-D form takes Scalar elements so that a column {{5}, {6}} is 2-D.
  struct Scalar {
    double v;
    template <class T>
    requires std::is_arithmetic_v<T> Scalar(T x) : v(static_cast<double>(x)) {}  // NOLINT: implicit by design
  };
  NDArray(std::initializer_list<Scalar> v, DType dtype = DType::float32)
      : NDArray(from_flat(to_doubles(v), Shape{static_cast<std::int64_t>(v.size())}, dtype)) {}
  NDArray(std::initializer_list<std::initializer_list<double>> v, DType dtype = DType::float32)
      : NDArray(from_nested(v, dtype)) {}
  NDArray(std::initializer_list<std::initializer_list<std::initializer_list<double>>> v,
          DType dtype = DType::float32)
      : NDArray(from_nested(v, dtype)) {}
  NDArray(
      std::initializer_list<std::initializer_list<std::initializer_list<std::initializer_list<double>>>> v,
      DType dtype = DType::float32)
      : NDArray(from_nested(v, dtype)) {}

  // From a flat vector in C order plus a shape; the dtype follows T.
  template <class T>
  NDArray(const std::vector<T>& data, const Shape& shape, Context ctx = cpu())
      : NDArray(shape, ctx, dtype_v<T>) {
    if (static_cast<std::int64_t>(data.size()) != shape_.size()) throw_count_mismatch(data.size());
    T* out = this->data<T>();
    for (const T& x : data) *out++ = x;
  }

  // From any xtensor expression (xarray, xtensor, views ...); the dtype follows its value type.
  // Needs <symgrad/xtensor.hpp>.
  template <class E>
  NDArray(const xt::xexpression<E>& e, Context ctx = cpu())  // NOLINT: implicit, like numpy
      : NDArray(from_xexpression(e, ctx)) {}

  bool is_none() const { return storage_ == nullptr; }
  const Shape& shape() const { return shape_; }
  int ndim() const { return shape_.ndim(); }
  std::int64_t size() const { return is_none() ? 0 : shape_.size(); }
  DType dtype() const { return dtype_; }
  Context context() const { return storage_ ? storage_->context() : cpu(); }
  std::size_t nbytes() const { return static_cast<std::size_t>(shape_.size()) * dtype_size(dtype_); }

  void* raw_data() const {
    require();
    return static_cast<char*>(storage_->data()) + offset_;
  }
  template <class T>
  T* data() const {
    require();
    if (dtype_v<T> != dtype_) throw_wrong_dtype(dtype_v<T>);
    return static_cast<T*>(raw_data());
  }

  // Zero-copy xtensor view (CPU only); writes through it change the array. Needs
  // <symgrad/xtensor.hpp>.
  template <class T>
  auto view() const {
    return xtensor_view<T>(*this);
  }

  // Same storage, new shape; one dimension may be -1 (inferred).
  NDArray reshape(Shape s) const;
  // An array of shape s and dtype t over the first bytes of this one's (numpy's view(dtype) with
  // a shape); they must fit. Writes through either change both. Bind's memory plan uses it.
  NDArray view_as(const Shape& s, DType t) const;
  // Rows [begin, end) of the first axis, sharing this array's storage (numpy's a[begin:end]).
  NDArray slice_rows(std::int64_t begin, std::int64_t end) const;

  // Deep copies.
  NDArray copy() const { return copy_to(context()); }
  NDArray copy_to(Context ctx) const;
  // Copies the values into `dst`, which must have the same shape (dtype converts).
  void copy_to(NDArray& dst) const;
  void copy_from(const NDArray& src) const;

  NDArray astype(DType t) const;

  template <class T>
  std::vector<T> to_vector() const {
    require_cpu("to_vector");
    std::vector<T> out(static_cast<std::size_t>(size()));
    dispatch_storage(dtype_, [&](auto s) {
      using S = decltype(s);
      const S* p = static_cast<const S*>(raw_data());
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(p[i]);
    });
    return out;
  }
  // The single value of a one-element array (asscalar).
  template <class T = double>
  T item() const {
    if (size() != 1) throw_not_one();
    return to_vector<T>()[0];
  }
  // Value at a flat (C-order) index, converted to double; for tests and printing.
  double at_flat(std::int64_t i) const;

  const NDArray& fill(double v) const;  // handles are shallow: const guards the handle, not the data

  // Throws unless the array has storage (ValueError) on the CPU (DeviceError naming `what`).
  void require() const {
    if (!storage_) throw_none();
  }
  void require_cpu(const char* what) const {
    require();
    if (storage_->context().device_type != DeviceType::cpu) throw_not_cpu(what);
  }

  // True when both handles view the same bytes.
  bool same_storage(const NDArray& o) const { return storage_ == o.storage_ && offset_ == o.offset_; }

 private:
  static std::vector<double> to_doubles(std::initializer_list<Scalar> v) {
    std::vector<double> d;
    for (const auto& x : v) d.push_back(x.v);
    return d;
  }
  static Shape checked(const Shape& s);
  static NDArray from_flat(const std::vector<double>& v, const Shape& s, DType t);
  void allocate_zeroed(Context ctx);
  template <class L>
  static void flatten_into(const L& l, int depth, Shape& s, std::vector<double>& out) {
    if constexpr (std::is_arithmetic_v<L>) {
      out.push_back(static_cast<double>(l));
    } else {
      if (s.ndim() <= depth)
        s.push_back(static_cast<std::int64_t>(l.size()));
      else if (s[depth] != static_cast<std::int64_t>(l.size()))
        throw ShapeError("NDArray: nested lists are ragged: level " + std::to_string(depth) +
                         " has lengths " + std::to_string(s[depth]) + " and " + std::to_string(l.size()));
      for (const auto& x : l) flatten_into(x, depth + 1, s, out);
    }
  }
  template <class L>
  static NDArray from_nested(const L& l, DType t) {
    Shape s = Shape::unknown_dims(0);
    std::vector<double> flat;
    flatten_into(l, 0, s, flat);
    return from_flat(flat, s, t);
  }
  [[noreturn]] static void throw_none();
  [[noreturn]] void throw_not_cpu(const char* what) const;
  [[noreturn]] void throw_wrong_dtype(DType wanted) const;
  [[noreturn]] void throw_count_mismatch(std::size_t n) const;
  [[noreturn]] void throw_not_one() const;

  std::shared_ptr<Storage> storage_;
  std::size_t offset_ = 0;  // bytes
  Shape shape_ = Shape::unknown();
  DType dtype_ = DType::float32;
};

template <class E>
NDArray from_xexpression(const xt::xexpression<E>&, detail::ContextWithoutInterop) {
  static_assert(detail::needs_xtensor_header<E>,
                "an NDArray from an xtensor expression needs #include <symgrad/xtensor.hpp>");
  return NDArray();
}

}  // namespace SYMGRAD_NS
