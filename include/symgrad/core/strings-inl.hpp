// Message helpers (core/strings.hpp).
#pragma once
#include <algorithm>

#include "strings.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_CORE_STRINGS)
namespace SYMGRAD_NS::detail {

SYMGRAD_INLINE std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

SYMGRAD_INLINE std::string closest(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(name, c);
    if (d < best_d) best_d = d, best = c;
  }
  std::size_t limit = std::max<std::size_t>(2, name.size() / 2);
  return best_d <= limit ? best : std::string();
}

SYMGRAD_INLINE std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += sep;
    s += v[i];
  }
  return s;
}

SYMGRAD_INLINE std::string quoted_list(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", '" : "'") + v[i] + "'";
  return s;
}

SYMGRAD_INLINE std::string did_you_mean(std::string_view name, const std::vector<std::string>& cands) {
  std::string c = closest(name, cands);
  return c.empty() ? std::string() : " Did you mean '" + c + "'?";
}

}  // namespace SYMGRAD_NS::detail
#endif
