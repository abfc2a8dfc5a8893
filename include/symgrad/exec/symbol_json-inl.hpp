// Loading MXNet's symbol JSON (Symbol::load, Symbol::load_json, sym::load), in the layer above
// the operators: every node's
// operator is rebuilt from its name and attribute strings through the registry. Accepts the
// older "attr"/"param" keys. Attributes of the form __x__ stay on the node as user attributes.
#pragma once
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "../core/strings.hpp"
#include "../ops/registry.hpp"
#include "../symbol/graph.hpp"
#include "../symbol/json.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_EXEC_SYMBOL_JSON)
namespace SYMGRAD_NS {

SYMGRAD_INLINE Symbol Symbol::load_json(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(std::string("symbol JSON does not parse: ") + e.what());
  }
  auto bad = [](const std::string& why) -> ValueError { return ValueError("invalid symbol JSON: " + why); };
  if (!j.is_object() || !j.contains("nodes") || !j["nodes"].is_array() || !j.contains("heads"))
    throw bad("it needs \"nodes\" and \"heads\"");
  std::vector<NodePtr> nodes;
  for (std::size_t i = 0; i < j["nodes"].size(); ++i) {
    const auto& jn = j["nodes"][i];
    if (!jn.contains("op") || !jn.contains("name"))
      throw bad("node " + std::to_string(i) + " lacks \"op\" or \"name\"");
    auto n = std::make_shared<Node>();
    n->name = jn["name"].get<std::string>();
    AttrMap all;
    for (const char* key : {"attrs", "attr", "param"})
      if (jn.contains(key) && jn[key].is_object())
        for (auto it = jn[key].begin(); it != jn[key].end(); ++it)
          all[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    if (jn.contains("inputs"))
      for (const auto& in : jn["inputs"]) {
        if (!in.is_array() || in.size() < 2) throw bad("node '" + n->name + "' has a malformed input");
        auto src = in[0].get<std::size_t>();
        auto idx = in[1].get<std::uint32_t>();
        if (src >= nodes.size())
          throw bad("node '" + n->name + "' refers to node " + std::to_string(src) + " defined after it");
        if (idx >= num_outputs(*nodes[src]))
          throw bad("node '" + n->name + "' uses output " + std::to_string(idx) + " of '" + nodes[src]->name +
                    "', which has " + std::to_string(num_outputs(*nodes[src])));
        n->inputs.push_back({nodes[src], idx});
      }
    std::string op = jn["op"].get<std::string>();
    if (op == "null") {
      n->attrs = all;
    } else {
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
        throw bad("node '" + n->name + "' (" + op + ") has " + std::to_string(n->inputs.size()) +
                  " inputs but the operator takes " + std::to_string(args.size()) + " (" +
                  detail::join(args) + ")");
    }
    nodes.push_back(n);
  }
  std::vector<NodeEntry> heads;
  for (const auto& h : j["heads"]) {
    auto src = h[0].get<std::size_t>();
    auto idx = h[1].get<std::uint32_t>();
    if (src >= nodes.size() || idx >= num_outputs(*nodes[src]))
      throw bad("a head refers to a missing node or output");
    heads.push_back({nodes[src], idx});
  }
  if (heads.empty()) throw bad("no heads");
  return Symbol(std::move(heads));
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
