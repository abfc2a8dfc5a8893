// How the operator files fill the registry (ops/registry.hpp): each ops/X-inl.hpp defines
// register_X, which adds its operators' names (MXNet's and the aliases) with a factory that
// builds the operator from symbol JSON's attribute strings; SYMGRAD_OPERATOR_FILES lists the files.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "../core/attrs.hpp"
#include "registry.hpp"

// The operator files, each with its register_<file>(OpTable&) in ops/<file>-inl.hpp: the one
// list a new operator file is added to.
// clang-format off
#define SYMGRAD_OPERATOR_FILES(X) \
  X(activation) \
  X(adaptive_avg_pooling) \
  X(add_n) \
  X(arange) \
  X(batch_norm) \
  X(bilinear_resize) \
  X(broadcast) \
  X(broadcast_to) \
  X(cast) \
  X(concat) \
  X(convolution) \
  X(copy_like) \
  X(custom) \
  X(crop) \
  X(deconvolution) \
  X(dot) \
  X(dropout) \
  X(elemwise) \
  X(embedding) \
  X(flip) \
  X(fully_connected) \
  X(gather_nd) \
  X(indexing) \
  X(init) \
  X(instance_norm) \
  X(l2_normalization) \
  X(layer_norm) \
  X(leaky_relu) \
  X(loss) \
  X(lrn) \
  X(math_unary) \
  X(ordering) \
  X(output) \
  X(pad) \
  X(pooling) \
  X(reduce) \
  X(reshape) \
  X(rnn) \
  X(sequence) \
  X(slice) \
  X(slice_like) \
  X(softmax) \
  X(squeeze) \
  X(stack) \
  X(take) \
  X(tile) \
  X(transpose) \
  X(upsampling)
// clang-format on

namespace SYMGRAD_NS::ops {

// attributes, number of inputs the node has (for variadic operators)
using OpFactory = OpPtr (*)(const AttrMap&, std::size_t);
using OpTable = std::map<std::string, OpFactory, std::less<>>;

namespace reg {
template <class Op>
OpPtr plain(const AttrMap& m, std::size_t) {
  auto op = std::make_shared<Op>();
  std::string name = op->type_name();
  attr::Reader r(name, m);
  r.finish();
  return op;
}
template <class Op>
OpPtr with_attrs(const AttrMap& m, std::size_t) {
  return std::make_shared<Op>(m);
}
}  // namespace reg

#define SYMGRAD_DECLARE_REGISTER(file) void register_##file(OpTable& t);
SYMGRAD_OPERATOR_FILES(SYMGRAD_DECLARE_REGISTER)
#undef SYMGRAD_DECLARE_REGISTER

}  // namespace SYMGRAD_NS::ops
