// Definitions of rnn/fused.hpp.
#pragma once
#include <cstring>
#include <map>
#include <memory>
#include <utility>

#include "../ndarray/ndarray.hpp"
#include "fused.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_RNN_FUSED)
namespace SYMGRAD_NS::rnn {

SYMGRAD_INLINE std::vector<StateInfo> FusedRNNCell::state_info() const {
  std::int64_t b = o_.bidirectional ? 2 : 1;
  StateInfo s{Shape{b * o_.num_layers, dyn, h_}, "LNC"};
  if (mode_ == ops::RNNMode::lstm) return {s, s};
  return {s};
}
SYMGRAD_INLINE std::pair<Symbol, States> FusedRNNCell::operator()(const Symbol&, const States&) {
  throw ValueError("FusedRNNCell cannot be stepped; use unroll (or unfuse() for a steppable cell)");
}
SYMGRAD_INLINE SequentialRNNCell FusedRNNCell::unfuse() const {
  SequentialRNNCell stack;
  auto make = [&](const std::string& p) -> CellPtr {
    switch (mode_) {
      case ops::RNNMode::lstm:
        return std::make_shared<LSTMCell>(h_, p, LSTMCellOptions{.forget_bias = o_.forget_bias});
      case ops::RNNMode::gru:
        return std::make_shared<GRUCell>(h_, p);
      case ops::RNNMode::rnn_tanh:
        return std::make_shared<RNNCell>(h_, p, RNNCellOptions{.activation = "tanh"});
      case ops::RNNMode::rnn_relu:
        return std::make_shared<RNNCell>(h_, p, RNNCellOptions{.activation = "relu"});
    }
    return nullptr;
  };
  for (std::int64_t i = 0; i < o_.num_layers; ++i) {
    std::string l = prefix_ + "l" + std::to_string(i) + "_", r = prefix_ + "r" + std::to_string(i) + "_";
    if (o_.bidirectional)
      stack.add(
          std::make_shared<BidirectionalCell>(make(l), make(r), prefix_ + "bi_l" + std::to_string(i) + "_"));
    else
      stack.add(make(l));
    if (o_.dropout > 0 && i + 1 != o_.num_layers)
      stack.add(std::make_shared<DropoutCell>(o_.dropout, prefix_ + "_dropout" + std::to_string(i) + "_"));
  }
  return stack;
}
SYMGRAD_INLINE std::map<std::string, NDArray> FusedRNNCell::unpack_weights(const NDArray& packed,
                                                                           std::int64_t input_size) const {
  auto lay = layout(input_size);
  check_packed(packed, lay);
  std::map<std::string, NDArray> out;
  for_each_block(lay, [&](const std::string& name, std::int64_t off, const Shape& s) {
    NDArray a(s, cpu(), packed.dtype());
    std::memcpy(a.raw_data(),
                static_cast<const char*>(packed.raw_data()) +
                    off * static_cast<std::int64_t>(dtype_size(packed.dtype())),
                a.nbytes());
    out[name] = a;
  });
  return out;
}
SYMGRAD_INLINE NDArray FusedRNNCell::pack_weights(const std::map<std::string, NDArray>& parts,
                                                  std::int64_t input_size) const {
  auto lay = layout(input_size);
  DType t = parts.empty() ? DType::float32 : parts.begin()->second.dtype();
  NDArray packed(Shape{lay.total()}, cpu(), t);
  for_each_block(lay, [&](const std::string& name, std::int64_t off, const Shape& s) {
    auto it = parts.find(name);
    if (it == parts.end()) throw NameError("pack_weights: '" + name + "' is missing");
    if (!(it->second.shape() == s))
      throw ShapeError("pack_weights: '" + name + "' has shape " + it->second.shape().str() + ", expected " +
                       s.str());
    std::memcpy(static_cast<char*>(packed.raw_data()) + off * static_cast<std::int64_t>(dtype_size(t)),
                it->second.astype(t).raw_data(),
                it->second.nbytes() / dtype_size(it->second.dtype()) * dtype_size(t));
  });
  return packed;
}
SYMGRAD_INLINE UnrollResult FusedRNNCell::unroll_sequence(std::int64_t length, const Symbol& inputs,
                                                          const UnrollOptions& o) {
  int axis = detail::time_axis(o.layout);
  if (inputs.size() != 1)
    throw ValueError("unroll: inputs is a group of " + std::to_string(inputs.size()) +
                     " outputs; pass one symbol or a list of per-step symbols");
  return run(length, axis == 1 ? swap01(inputs) : inputs, o);
}
SYMGRAD_INLINE UnrollResult FusedRNNCell::unroll_steps(std::int64_t length, std::vector<Symbol> inputs,
                                                       const UnrollOptions& o) {
  int axis = detail::time_axis(o.layout);
  Symbol seq = detail::merge_steps(inputs, axis);
  return run(length, axis == 1 ? swap01(seq) : seq, o);
}
SYMGRAD_INLINE Symbol FusedRNNCell::swap01(const Symbol& x) {
  Symbol s = sym::swapaxes(x, 0, 1);
  s.spell_op_attrs({{"dim1", "0"}, {"dim2", "1"}});
  return s;
}
SYMGRAD_INLINE UnrollResult FusedRNNCell::run(std::int64_t length, const Symbol& seq,
                                              const UnrollOptions& o) {
  reset();
  int axis = detail::time_axis(o.layout);
  States begin = o.begin_state.empty() ? begin_state() : o.begin_state;
  Symbol cell_state = mode_ == ops::RNNMode::lstm ? begin.at(1) : Symbol();
  Symbol r = sym::rnn(seq, param_, begin.at(0), cell_state,
                      {.state_size = h_,
                       .num_layers = o_.num_layers,
                       .bidirectional = o_.bidirectional,
                       .mode = o_.mode,
                       .p = o_.dropout,
                       .state_outputs = o_.get_next_state,
                       .name = prefix_ + "rnn"});
  r.spell_op_attrs({{"bidirectional", o_.bidirectional ? "True" : "False"},
                    {"mode", o_.mode},
                    {"num_layers", std::to_string(o_.num_layers)},
                    {"p", attr::format(o_.dropout)},
                    {"state_outputs", o_.get_next_state ? "True" : "False"},
                    {"state_size", std::to_string(h_)}});
  Symbol out = axis == 1 ? swap01(r[0]) : r[0];  // back to the caller's layout
  UnrollResult res;
  if (o.merge_outputs.value_or(false))
    res.outputs = {out};
  else
    res.outputs = detail::split_steps(length, out, axis);
  if (o_.get_next_state)
    for (std::size_t i = 1; i < r.size(); ++i) res.states.push_back(r[i]);
  return res;
}
SYMGRAD_INLINE void FusedRNNCell::check_packed(const NDArray& p, const ops::RNNLayout& lay) const {
  if (p.ndim() != 1 || p.size() != lay.total())
    throw ShapeError("unpack_weights: the packed parameters have shape " + p.shape().str() +
                     " but this cell needs (" + std::to_string(lay.total()) + ",)");
}

}  // namespace SYMGRAD_NS::rnn
#endif
