// Bind-time use of typed expressions' fused kernels: a node carrying a Fusion is replaced by one
// fused node over the subtree's leaves when no inner node of the subtree is used elsewhere (not
// by another node, not as an output). The user's Symbol is left unchanged.
#pragma once
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "../symbol/graph.hpp"

namespace SYMGRAD_NS::exec {

// Inner nodes of the subtree under `root` bounded by `leaves`; empty when the subtree is not
// well formed (a variable reached without passing a leaf).
inline std::vector<Node*> fusion_inner(Node* root, const std::vector<NodeEntry>& leaves, bool& ok) {
  std::vector<Node*> inner, stack{root};
  std::unordered_set<Node*> seen{root};
  ok = true;
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const auto& e : n->inputs) {
      bool is_leaf = false;
      for (const auto& l : leaves) is_leaf = is_leaf || (l == e);
      if (is_leaf) continue;
      Node* m = e.node.get();
      if (m->is_variable() || m->op->outputs().size() != 1) {
        ok = false;
        return {};
      }
      if (seen.insert(m).second) {
        inner.push_back(m);
        stack.push_back(m);
      }
    }
  }
  return inner;
}

// New heads where fusible subtrees are single fused nodes.
inline std::vector<NodeEntry> apply_fusion(const std::vector<NodeEntry>& heads) {
  auto order = topo_order(heads);
  std::unordered_map<const Node*, std::vector<Node*>> consumers;
  for (Node* n : order)
    for (const auto& e : n->inputs) consumers[e.node.get()].push_back(n);
  std::unordered_set<const Node*> head_nodes;
  for (const auto& h : heads) head_nodes.insert(h.node.get());

  // Decide from the outputs down, so a large subtree wins over the smaller ones inside it.
  std::unordered_map<const Node*, bool> fused_root;
  std::unordered_set<const Node*> swallowed;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node* n = *it;
    if (!n->fusion || swallowed.count(n)) continue;
    auto leaves = n->fusion->leaves();
    bool ok = false;
    auto inner = fusion_inner(n, leaves, ok);
    if (!ok || inner.empty()) continue;
    std::unordered_set<const Node*> group(inner.begin(), inner.end());
    group.insert(n);
    for (Node* m : inner) {
      if (head_nodes.count(m)) ok = false;
      for (Node* c : consumers[m]) ok = ok && group.count(c);
    }
    if (!ok) continue;
    fused_root[n] = true;
    for (Node* m : inner) swallowed.insert(m);
  }
  if (fused_root.empty()) return heads;

  std::unordered_map<const Node*, NodePtr> rebuilt;
  auto map_entry = [&](const NodeEntry& e) -> NodeEntry {
    auto it = rebuilt.find(e.node.get());
    return it == rebuilt.end() ? e : NodeEntry{it->second, e.index};
  };
  for (Node* n : order) {
    if (n->is_variable()) continue;
    if (fused_root.count(n)) {
      std::vector<NodeEntry> ins;
      for (const auto& l : n->fusion->leaves()) ins.push_back(map_entry(l));
      auto f = make_node(n->fusion->make_op(), n->name, std::move(ins));
      f->attrs = n->attrs;
      rebuilt[n] = f;
      continue;
    }
    bool changed = false;
    std::vector<NodeEntry> ins;
    for (const auto& e : n->inputs) {
      ins.push_back(map_entry(e));
      changed = changed || !(ins.back() == e);
    }
    if (changed) {
      auto c = make_node(n->op, n->name, std::move(ins));
      c->attrs = n->attrs;
      rebuilt[n] = c;
    }
  }
  std::vector<NodeEntry> out;
  for (const auto& h : heads) out.push_back(map_entry(h));
  return out;
}

}  // namespace SYMGRAD_NS::exec
