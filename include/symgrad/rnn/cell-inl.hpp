// Definitions of rnn/cell.hpp.
#pragma once
#include <optional>
#include <utility>
#include "cell.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_RNN_CELL)
namespace SYMGRAD_NS::rnn {

SYMGRAD_INLINE Symbol zeros_state(const std::string& name, const StateInfo& info) {
  Symbol s = sym::zeros(info.shape, {.name = name});
  std::string shape = "(";  // MXNet's spelling: an unknown dimension is 0
  for (int i = 0; i < info.shape.ndim(); ++i)
    shape += (i ? ", " : "") + std::to_string(info.shape[i] == dyn ? 0 : info.shape[i]);
  s.spell_op_attrs(
      {{"dtype", "float32"}, {"shape", shape + (info.shape.ndim() == 1 ? ",)" : ")")}});  // as symbol.zeros
  s.set_attr("__layout__", info.layout);
  return s;
}
namespace detail {
SYMGRAD_INLINE int time_axis(const std::string& layout) {
  auto t = layout.find('T');
  if (t == std::string::npos || (layout != "NTC" && layout != "TNC"))
    throw ValueError("unroll: layout must be \"NTC\" or \"TNC\", got \"" + layout + "\"");
  return static_cast<int>(t);
}
SYMGRAD_INLINE std::vector<Symbol> split_steps(std::int64_t length, const Symbol& inputs, int axis) {
  if (inputs.size() != 1)
    throw ValueError("unroll: inputs is a group of " + std::to_string(inputs.size()) +
                     " outputs; pass one symbol (split along the time axis) or a list of per-step symbols");
  Symbol s = sym::split(inputs, {.num_outputs = length, .axis = axis, .squeeze_axis = true});
  s.spell_op_attrs(
      {{"axis", std::to_string(axis)}, {"num_outputs", std::to_string(length)}, {"squeeze_axis", "1"}});
  std::vector<Symbol> steps;
  for (std::int64_t i = 0; i < length; ++i) steps.push_back(s[static_cast<std::size_t>(i)]);
  return steps;
}
SYMGRAD_INLINE Symbol merge_steps(const std::vector<Symbol>& steps, int axis) {
  std::vector<Symbol> e;
  for (const auto& s : steps) {
    e.push_back(sym::expand_dims(s, axis));
    e.back().spell_op_attrs({{"axis", std::to_string(axis)}});
  }
  Symbol c = sym::concat(e, {.dim = axis});
  c.spell_op_attrs({{"dim", std::to_string(axis)}, {"num_args", std::to_string(e.size())}});
  return c;
}
}  // namespace detail
SYMGRAD_INLINE void BaseRNNCell::reset() {
  init_counter_ = -1;
  counter_ = -1;
}
SYMGRAD_INLINE std::vector<Shape> BaseRNNCell::state_shape() const {
  std::vector<Shape> s;
  for (const auto& i : state_info()) s.push_back(i.shape);
  return s;
}
SYMGRAD_INLINE States BaseRNNCell::begin_state(const StateFunc& func) {
  if (modified_)
    throw ValueError(
        "after wrapping a cell in a modifier cell (DropoutCell, ZoneoutCell, ResidualCell), call the "
        "modifier cell, not the base cell");
  States states;
  for (const auto& info : state_info()) {
    ++init_counter_;
    states.push_back(func(prefix_ + "begin_state_" + std::to_string(init_counter_), info));
  }
  return states;
}
SYMGRAD_INLINE UnrollResult BaseRNNCell::unroll_sequence(std::int64_t length, const Symbol& inputs,
                                                         const UnrollOptions& o) {
  return unroll_steps(length, detail::split_steps(length, inputs, detail::time_axis(o.layout)), o);
}
SYMGRAD_INLINE UnrollResult BaseRNNCell::unroll_steps(std::int64_t length, std::vector<Symbol> inputs,
                                                      const UnrollOptions& o) {
  reset();
  int axis = detail::time_axis(o.layout);
  States states = o.begin_state.empty() ? begin_state() : o.begin_state;
  UnrollResult r;
  for (std::int64_t i = 0; i < length; ++i) {
    auto [out, next] = (*this)(inputs[static_cast<std::size_t>(i)], states);
    r.outputs.push_back(out);
    states = std::move(next);
  }
  if (o.merge_outputs.value_or(false)) r.outputs = {detail::merge_steps(r.outputs, axis)};
  r.states = std::move(states);
  return r;
}

}  // namespace SYMGRAD_NS::rnn
#endif
