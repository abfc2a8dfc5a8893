// The operator registry (ops/registry.hpp): every operator file's names, collected once.
#pragma once
#include <string_view>
#include <vector>

#include "../core/strings.hpp"
#include "op_table.hpp"
#include "registry.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_REGISTRY)
namespace SYMGRAD_NS::ops {

SYMGRAD_INLINE const OpTable& registry() {
  static const OpTable r = [] {
    OpTable t;
    register_activation(t);
    register_batch_norm(t);
    register_broadcast(t);
    register_concat(t);
    register_convolution(t);
    register_copy_like(t);
    register_deconvolution(t);
    register_dot(t);
    register_dropout(t);
    register_elemwise(t);
    register_embedding(t);
    register_fully_connected(t);
    register_indexing(t);
    register_init(t);
    register_instance_norm(t);
    register_l2_normalization(t);
    register_layer_norm(t);
    register_leaky_relu(t);
    register_loss(t);
    register_lrn(t);
    register_output(t);
    register_pad(t);
    register_pooling(t);
    register_reduce(t);
    register_reshape(t);
    register_rnn(t);
    register_slice(t);
    register_softmax(t);
    register_tile(t);
    register_transpose(t);
    register_upsampling(t);
    return t;
  }();
  return r;
}

SYMGRAD_INLINE OpPtr create_op(std::string_view name, const AttrMap& attrs, std::size_t num_inputs) {
  const auto& r = registry();
  auto it = r.find(name);
  if (it == r.end())
    throw NameError("unknown operator '" + std::string(name) + "'." +
                    symgrad::detail::did_you_mean(name, registered_ops()) +
                    " symgrad implements: " + symgrad::detail::join(registered_ops()));
  return it->second(attrs, num_inputs);
}

SYMGRAD_INLINE std::vector<std::string> registered_ops() {
  std::vector<std::string> names;
  for (const auto& [k, v] : registry()) names.push_back(k);
  return names;
}

}  // namespace SYMGRAD_NS::ops
#endif
