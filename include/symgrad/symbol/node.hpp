// The runtime graph: nodes (an operator with its parameters, a name, attributes and inputs) and
// entries (one output of one node). A variable is a node without an operator.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../core/attrs.hpp"

namespace SYMGRAD_NS {

class OpBase;
struct Node;
using NodePtr = std::shared_ptr<Node>;

struct NodeEntry {
  NodePtr node;
  std::uint32_t index = 0;
  explicit operator bool() const { return node != nullptr; }
  friend bool operator==(const NodeEntry& a, const NodeEntry& b) {
    return a.node == b.node && a.index == b.index;
  }
};

// A typed elementwise expression rooted at a node: the compiler-built kernel that computes the
// whole subtree from its leaves in one pass (see ops/fused.hpp). Bind uses it when the subtree's
// inner nodes are used nowhere else.
class Fusion {
 public:
  virtual ~Fusion() = default;
  virtual std::vector<NodeEntry> leaves() const = 0;          // in the kernel's input order
  virtual std::shared_ptr<const OpBase> make_op() const = 0;  // the fused operator
};

struct Node : std::enable_shared_from_this<Node> {
  std::shared_ptr<const OpBase> op;  // null for a variable
  std::string name;
  AttrMap attrs;  // user attributes (__shape__, __init__, __lr_mult__ ...)
  // The operator's parameters as written in symbol JSON, when they were given as strings (a
  // loaded file, or cell code spelling them as MXNet's Python does); empty: op->attrs().
  AttrMap op_attrs;
  std::vector<NodeEntry> inputs;
  std::shared_ptr<const Fusion> fusion;

  bool is_variable() const { return op == nullptr; }

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Releases the inputs without one level of recursion per node: a chain of nodes as long as a
  // loaded file makes it would otherwise overflow the stack when the last owner lets go.
  ~Node() {
    std::vector<NodePtr> pending;
    for (auto& e : inputs) pending.push_back(std::move(e.node));
    while (!pending.empty()) {
      NodePtr p = std::move(pending.back());
      pending.pop_back();
      if (p && p.use_count() == 1)  // the last owner: take its inputs before it goes
        for (auto& e : p->inputs) pending.push_back(std::move(e.node));
    }
  }
};

}  // namespace SYMGRAD_NS
