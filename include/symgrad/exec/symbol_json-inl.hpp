// Loading MXNet's symbol JSON (Symbol::load, Symbol::load_json, sym::load), in the layer above
// the operators: every node's
// operator is rebuilt from its name and attribute strings through the registry. Accepts the
// older "attr"/"param" keys. Attributes of the form __x__ stay on the node as user attributes.
#pragma once
#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/strings.hpp"
#include "../ops/registry.hpp"
#include "../symbol/graph.hpp"
#include "../symbol/json.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_EXEC_SYMBOL_JSON)
namespace SYMGRAD_NS {

namespace detail {
using Json = nlohmann::json;

// Nesting depth of a value, measured without recursion (a file controls it), stopping at `limit`.
inline std::size_t json_depth(const Json& v, std::size_t limit) {
  std::vector<std::pair<const Json*, std::size_t>> stack{{&v, 1}};
  std::size_t deepest = 0;
  while (!stack.empty()) {
    auto [p, d] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, d);
    if (deepest > limit) return deepest;
    if (p->is_structured())
      for (const auto& c : *p) stack.emplace_back(&c, d + 1);
  }
  return deepest;
}

// What a value is, for messages (never the value itself when it may be large).
inline std::string json_what(const Json& v) {
  if (v.is_primitive() && !v.is_string()) return v.dump();
  if (v.is_string()) return "the string " + v.dump().substr(0, 40);
  return std::string("an ") + v.type_name();
}

class SymbolJsonReader {
 public:
  explicit SymbolJsonReader(const Json& j) : j_(j) {}
  Symbol read();

 private:
  [[noreturn]] static void bad(const std::string& why) { throw ValueError("invalid symbol JSON: " + why); }
  // An index of an entry [node, output, version]: a non-negative integer.
  static std::uint64_t index(const Json& v, const std::string& where, const char* what) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    bad(where + ": the " + what + " index must be a non-negative integer, found " + json_what(v));
  }
  NodeEntry entry(const Json& e, const std::vector<NodePtr>& nodes, const std::string& where) {
    if (!e.is_array() || e.size() < 2)
      bad(where + " must be an array [node, output, version], found " + json_what(e));
    auto src = index(e[0], where, "node");
    auto idx = index(e[1], where, "output");
    if (src >= nodes.size())
      bad(where + " refers to node " + std::to_string(src) + ", which is not defined before it (" +
          std::to_string(nodes.size()) + " nodes so far)");
    auto nout = num_outputs(*nodes[src]);
    if (idx >= nout)
      bad(where + " uses output " + std::to_string(idx) + " of '" + nodes[src]->name + "', which has " +
          std::to_string(nout));
    return {nodes[src], static_cast<std::uint32_t>(idx)};
  }
  NodePtr node(const Json& jn, std::size_t i, const std::vector<NodePtr>& nodes);
  const Json& j_;
};

// Attribute values are strings in MXNet's files; a number, boolean or small array or object is
// accepted as its JSON text. Deeper values are refused rather than re-serialised.
inline constexpr std::size_t kMaxAttrDepth = 32;

