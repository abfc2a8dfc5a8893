// Small string helpers for messages: joining names, suggesting the closest one.
#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>
#include "config.hpp"

namespace SYMGRAD_NS::detail {

std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `name`, or "" when nothing is reasonably close.
std::string closest(std::string_view name, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& v, std::string_view sep = ", ");
std::string quoted_list(const std::vector<std::string>& v);
// " Did you mean 'x'?" or "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& cands);

}  // namespace SYMGRAD_NS::detail
