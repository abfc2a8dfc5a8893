// Shape and type inference over a graph, as MXNet's pass: alternate forward and backward sweeps
// over the nodes, letting each operator's rule fill unknown input or output entries, until the
// number of unknowns stops falling. Conflicts name the node, its operator and what it knew.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "graph.hpp"

namespace SYMGRAD_NS {

// Name of an entry as list_outputs() prints it: a variable's own name, else <node>_<output>.
inline std::string entry_name(const Node& n, std::size_t index) {
  if (n.is_variable()) return n.name;
  return n.name + "_" + n.op->outputs()[index];
}
inline std::string entry_name(const NodeEntry& e) { return entry_name(*e.node, e.index); }

namespace detail {

inline std::vector<std::string> input_descs(const Node& n) {
  auto args = n.op->arguments();
  std::vector<std::string> d;
  for (std::size_t i = 0; i < n.inputs.size(); ++i)
    d.push_back((i < args.size() ? args[i] : "input" + std::to_string(i)) + " '" + entry_name(n.inputs[i]) +
                "'");
  return d;
}

inline std::string shape_table(const std::vector<std::string>& descs, const std::vector<Shape>& in) {
  std::string t;
  for (std::size_t i = 0; i < descs.size(); ++i) t += "\n    " + descs[i] + ": " + in[i].str();
  return t;
}

}  // namespace detail

// Fills `shapes` (one per entry of `g`) as far as the operators' rules allow.
inline void infer_shapes(const GraphIndex& g, std::vector<Shape>& shapes) {
  auto count = [&] {
    std::size_t u = 0;
    for (const auto& s : shapes) u += static_cast<std::size_t>(unknown_count(s));
    return u;
  };
  std::size_t before = count() + 1;
  for (int pass = 0; count() < before; ++pass) {
    before = count();
    for (std::size_t k = 0; k < g.nodes.size(); ++k) {
      const Node& n = *g.nodes[pass % 2 == 0 ? k : g.nodes.size() - 1 - k];
      if (n.is_variable()) continue;
      std::vector<Shape> in, out;
      for (const auto& e : n.inputs) in.push_back(shapes[g.entry(e)]);
      std::size_t base = g.entry(&n, 0), nout = num_outputs(n);
      for (std::size_t j = 0; j < nout; ++j) out.push_back(shapes[base + j]);
      auto descs = detail::input_descs(n);
      auto onames = n.op->outputs();
      std::vector<Shape> in0 = in;
      try {
        ShapeCtx c(in, out, descs, onames);
        n.op->infer_shape(c);
        for (std::size_t i = 0; i < in.size(); ++i) {
          Shape& slot = shapes[g.entry(n.inputs[i])];
          auto m = merge(slot, in[i]);
          if (!m.ok)
            ShapeCtx::fail(descs[i] + " is used twice with shapes " + slot.str() + " and " + in[i].str());
          slot = m.shape;
        }
        for (std::size_t j = 0; j < nout; ++j) shapes[base + j] = out[j];
      } catch (const RuleError& e) {
        throw ShapeError(n.name + " (" + n.op->type_name() + "): " + e.message +
                         ". Shapes known at this node:" + detail::shape_table(descs, in0));
      } catch (const ShapeError& e) {  // from Shape itself (a size that overflows, too many axes)
        std::string m = e.what();
        if (m.starts_with("ShapeError: ")) m.erase(0, 12);
        throw ShapeError(n.name + " (" + n.op->type_name() + "): " + m +
                         ". Shapes known at this node:" + detail::shape_table(descs, in0));
      }
    }
  }
}

inline void infer_types(const GraphIndex& g, std::vector<std::optional<DType>>& types) {
  bool changed = true;
  bool defaulted = false;
  for (int pass = 0; pass < 128; ++pass) {
    if (!changed) {
      // Operators without inputs (zeros, ones) whose dtype nothing decided default to float32.
      if (defaulted) break;
      defaulted = true;
      for (const Node* n : g.nodes)
        if (!n->is_variable() && n->inputs.empty())
          for (std::size_t j = 0; j < num_outputs(*n); ++j)
            if (!types[g.entry(n, j)]) types[g.entry(n, j)] = DType::float32, changed = true;
      if (!changed) break;
      defaulted = false;
    }
    changed = false;
    for (std::size_t k = 0; k < g.nodes.size(); ++k) {
      const Node& n = *g.nodes[pass % 2 == 0 ? k : g.nodes.size() - 1 - k];
      if (n.is_variable()) continue;
      std::vector<std::optional<DType>> in, out;
      for (const auto& e : n.inputs) in.push_back(types[g.entry(e)]);
      std::size_t base = g.entry(&n, 0), nout = num_outputs(n);
      for (std::size_t j = 0; j < nout; ++j) out.push_back(types[base + j]);
      auto descs = detail::input_descs(n);
      try {
        TypeCtx c(in, out, descs);
        n.op->infer_type(c);
      } catch (const RuleError& e) {
        throw TypeError(n.name + " (" + n.op->type_name() + "): " + e.message);
      }
      for (std::size_t i = 0; i < in.size(); ++i) {
        auto& slot = types[g.entry(n.inputs[i])];
        if (in[i] && slot && *slot != *in[i])
          throw TypeError(n.name + " (" + n.op->type_name() + "): " + descs[i] + " has dtype " +
                          std::string(dtype_name(*slot)) + " but " + std::string(dtype_name(*in[i])) +
                          " is required");
        if (in[i] && !slot) slot = in[i], changed = true;
      }
      for (std::size_t j = 0; j < nout; ++j)
        if (out[j] && !types[base + j]) types[base + j] = out[j], changed = true;
    }
  }
}

// The __shape__ hint of a variable (MXNet writes "(0, 256)": 0 means unknown there).
inline Shape shape_hint(const Node& n) {
  auto it = n.attrs.find("__shape__");
  if (it == n.attrs.end()) return Shape::unknown();
  auto dims = attr::parse_tuple(n.name, "__shape__", it->second);
  Shape s = Shape::unknown_dims(0);
  for (auto d : dims) s.push_back(d == 0 ? dyn : d);
  return s;
}

}  // namespace SYMGRAD_NS