inline NodePtr SymbolJsonReader::node(const Json& jn, std::size_t i, const std::vector<NodePtr>& nodes) {
  std::string where = "node " + std::to_string(i);
  if (!jn.is_object()) bad(where + " must be an object, found " + json_what(jn));
  if (!jn.contains("op") || !jn.contains("name")) bad(where + " lacks \"op\" or \"name\"");
  const Json &jop = jn.at("op"), &jname = jn.at("name");
  if (!jname.is_string()) bad(where + ": \"name\" must be a string, found " + json_what(jname));
  auto n = std::make_shared<Node>();
  n->name = jname.get<std::string>();
  where += " ('" + n->name + "')";
  if (!jop.is_string()) bad(where + ": \"op\" must be a string, found " + json_what(jop));
  std::string op = jop.get<std::string>();
  AttrMap all;
  for (const char* key : {"attrs", "attr", "param"}) {
    if (!jn.contains(key)) continue;
    const Json& ja = jn.at(key);
    if (!ja.is_object()) bad(where + ": \"" + key + "\" must be an object, found " + json_what(ja));
    for (auto it = ja.begin(); it != ja.end(); ++it) {
      const Json& v = it.value();
      if (v.is_string()) {
        all[it.key()] = v.get<std::string>();
        continue;
      }
      if (v.is_structured() && json_depth(v, kMaxAttrDepth) > kMaxAttrDepth)
        bad(where + ": attribute '" + it.key() + "' is nested more than " + std::to_string(kMaxAttrDepth) +
            " levels deep; attribute values are strings");
      all[it.key()] = v.dump();
    }
  }
  if (jn.contains("inputs")) {
    const Json& ins = jn.at("inputs");
    if (!ins.is_array()) bad(where + ": \"inputs\" must be an array, found " + json_what(ins));
    for (std::size_t k = 0; k < ins.size(); ++k)
      n->inputs.push_back(entry(ins[k], nodes, where + " input " + std::to_string(k)));
  }
  if (op == "null") {
    n->attrs = all;
    return n;
  }
  AttrMap params;
  for (const auto& [k, v] : all) {
    bool user = k.size() > 4 && k.starts_with("__") && k.ends_with("__");
    (user ? n->attrs : params)[k] = v;
  }
  try {
    n->op = ops::create_op(op, params, n->inputs.size());
    n->op_attrs = params;  // written back as found
  } catch (const Error& e) {
    throw ValueError("node '" + n->name + "' (" + op + "): " + e.what());
  }
  auto args = n->op->arguments();
  if (args.size() != n->inputs.size())
    bad("node '" + n->name + "' (" + op + ") has " + std::to_string(n->inputs.size()) +
        " inputs but the operator takes " + std::to_string(args.size()) + " (" + detail::join(args) + ")");
  return n;
}

inline Symbol SymbolJsonReader::read() {
  if (!j_.is_object() || !j_.contains("nodes") || !j_.contains("heads"))
    bad("it needs \"nodes\" and \"heads\"");
  const Json &jnodes = j_.at("nodes"), &jheads = j_.at("heads");
  if (!jnodes.is_array()) bad("\"nodes\" must be an array, found " + json_what(jnodes));
  if (!jheads.is_array())
    bad("\"heads\" must be an array of [node, output, version], found " + json_what(jheads));
  std::vector<NodePtr> nodes;
  nodes.reserve(jnodes.size());
  for (std::size_t i = 0; i < jnodes.size(); ++i) nodes.push_back(node(jnodes[i], i, nodes));
  std::vector<NodeEntry> heads;
  for (std::size_t k = 0; k < jheads.size(); ++k)
    heads.push_back(entry(jheads[k], nodes, "head " + std::to_string(k)));
  if (heads.empty()) bad("no heads");
  return Symbol(std::move(heads));
}
}  // namespace detail

SYMGRAD_INLINE Symbol Symbol::load_json(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(std::string("symbol JSON does not parse: ") + e.what());
  }
  try {
    return detail::SymbolJsonReader(j).read();
  } catch (const nlohmann::json::exception& e) {  // a structure the checks above missed
    throw ValueError(std::string("invalid symbol JSON: ") + e.what());
  }
}

SYMGRAD_INLINE Symbol Symbol::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IOError("cannot open symbol file '" + path + "'");
  std::stringstream ss;
  ss << f.rdbuf();
  try {
    return load_json(ss.str());
  } catch (const ValueError& e) {
    throw IOError("'" + path + "': " + e.what());
  }
}

namespace sym {
SYMGRAD_INLINE Symbol load(const std::string& path) { return Symbol::load(path); }
SYMGRAD_INLINE Symbol load_json(const std::string& json) { return Symbol::load_json(json); }
}  // namespace sym

}  // namespace SYMGRAD_NS
#endif
