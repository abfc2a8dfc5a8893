// Spatial: up to three per-axis values (kernel, stride, dilate, pad, adj) of the convolution and
// pooling operators, usable in constant expressions and as a template argument.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "../core/config.hpp"

namespace SYMGRAD_NS::ops {

struct Spatial {
  static constexpr int max_dims = 3;
  int n = 0;  // how many values were given; more than max_dims is an error the operators report
  std::array<std::int64_t, 3> v{};
  constexpr Spatial() = default;
  constexpr Spatial(std::initializer_list<std::int64_t> l) {
    for (auto x : l) {
      if (n < max_dims) v[static_cast<std::size_t>(n)] = x;
      ++n;
    }
  }
  // From a run-time list, as the options of the untyped operators take it.
  Spatial(const std::vector<std::int64_t>& x) {  // NOLINT(google-explicit-constructor)
    for (auto e : x) {
      if (n < max_dims) v[static_cast<std::size_t>(n)] = e;
      ++n;
    }
  }
  constexpr std::int64_t operator[](int i) const { return v[static_cast<std::size_t>(i)]; }
  constexpr std::int64_t& operator[](int i) { return v[static_cast<std::size_t>(i)]; }
  constexpr bool too_many() const { return n > max_dims; }
  std::vector<std::int64_t> vec() const { return {v.begin(), v.begin() + (n < max_dims ? n : max_dims)}; }
  static Spatial from(const std::vector<std::int64_t>& x) { return Spatial(x); }
  static constexpr Spatial filled(int n, std::int64_t value) {
    Spatial s;
    s.n = n;
    for (int i = 0; i < n; ++i) s.v[static_cast<std::size_t>(i)] = value;
    return s;
  }
  friend constexpr bool operator==(const Spatial& a, const Spatial& b) {
    if (a.n != b.n) return false;
    for (int i = 0; i < a.n && i < max_dims; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
};

}  // namespace SYMGRAD_NS::ops
