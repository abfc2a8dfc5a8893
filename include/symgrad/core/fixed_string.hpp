// A string usable as a template argument: var<"data">(...).
#pragma once
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include "config.hpp"

namespace SYMGRAD_NS {

template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  constexpr fixed_string(const char (&s)[N]) { std::copy_n(s, N, chars); }  // NOLINT: implicit
  constexpr std::string_view view() const { return {chars, N - 1}; }
  std::string str() const { return std::string(view()); }
};

}  // namespace SYMGRAD_NS
