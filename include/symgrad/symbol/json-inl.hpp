// Symbol JSON in MXNet's format (nnvm's SaveJSON): nodes in DFS post-order with "op" ("null" for
// variables), "name", "attrs" (sorted, omitted when empty) and "inputs" [[node, output, 0]];
// "arg_nodes" (every variable), "node_row_ptr" (prefix sums of output counts), "heads", and
// "attrs": {"mxnet_version": ["int", 10901]}. Loading (which needs the operator registry) is in
// ops/symbol_json.hpp.
#pragma once
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph.hpp"
#include "infer.hpp"
#include "symbol.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_SYMBOL_JSON)

namespace SYMGRAD_NS {

namespace detail {
inline std::string json_string(const std::string& s) { return nlohmann::json(s).dump(); }

// dmlc's JSONWriter layout, which MXNet's files have: an array of more than 10 items, or an
// object of more than one key, puts each item on its own line, indented by two more spaces.
inline std::string json_list(const std::vector<std::string>& items, char open, char close, bool multi,
                             const std::string& indent) {
  std::string o(1, open);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (multi)
      o += (i ? ", \n" : "\n") + indent + "  ";
    else if (i)
      o += ", ";
    o += items[i];
  }
  if (multi) o += "\n" + indent;
  return o + close;
}
inline std::string json_array(const std::vector<std::string>& items, const std::string& indent) {
  return json_list(items, '[', ']', items.size() > 10, indent);
}
inline std::string json_object(const AttrMap& m, const std::string& indent) {
  std::vector<std::string> items;
  for (const auto& [k, v] : m) items.push_back(json_string(k) + ": " + json_string(v));
  return json_list(items, '{', '}', items.size() > 1, indent);
}
inline std::string json_entry(std::size_t node, std::uint32_t index) {
  return "[" + std::to_string(node) + ", " + std::to_string(index) + ", 0]";
}
}  // namespace detail

SYMGRAD_INLINE std::string Symbol::tojson() const {
  auto order = topo_order(outputs_);
  std::unordered_map<const Node*, std::size_t> id;
  for (std::size_t i = 0; i < order.size(); ++i) id[order[i]] = i;
  std::vector<std::string> nodes, arg_nodes, row_ptr{"0"}, heads;
  std::size_t rows = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Node& n = *order[i];
    std::string o = "{\n      \"op\": " + detail::json_string(n.op ? n.op->type_name() : "null") +
                    ", \n      \"name\": " + detail::json_string(n.name) + ", \n";
    AttrMap attrs = node_attrs(n);
    if (!attrs.empty()) o += "      \"attrs\": " + detail::json_object(attrs, "      ") + ", \n";
    std::vector<std::string> inputs;
    for (const auto& in : n.inputs) inputs.push_back(detail::json_entry(id.at(in.node.get()), in.index));
    o += "      \"inputs\": " + detail::json_array(inputs, "      ") + "\n    }";
    nodes.push_back(std::move(o));
    if (n.is_variable()) arg_nodes.push_back(std::to_string(i));
    row_ptr.push_back(std::to_string(rows += n.op ? n.op->json_num_outputs() : 1));
  }
  for (const auto& h : outputs_) heads.push_back(detail::json_entry(id.at(h.node.get()), h.index));
  return "{\n  \"nodes\": " + detail::json_list(nodes, '[', ']', true, "  ") +
         ", \n  \"arg_nodes\": " + detail::json_array(arg_nodes, "  ") +
         ", \n  \"node_row_ptr\": " + detail::json_array(row_ptr, "  ") +
         ", \n  \"heads\": " + detail::json_array(heads, "  ") +
         ", \n  \"attrs\": {\"mxnet_version\": [\"int\", 10901]}\n}";
}

SYMGRAD_INLINE void Symbol::save(const std::string& path) const {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw IOError("cannot open '" + tmp + "' for writing");
    f << tojson();
    f.flush();
    if (!f) {
      f.close();
      std::remove(tmp.c_str());
      throw IOError("writing '" + path + "' failed (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw IOError("cannot move the finished file into place at '" + path + "'");
  }
}

}  // namespace SYMGRAD_NS
#endif
