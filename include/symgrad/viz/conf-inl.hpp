// What print_summary and plot_network read, as MXNet's visualization.py reads it: the symbol's
// JSON (nodes in DFS post-order with their attributes as strings) and a dictionary from output
// names (`<node>_output`, `<node>_output<k>`, a variable's own name) to the shapes and dtypes of
// get_internals().
#pragma once
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/dtype.hpp"
#include "../core/shape.hpp"
#include "../symbol/symbol.hpp"

namespace SYMGRAD_NS::viz::detail {

inline nlohmann::json symbol_conf(const Symbol& symbol) { return nlohmann::json::parse(symbol.tojson()); }

// dict(zip(internals.list_outputs(), out_shapes)): a later output of the same name wins.
inline std::map<std::string, Shape> internal_shapes(const Symbol& symbol, const ShapeDict& shapes) {
  Symbol internals = symbol.get_internals();
  auto shapes_out = internals.infer_shape(shapes).out_shapes;
  auto names = internals.list_outputs();
  std::map<std::string, Shape> d;
  for (std::size_t i = 0; i < names.size(); ++i) d[names[i]] = shapes_out[i];
  return d;
}
inline std::map<std::string, DType> internal_types(const Symbol& symbol, const TypeDict& types) {
  Symbol internals = symbol.get_internals();
  auto types_out = internals.infer_type(types).out_types;
  auto names = internals.list_outputs();
  std::map<std::string, DType> d;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (types_out[i]) d[names[i]] = *types_out[i];
  return d;
}

// The node's attribute `key`, if it has one.
inline std::optional<std::string> attr(const nlohmann::json& node, const std::string& key) {
  auto a = node.find("attrs");
  if (a == node.end() || !a->contains(key)) return std::nullopt;
  return (*a)[key].get<std::string>();
}
inline std::string op_of(const nlohmann::json& node) { return node["op"].get<std::string>(); }
inline std::string name_of(const nlohmann::json& node) { return node["name"].get<std::string>(); }

// The runs of digits in a tuple string: "(3, 3)" -> {"3", "3"} (MXNet's _str2tuple).
inline std::vector<std::string> digits(const std::string& s) {
  std::vector<std::string> r;
  for (std::size_t i = 0; i < s.size();) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    r.push_back(s.substr(i, j - i));
    i = j;
  }
  return r;
}
inline std::string join_x(const std::vector<std::string>& parts) {
  std::string r;
  for (std::size_t i = 0; i < parts.size(); ++i) r += (i ? "x" : "") + parts[i];
  return r;
}
// A shape without its batch axis, "x"-joined: (32, 3, 28, 28) -> "3x28x28".
inline std::string shape_label(const Shape& s) {
  std::vector<std::string> parts;
  for (int i = 1; i < s.ndim(); ++i) parts.push_back(std::to_string(s[i]));
  return join_x(parts);
}
// Python's int() of an attribute string; 0 when it is not a number.
inline std::int64_t to_int(const std::string& s) {
  try {
    return std::stoll(s);
  } catch (...) {
    return 0;
  }
}

}  // namespace SYMGRAD_NS::viz::detail
