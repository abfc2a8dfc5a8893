// Choice<E>: an enum parameter that options may also give by its attribute spelling, as MXNet's
// keyword arguments do: {.pool_type = "avg"} and {.pool_type = PoolType::avg} are the same. The
// spellings come from `enum_names<E>`, indexed by the enum's value. An unknown spelling is kept
// and reported, with the operator and parameter, when the operator checks its parameters.
#pragma once
#include <array>
#include <string>
#include <string_view>

#include "../core/config.hpp"

namespace SYMGRAD_NS::ops {

template <class E>
inline constexpr std::array<std::string_view, 0> enum_names{};

template <class E>
struct Choice {
  E value{};
  std::string unknown = {};  // a spelling that names no value
  constexpr Choice() = default;
  constexpr Choice(E e) : value(e) {}  // NOLINT(google-explicit-constructor)
  Choice(std::string_view s) {         // NOLINT(google-explicit-constructor)
    for (std::size_t i = 0; i < enum_names<E>.size(); ++i)
      if (enum_names<E>[i] == s) {
        value = static_cast<E>(i);
        return;
      }
    unknown = std::string(s);
  }
  Choice(const char* s) : Choice(std::string_view(s)) {}         // NOLINT(google-explicit-constructor)
  Choice(const std::string& s) : Choice(std::string_view(s)) {}  // NOLINT(google-explicit-constructor)
  constexpr operator E() const { return value; }                 // NOLINT(google-explicit-constructor)
  std::string_view name() const { return enum_names<E>[static_cast<std::size_t>(value)]; }
  bool valid() const { return unknown.empty(); }
  // "training, always"
  static std::string spellings() {
    std::string s;
    for (auto n : enum_names<E>) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
  }
};

}  // namespace SYMGRAD_NS::ops
