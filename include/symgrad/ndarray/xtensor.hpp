// xtensor interop: NDArray::view<T>() (a zero-copy xtensor adaptor over a CPU array) and NDArray
// from any xtensor expression. The only symgrad header that includes xtensor.
#pragma once
#include <algorithm>
#include <type_traits>

#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>

#include "ndarray.hpp"

namespace SYMGRAD_NS {

// What NDArray::view<T>() returns; writes through it change the array.
template <class T>
auto xtensor_view(const NDArray& a) {
  a.require_cpu("view");
  return xt::adapt(a.data<T>(), static_cast<std::size_t>(a.size()), xt::no_ownership(),
                   a.shape().to_size_vector());
}

// What NDArray(expression, ctx) builds: a copy; the dtype follows the expression's value type.
template <class E>
NDArray from_xexpression(const xt::xexpression<E>& e, Context ctx) {
  using T = std::decay_t<typename E::value_type>;
  xt::xarray<T> a = e.derived_cast();
  NDArray r(Shape(a.shape().begin(), a.shape().end()), cpu(), dtype_v<T>);
  std::copy(a.begin(), a.end(), r.data<T>());
  return ctx == cpu() ? r : r.copy_to(ctx);
}

}  // namespace SYMGRAD_NS
