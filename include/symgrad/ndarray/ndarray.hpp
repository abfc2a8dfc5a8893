// NDArray: an n-dimensional array with a runtime dtype on one Context. Copies of an NDArray share
// its storage (as MXNet's handles do); copy() and copy_to() make new storage. On the CPU, view<T>()
// exposes the data as an xtensor expression without copying.
#pragma once
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "storage.hpp"

namespace symgrad {

class NDArray {
 public:
  // An empty handle (no storage); is_none() is true. A null gradient is one of these.
  NDArray() = default;

  // Zero-filled array of the given shape (every dimension known): NDArray(Shape{2, 3}). A braced
  // list alone, NDArray({2, 3}), is data, as in numpy; the template keeps it from meaning a shape.
  template <std::same_as<Shape> S>
  explicit NDArray(const S& shape, Context ctx = cpu(), DType dtype = DType::float32)
      : shape_(checked(shape)), dtype_(dtype) {
    storage_ = std::make_shared<Storage>(nbytes(), ctx);
    if (ctx.device_type == DeviceType::cpu) std::memset(storage_->data(), 0, nbytes());
    else device::zero(ctx, storage_->data(), nbytes());
  }

  // From values: NDArray({1, 2, 3}), NDArray({{1, 2}, {3, 4}}), NDArray({{5}, {6}}) ... (float32
  // unless dtype says). The 1-D form takes Scalar elements so that a column {{5}, {6}} is 2-D.
  struct Scalar {
    double v;
    template <class T>
      requires std::is_arithmetic_v<T>
    Scalar(T x) : v(static_cast<double>(x)) {}  // NOLINT: implicit by design
  };
  NDArray(std::initializer_list<Scalar> v, DType dtype = DType::float32)
      : NDArray(from_flat(to_doubles(v), Shape{static_cast<std::int64_t>(v.size())}, dtype)) {}
  NDArray(std::initializer_list<std::initializer_list<double>> v, DType dtype = DType::float32)
      : NDArray(from_nested(v, dtype)) {}
  NDArray(std::initializer_list<std::initializer_list<std::initializer_list<double>>> v,
          DType dtype = DType::float32)
      : NDArray(from_nested(v, dtype)) {}
  NDArray(std::initializer_list<std::initializer_list<std::initializer_list<std::initializer_list<double>>>> v,
          DType dtype = DType::float32)
      : NDArray(from_nested(v, dtype)) {}

  // From a flat vector in C order plus a shape; the dtype follows T.
  template <class T>
  NDArray(const std::vector<T>& data, const Shape& shape, Context ctx = cpu())
      : NDArray(shape, ctx, dtype_v<T>) {
    if (static_cast<std::int64_t>(data.size()) != shape_.size())
      throw ShapeError("NDArray: " + std::to_string(data.size()) + " values do not fill shape " +
                       shape_.str() + " (" + std::to_string(shape_.size()) + " elements)");
    std::copy(data.begin(), data.end(), this->data<T>());
  }

  // From any xtensor expression (xarray, xtensor, views ...); the dtype follows its value type.
  template <class E>
  NDArray(const xt::xexpression<E>& e, Context ctx = cpu()) {  // NOLINT: implicit, like numpy
    using T = std::decay_t<typename E::value_type>;
    xt::xarray<T> a = e.derived_cast();
    *this = NDArray(Shape(a.shape().begin(), a.shape().end()), ctx, dtype_v<T>);
    std::copy(a.begin(), a.end(), data<T>());
  }

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
    if (dtype_v<T> != dtype_)
      throw TypeError("NDArray holds " + std::string(dtype_name(dtype_)) + ", not " +
                      std::string(dtype_name(dtype_v<T>)) + "; use astype() to convert");
    return static_cast<T*>(raw_data());
  }

  // Zero-copy xtensor view (CPU only); writes through it change the array.
  template <class T>
  auto view() const {
    require_cpu("view");
    return xt::adapt(data<T>(), static_cast<std::size_t>(size()), xt::no_ownership(),
                     shape_.to_size_vector());
  }

