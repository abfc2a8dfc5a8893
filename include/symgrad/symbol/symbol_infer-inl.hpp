// Symbol::infer_shape / infer_type (symbol/symbol.hpp): map names to variables, run the passes,
// report by list order.
#pragma once
#include <map>
#include <optional>
#include "../core/strings.hpp"
#include "infer.hpp"
#include "symbol.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_SYMBOL_SYMBOL_INFER)

namespace SYMGRAD_NS {

namespace detail {

// Variables of a graph by name; two distinct variables may share a name (MXNet allows it in the
// graph, but arg_dict then fails); the caller decides whether that is an error.
inline std::map<std::string, std::vector<Node*>, std::less<>> variables_by_name(const GraphIndex& g) {
  std::map<std::string, std::vector<Node*>, std::less<>> m;
  for (Node* n : g.nodes)
    if (n->is_variable()) m[n->name].push_back(n);
  return m;
}

template <class Dict>
void check_known_names(const char* what, const Dict& known,
                       const std::map<std::string, std::vector<Node*>, std::less<>>& vars,
                       const std::vector<std::string>& inputs) {
  for (const auto& kv : known)
    if (!vars.count(kv.first))
      throw NameError(std::string(what) + ": '" + kv.first +
                      "' is not an argument or auxiliary state of this symbol." +
                      did_you_mean(kv.first, inputs) + " Inputs: " + join(inputs));
}

}  // namespace detail

SYMGRAD_INLINE InferShapeResult Symbol::infer_shape_impl(const ShapeDict& known, bool partial) const {
  GraphIndex g(outputs_);
  auto vars = detail::variables_by_name(g);
  detail::check_known_names("infer_shape", known, vars, list_inputs());
  std::vector<Shape> shapes(g.num_entries, Shape::unknown());
  for (Node* n : g.nodes)
    if (n->is_variable()) {
      auto it = known.find(n->name);
      shapes[g.entry(n, 0)] = it != known.end() ? it->second : shape_hint(*n);
    }
  infer_shapes(g, shapes);
  for (const auto& [name, nodes] : vars)
    for (Node* n : nodes)
      if (!(shapes[g.entry(n, 0)] == shapes[g.entry(nodes[0], 0)]))
        throw NameError("two different variables are named '" + name + "', with shapes " +
                        shapes[g.entry(nodes[0], 0)].str() + " and " + shapes[g.entry(n, 0)].str() +
                        "; give them distinct names");

  auto aux = aux_variables(g.nodes);
  InferShapeResult r;
  std::vector<std::string> unknown_args;
  for (Node* n : g.nodes)
    if (n->is_variable()) {
      const Shape& s = shapes[g.entry(n, 0)];
      (aux.count(n) ? r.aux_shapes : r.arg_shapes).push_back(s);
      if (!s.known()) unknown_args.push_back(n->name + ": " + s.str());
    }
  for (const auto& e : outputs_) r.out_shapes.push_back(shapes[g.entry(e)]);
  if (!partial) {
    std::vector<std::string> unknown = unknown_args;
    if (unknown.empty())  // something inside the graph is still unknown
      for (Node* n : g.nodes)
        for (std::size_t j = 0; j < num_outputs(*n); ++j)
          if (!shapes[g.entry(n, j)].known())
            unknown.push_back(entry_name(*n, j) + ": " + shapes[g.entry(n, j)].str());
    if (!unknown.empty())
      throw ShapeError(
          "infer_shape cannot decide these shapes (? is an unknown dimension); "
          "provide them as inputs, or use infer_shape_partial:\n    " +
          detail::join(unknown, "\n    "));
  }
  return r;
}

SYMGRAD_INLINE InferTypeResult Symbol::infer_type_impl(const TypeDict& known, bool partial) const {
  GraphIndex g(outputs_);
  auto vars = detail::variables_by_name(g);
  detail::check_known_names("infer_type", known, vars, list_inputs());
  std::vector<std::optional<DType>> types(g.num_entries);
  for (Node* n : g.nodes)
    if (n->is_variable()) {
      auto it = known.find(n->name);
      if (it != known.end()) {
        types[g.entry(n, 0)] = it->second;
      } else if (auto a = n->attrs.find("__dtype__"); a != n->attrs.end()) {
        types[g.entry(n, 0)] = dtype_from_code(n->name, attr::parse_int(n->name, "__dtype__", a->second));
      }
    }
  infer_types(g, types);
  auto aux = aux_variables(g.nodes);
  InferTypeResult r;
  std::vector<std::string> unknown;
  for (Node* n : g.nodes)
    if (n->is_variable()) {
      auto t = types[g.entry(n, 0)];
      (aux.count(n) ? r.aux_types : r.arg_types).push_back(t);
      if (!t) unknown.push_back(n->name);
    }
  for (const auto& e : outputs_) r.out_types.push_back(types[g.entry(e)]);
  if (!partial && !unknown.empty())
    throw TypeError("infer_type cannot decide the dtype of: " + detail::join(unknown) +
                    "; provide them as inputs, or use infer_type_partial");
  return r;
}

}  // namespace SYMGRAD_NS
#endif
