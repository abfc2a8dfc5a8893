// What FullyConnected, Convolution and Deconvolution share: a parameter table (ops/param_op.hpp)
// with `no_bias`, inputs (data, weight[, bias]), and a gradient
// node Backward(p): (ograd, data, weight) -> (data_grad, weight_grad[, bias_grad]). Each operator
// adds its name, shape rule and kernels.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../symbol/compose.hpp"
#include "operator.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

// The bias length: num_hidden (FullyConnected) or num_filter.
template <class P>
constexpr std::int64_t bias_length(const P& p) {
  if constexpr (requires { p.num_hidden; })
    return p.num_hidden;
  else
    return p.num_filter;
}

template <class P, fixed_string Name, class Backward>
class WithWeights : public ParamOp<P, Name> {
 public:
  using ParamOp<P, Name>::ParamOp;
  std::vector<std::string> arguments() const override {
    if (this->p_.no_bias) return {"data", "weight"};
    return {"data", "weight", "bias"};
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b =
        grad_node(std::make_shared<Backward>(this->p_), n, "backward", {og[0], n->inputs[0], n->inputs[1]});
    std::vector<NodeEntry> g{out_entry(b, 0), out_entry(b, 1)};
    if (!this->p_.no_bias) g.push_back(out_entry(b, 2));
    return g;
  }
};

template <class P>
class WithWeightsBackward : public Operator {
 public:
  explicit WithWeightsBackward(P p) : p_(std::move(p)) {}
  std::vector<std::string> arguments() const override { return {"ograd", "data", "weight"}; }
  std::vector<std::string> outputs() const override {
    if (p_.no_bias) return {"data_grad", "weight_grad"};
    return {"data_grad", "weight_grad", "bias_grad"};
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(1));
    c.assign_out(1, c.in(2));
    if (!p_.no_bias) c.assign_out(2, Shape{bias_length(p_)});
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }

 protected:
  P p_;
};

// The node of Op over data, weight and (unless o.no_bias) bias; empty symbols become variables
// <name>_weight, <name>_bias.
template <class Op, class P>
Symbol compose_with_weights(const P& o, const Symbol& data, const Symbol& weight, const Symbol& bias) {
  auto op = std::make_shared<Op>(o);
  if (o.no_bias) return sym::compose(op, {data, weight}, o.name);
  return sym::compose(op, {data, weight, bias}, o.name);
}

}  // namespace SYMGRAD_NS::ops