  // Same storage, new shape; one dimension may be -1 (inferred).
  NDArray reshape(Shape s) const {
    require();
    int infer = -1;
    std::int64_t known = 1;
    for (int i = 0; i < s.ndim(); ++i) {
      if (s[i] == -1) {
        if (infer >= 0) throw ShapeError("NDArray::reshape: only one dimension may be -1, got " + s.str());
        infer = i;
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0 && known > 0 && size() % known == 0) s[infer] = size() / known;
    if (!s.known() || s.size() != size())
      throw ShapeError("NDArray::reshape: cannot view an array of shape " + shape_.str() + " (" +
                       std::to_string(size()) + " elements) as " + s.str());
    NDArray r = *this;
    r.shape_ = s;
    return r;
  }

  // Deep copies.
  NDArray copy() const { return copy_to(context()); }
  NDArray copy_to(Context ctx) const {
    require();
    NDArray r(shape_, ctx, dtype_);
    device::copy(r.raw_data(), ctx, raw_data(), context(), nbytes());
    return r;
  }
  // Copies the values into `dst`, which must have the same shape (dtype converts).
  void copy_to(NDArray& dst) const {
    require();
    if (dst.is_none()) {
      dst = copy();
      return;
    }
    if (!(dst.shape() == shape_))
      throw ShapeError("copy_to: destination has shape " + dst.shape().str() + ", source " +
                       shape_.str());
    if (dst.raw_data() == raw_data()) return;
    if (dst.dtype() == dtype_) {
      device::copy(dst.raw_data(), dst.context(), raw_data(), context(), nbytes());
      return;
    }
    if (context().device_type != DeviceType::cpu || dst.context().device_type != DeviceType::cpu) {
      // converting copies between devices go through the host
      NDArray converted = copy_to(cpu()).astype(dst.dtype());
      converted.copy_to(dst);
      return;
    }
    dispatch_dtype(dtype_, [&](auto s) {
      dispatch_dtype(dst.dtype(), [&](auto d) {
        using S = decltype(s);
        using D = decltype(d);
        const S* p = data<S>();
        D* q = dst.data<D>();
        for (std::int64_t i = 0; i < size(); ++i) q[i] = static_cast<D>(p[i]);
      });
    });
  }
  void copy_from(const NDArray& src) const {
    NDArray self = *this;
    src.copy_to(self);
  }

  NDArray astype(DType t) const {
    NDArray r(shape_, context(), t);
    copy_to(r);
    return r;
  }

  template <class T>
  std::vector<T> to_vector() const {
    require_cpu("to_vector");
    std::vector<T> out(static_cast<std::size_t>(size()));
    dispatch_dtype(dtype_, [&](auto s) {
      using S = decltype(s);
      const S* p = static_cast<const S*>(raw_data());
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(p[i]);
    });
    return out;
  }
  // The single value of a one-element array (asscalar).
  template <class T = double>
  T item() const {
    if (size() != 1)
      throw ValueError("item(): the array has " + std::to_string(size()) + " elements, not 1");
    return to_vector<T>()[0];
  }
  // Value at a flat (C-order) index, converted to double; for tests and printing.
  double at_flat(std::int64_t i) const {
    require_cpu("at_flat");
    return dispatch_dtype(dtype_, [&](auto s) -> double {
      using S = decltype(s);
      return static_cast<double>(static_cast<const S*>(raw_data())[i]);
    });
  }

  const NDArray& fill(double v) const {  // handles are shallow: const guards the handle, not the data
#if SYMGRAD_WITH_CUDA
    if (context().device_type == DeviceType::gpu) {
      cuda::fill(context().device_id, dtype_, size(), v, raw_data());
      return *this;
    }
#endif
    require_cpu("fill");
    dispatch_dtype(dtype_, [&](auto s) {
      using S = decltype(s);
      std::fill_n(static_cast<S*>(raw_data()), size(), static_cast<S>(v));
    });
    return *this;
  }

  // True when both handles view the same bytes.
  bool same_storage(const NDArray& o) const {
    return storage_ == o.storage_ && offset_ == o.offset_;
  }

 private:
  static std::vector<double> to_doubles(std::initializer_list<Scalar> v) {
    std::vector<double> d;
    for (const auto& x : v) d.push_back(x.v);
    return d;
  }
  static Shape checked(const Shape& s) {
    if (!s.known())
      throw ShapeError("NDArray: cannot allocate an array of shape " + s.str() +
                       "; every dimension must be known");
    return s;
  }
  static NDArray from_flat(const std::vector<double>& v, const Shape& s, DType t) {
    NDArray r(s, cpu(), t);
    dispatch_dtype(t, [&](auto x) {
      using T = decltype(x);
      std::transform(v.begin(), v.end(), static_cast<T*>(r.raw_data()),
                     [](double d) { return static_cast<T>(d); });
    });
    return r;
  }
  template <class L>
  static void flatten_into(const L& l, int depth, Shape& s, std::vector<double>& out) {
    if constexpr (std::is_arithmetic_v<L>) {
      out.push_back(static_cast<double>(l));
    } else {
      if (s.ndim() <= depth) s.push_back(static_cast<std::int64_t>(l.size()));
      else if (s[depth] != static_cast<std::int64_t>(l.size()))
        throw ShapeError("NDArray: nested lists are ragged: level " + std::to_string(depth) +
                         " has lengths " + std::to_string(s[depth]) + " and " +
                         std::to_string(l.size()));
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
  void require() const {
    if (!storage_) throw ValueError("the NDArray is empty (none): it holds no storage");
  }
  void require_cpu(const char* what) const {
    require();
    if (context().device_type != DeviceType::cpu)
      throw DeviceError(std::string(what) + ": the array lives on " + context().str() +
                        "; copy_to(sg::cpu()) first");
  }

  std::shared_ptr<Storage> storage_;
  std::size_t offset_ = 0;  // bytes
  Shape shape_ = Shape::unknown();
  DType dtype_ = DType::float32;
};

}  // namespace symgrad
