// The gradient pass (as NNVM's): walk the forward graph backwards, sum the gradients arriving at
// each node's outputs, and ask the node's operator for its inputs' gradients as new graph nodes.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "../ops/elemwise.hpp"
#include "../symbol/graph.hpp"
#include "../symbol/infer.hpp"

namespace SYMGRAD_NS::exec {

struct GradientGraph {
  std::vector<NodeEntry> grads;     // one per requested variable; empty: no gradient reaches it
  std::vector<NodePtr> head_grads;  // one placeholder variable per head
};

// Sum of several gradient contributions (one add_n node), or the single one, or none.
inline NodeEntry sum_grads(const std::vector<NodeEntry>& c, const std::string& name) {
  if (c.empty()) return {};
  if (c.size() == 1) return c[0];
  return {make_node(std::make_shared<ops::AddN>(c.size()), name, c), 0};
}

inline GradientGraph build_gradient(const std::vector<NodeEntry>& heads, const std::vector<Node*>& order,
                                    const std::vector<Node*>& xs) {
  GradientGraph g;
  std::unordered_map<const Node*, std::vector<std::vector<NodeEntry>>> contrib;
  auto slot = [&](const Node* n, std::size_t i) -> std::vector<NodeEntry>& {
    auto& v = contrib[n];
    if (v.empty()) v.resize(num_outputs(*n));
    return v[i];
  };
  for (const auto& h : heads) {
    auto ph = std::make_shared<Node>();
    ph->name = entry_name(h) + "_head_grad";
    g.head_grads.push_back(ph);
    slot(h.node.get(), h.index).push_back({ph, 0});
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node* n = *it;
    if (n->is_variable()) continue;
    GradKind kind = n->op->grad_kind();
    if (kind == GradKind::block) continue;
    std::vector<NodeEntry> og(num_outputs(*n));
    bool any = false;
    if (auto c = contrib.find(n); c != contrib.end())
      for (std::size_t j = 0; j < og.size(); ++j) {
        og[j] = sum_grads(c->second[j], n->name + "_output" + std::to_string(j) + "_grad_sum");
        any = any || static_cast<bool>(og[j]);
      }
    if (!any && kind != GradKind::loss) continue;
    NodePtr self = n->shared_from_this();
    // Multi-output operators get a zero gradient for visible outputs nothing flowed back to
    // (hidden ones, such as Dropout's mask, are never differentiated).
    if (og.size() > 1 && kind == GradKind::normal)
      for (std::size_t j = 0; j < n->op->num_visible_outputs(); ++j)
        if (!og[j])
          og[j] = {make_node(std::make_shared<ops::ZerosLike>(),
                             n->name + "_output" + std::to_string(j) + "_zero_grad",
                             {NodeEntry{self, static_cast<std::uint32_t>(j)}}),
                   0};
    auto ig = n->op->gradient(self, og);
    if (ig.size() != n->inputs.size())
      throw Error("internal: the gradient rule of " + n->op->type_name() + " returned " +
                  std::to_string(ig.size()) + " entries for " + std::to_string(n->inputs.size()) + " inputs");
    for (std::size_t k = 0; k < ig.size(); ++k)
      if (ig[k] && n->op->differentiable(k))
        slot(n->inputs[k].node.get(), n->inputs[k].index).push_back(ig[k]);
  }
  for (Node* x : xs) {
    auto c = contrib.find(x);
    g.grads.push_back(c == contrib.end() ? NodeEntry{} : sum_grads(c->second[0], x->name + "_grad_sum"));
  }
  return g;
}

}  // namespace SYMGRAD_NS::exec
