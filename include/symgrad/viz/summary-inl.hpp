// Definitions of viz/summary.hpp.
#pragma once
#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "conf-inl.hpp"
#include "summary.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_VIZ_SUMMARY)
namespace SYMGRAD_NS::viz {

namespace detail {

// A row of the table: each field cut or padded to end at its column (MXNet's print_row).
inline std::string table_row(const std::vector<std::string>& fields, const std::vector<int>& positions) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    line += fields[i];
    const auto end = static_cast<std::size_t>(std::max(positions[i], 0));
    if (line.size() > end) line.resize(end);
    line.append(end - line.size(), ' ');
  }
  return line + "\n";
}

// MXNet's parameter count of one node (see summary.hpp); `pre_filter` is the sum of axis 1 of
// the inputs it counts.
inline std::int64_t layer_params(const nlohmann::json& node, const std::string& op, std::int64_t pre_filter,
                                 const std::map<std::string, Shape>* shapes) {
  auto get = [&](const char* k) { return to_int(attr(node, k).value_or("0")); };
  const bool no_bias = attr(node, "no_bias").value_or("") == "True";
  if (op == "Convolution") {
    const std::int64_t group = to_int(attr(node, "num_group").value_or("1"));
    const std::int64_t filters = get("num_filter");
    std::int64_t p = group ? pre_filter * filters / group : 0;
    for (const auto& k : digits(attr(node, "kernel").value_or(""))) p *= to_int(k);
    return no_bias ? p : p + filters;
  }
  if (op == "FullyConnected") return (no_bias ? pre_filter : pre_filter + 1) * get("num_hidden");
  if (op == "BatchNorm") {
    if (!shapes) return 0;
    auto it = shapes->find(name_of(node) + "_output");
    return it != shapes->end() && it->second.ndim() > 1 ? 2 * it->second[1] : 0;
  }
  if (op == "Embedding") return get("input_dim") * get("output_dim");
  return 0;
}

}  // namespace detail

SYMGRAD_INLINE Summary summary(const Symbol& symbol, const ShapeDict& shapes, const SummaryOptions& o) {
  const bool show_shape = !shapes.empty();
  std::map<std::string, Shape> shape_dict;
  if (show_shape) shape_dict = detail::internal_shapes(symbol, shapes);
  const auto conf = detail::symbol_conf(symbol);
  const auto& nodes = conf["nodes"];
  // MXNet takes set(conf["heads"][0]): the first head's node index, its output index and 0.
  std::set<std::int64_t> heads;
  if (!conf["heads"].empty())
    for (const auto& v : conf["heads"][0]) heads.insert(v.get<std::int64_t>());

  std::vector<int> pos;
  if (o.positions.size() < 4)
    throw ValueError("print_summary: positions needs 4 column ends (as {.44, .64, .74, 1.}), got " +
                     std::to_string(o.positions.size()));
  for (double p : o.positions)
    pos.push_back(o.positions.back() <= 1 ? static_cast<int>(o.line_length * p) : static_cast<int>(p));
  const auto L = static_cast<std::size_t>(std::max(o.line_length, 0));

  // The output-shape key of a node (variables by name, operators as <name>_output).
  auto key_of = [&](const nlohmann::json& n) {
    return detail::op_of(n) != "null" ? detail::name_of(n) + "_output" : detail::name_of(n);
  };
  auto shape_of = [&](const nlohmann::json& n) -> const Shape* {
    if (!show_shape) return nullptr;
    auto it = shape_dict.find(key_of(n));
    return it == shape_dict.end() ? nullptr : &it->second;
  };

  Summary s;
  std::string& t = s.table;
  t += std::string(L, '_') + "\n";
  t += detail::table_row({"Layer (type)", "Output Shape", "Param #", "Previous Layer"}, pos);
  t += std::string(L, '=') + "\n";
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& node = nodes[i];
    const std::string op = detail::op_of(node);
    if (op == "null" && i > 0) continue;
    LayerSummary layer{detail::name_of(node), op, {}, 0, {}};
    if (op != "null" || heads.count(static_cast<std::int64_t>(i)))
      if (const Shape* sh = shape_of(node))
        for (int d = 1; d < sh->ndim(); ++d) layer.output_shape.push_back((*sh)[d]);
    std::int64_t pre_filter = 0;
    if (op != "null")
      for (const auto& in : node["inputs"]) {
        const auto id = in[0].get<std::int64_t>();
        const auto& input = nodes[static_cast<std::size_t>(id)];
        if (detail::op_of(input) == "null" && !heads.count(id)) continue;
        layer.previous.push_back(detail::name_of(input));
        // MXNet fails (IndexError) on an input of rank 1; it adds nothing here.
        if (const Shape* sh = shape_of(input); sh && sh->ndim() > 1) pre_filter += (*sh)[1];
      }
    layer.params = detail::layer_params(node, op, pre_filter, show_shape ? &shape_dict : nullptr);

    std::vector<std::string> dims;
    for (auto d : layer.output_shape) dims.push_back(std::to_string(d));
    t += detail::table_row({layer.name + "(" + op + ")", detail::join_x(dims), std::to_string(layer.params),
                            layer.previous.empty() ? "" : layer.previous[0]},
                           pos);
    for (std::size_t k = 1; k < layer.previous.size(); ++k)
      t += detail::table_row({"", "", "", layer.previous[k]}, pos);
    t += std::string(L, i + 1 == nodes.size() ? '=' : '_') + "\n";
    s.total_params += layer.params;
    s.layers.push_back(std::move(layer));
  }
  t += "Total params: " + std::to_string(s.total_params) + "\n";
  t += std::string(L, '_') + "\n";
  return s;
}

SYMGRAD_INLINE Summary print_summary(std::ostream& os, const Symbol& symbol, const ShapeDict& shapes,
                                     const SummaryOptions& options) {
  Summary s = summary(symbol, shapes, options);
  os << s.table << std::flush;
  return s;
}
SYMGRAD_INLINE Summary print_summary(const Symbol& symbol, const ShapeDict& shapes,
                                     const SummaryOptions& options) {
  return print_summary(std::cout, symbol, shapes, options);
}

}  // namespace SYMGRAD_NS::viz
#endif
