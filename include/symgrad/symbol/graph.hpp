// Graph traversal in MXNet's order: post-order depth-first from the heads in output order,
// visiting each node's inputs in input order; every node once. Iterative, so deep unrolled
// RNNs do not exhaust the stack.
#pragma once
#include <unordered_map>
#include <utility>
#include <vector>

#include "op_base.hpp"

namespace SYMGRAD_NS {

inline std::size_t num_outputs(const Node& n) { return n.op ? n.op->outputs().size() : 1; }

inline std::vector<Node*> topo_order(const std::vector<NodeEntry>& heads) {
  std::vector<Node*> order;
  std::unordered_map<const Node*, bool> seen;
  std::vector<std::pair<Node*, std::size_t>> stack;
  for (const auto& h : heads) {
    if (!h.node || seen.count(h.node.get())) continue;
    stack.emplace_back(h.node.get(), 0);
    seen[h.node.get()] = true;
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      if (next < n->inputs.size()) {
        Node* in = n->inputs[next++].node.get();
        if (!seen.count(in)) {
          seen[in] = true;
          stack.emplace_back(in, 0);
        }
      } else {
        order.push_back(n);
        stack.pop_back();
      }
    }
  }
  return order;
}

// Dense numbering of the nodes and entries of a graph.
struct GraphIndex {
  std::vector<Node*> nodes;
  std::unordered_map<const Node*, std::size_t> node_id;
  std::vector<std::size_t> entry_start;  // first entry id of each node
  std::size_t num_entries = 0;

  explicit GraphIndex(const std::vector<NodeEntry>& heads) : nodes(topo_order(heads)) {
    entry_start.reserve(nodes.size() + 1);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      node_id[nodes[i]] = i;
      entry_start.push_back(num_entries);
      num_entries += num_outputs(*nodes[i]);
    }
    entry_start.push_back(num_entries);
  }
  std::size_t entry(const Node* n, std::size_t index) const { return entry_start[node_id.at(n)] + index; }
  std::size_t entry(const NodeEntry& e) const { return entry(e.node.get(), e.index); }
};

// Which variables are auxiliary states: those some operator declares it mutates.
inline std::unordered_map<const Node*, bool> aux_variables(const std::vector<Node*>& nodes) {
  std::unordered_map<const Node*, bool> aux;
  for (const Node* n : nodes)
    if (n->op)
      for (std::size_t i : n->op->aux_inputs())
        if (i < n->inputs.size() && n->inputs[i].node->is_variable()) aux[n->inputs[i].node.get()] = true;
  return aux;
}

}  // namespace SYMGRAD_NS
