// How the operator files fill the registry (ops/registry.hpp): each ops/X-inl.hpp defines
// register_X, which adds its operators' names (MXNet's and the aliases) with a factory that
// builds the operator from symbol JSON's attribute strings.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "../core/attrs.hpp"
#include "registry.hpp"

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

void register_activation(OpTable& t);        // ops/activation-inl.hpp
void register_batch_norm(OpTable& t);        // ops/batch_norm-inl.hpp
void register_broadcast(OpTable& t);         // ops/broadcast-inl.hpp
void register_concat(OpTable& t);            // ops/concat-inl.hpp
void register_convolution(OpTable& t);       // ops/convolution-inl.hpp
void register_copy_like(OpTable& t);         // ops/copy_like-inl.hpp
void register_deconvolution(OpTable& t);     // ops/deconvolution-inl.hpp
void register_dot(OpTable& t);               // ops/dot-inl.hpp
void register_dropout(OpTable& t);           // ops/dropout-inl.hpp
void register_elemwise(OpTable& t);          // ops/elemwise-inl.hpp
void register_embedding(OpTable& t);         // ops/embedding-inl.hpp
void register_fully_connected(OpTable& t);   // ops/fully_connected-inl.hpp
void register_indexing(OpTable& t);          // ops/indexing-inl.hpp
void register_init(OpTable& t);              // ops/init-inl.hpp
void register_instance_norm(OpTable& t);     // ops/instance_norm-inl.hpp
void register_l2_normalization(OpTable& t);  // ops/l2_normalization-inl.hpp
void register_layer_norm(OpTable& t);        // ops/layer_norm-inl.hpp
void register_leaky_relu(OpTable& t);        // ops/leaky_relu-inl.hpp
void register_loss(OpTable& t);              // ops/loss-inl.hpp
void register_lrn(OpTable& t);               // ops/lrn-inl.hpp
void register_output(OpTable& t);            // ops/output-inl.hpp
void register_pad(OpTable& t);               // ops/pad-inl.hpp
void register_pooling(OpTable& t);           // ops/pooling-inl.hpp
void register_reduce(OpTable& t);            // ops/reduce-inl.hpp
void register_reshape(OpTable& t);           // ops/reshape-inl.hpp
void register_rnn(OpTable& t);               // ops/rnn-inl.hpp
void register_slice(OpTable& t);             // ops/slice-inl.hpp
void register_softmax(OpTable& t);           // ops/softmax-inl.hpp
void register_tile(OpTable& t);              // ops/tile-inl.hpp
void register_transpose(OpTable& t);         // ops/transpose-inl.hpp
void register_upsampling(OpTable& t);        // ops/upsampling-inl.hpp

}  // namespace SYMGRAD_NS::ops
