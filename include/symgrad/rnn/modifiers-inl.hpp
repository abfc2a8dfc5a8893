// Definitions of rnn/modifiers.hpp.
#pragma once
#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include "../ops/elemwise-inl.hpp"
#include "modifiers.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_RNN_MODIFIERS)
namespace SYMGRAD_NS::rnn {

SYMGRAD_INLINE std::vector<StateInfo> SequentialRNNCell::state_info() const {
  std::vector<StateInfo> s;
  for (const auto& c : cells_) {
    auto i = c->state_info();
    s.insert(s.end(), i.begin(), i.end());
  }
  return s;
}
SYMGRAD_INLINE States SequentialRNNCell::begin_state(const StateFunc& func) {
  States s;
  for (const auto& c : cells_) {
    auto b = c->begin_state(func);
    s.insert(s.end(), b.begin(), b.end());
  }
  return s;
}
SYMGRAD_INLINE void SequentialRNNCell::reset() {
  BaseRNNCell::reset();
  for (const auto& c : cells_) c->reset();
}
SYMGRAD_INLINE std::pair<Symbol, States> SequentialRNNCell::operator()(const Symbol& x,
                                                                       const States& states) {
  Symbol in = x;
  States next;
  std::size_t p = 0;
  for (const auto& c : cells_) {
    std::size_t n = c->state_info().size();
    States s(states.begin() + static_cast<std::ptrdiff_t>(p),
             states.begin() + static_cast<std::ptrdiff_t>(p + n));
    p += n;
    auto [out, ns] = (*c)(in, s);
    in = out;
    next.insert(next.end(), ns.begin(), ns.end());
  }
  return {in, next};
}
SYMGRAD_INLINE UnrollResult SequentialRNNCell::unroll_steps(std::int64_t length, std::vector<Symbol> inputs,
                                                            const UnrollOptions& o) {
  reset();
  if (cells_.empty()) throw ValueError("SequentialRNNCell: no cells were added");
  States begin = o.begin_state.empty() ? begin_state() : o.begin_state;
  std::size_t p = 0;
  UnrollResult r;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    std::size_t n = cells_[i]->state_info().size();
    UnrollOptions co{States(begin.begin() + static_cast<std::ptrdiff_t>(p),
                            begin.begin() + static_cast<std::ptrdiff_t>(p + n)),
                     o.layout, i + 1 == cells_.size() ? o.merge_outputs : std::nullopt};
    p += n;
    auto cr = cells_[i]->unroll(length, inputs, co);
    inputs = cr.outputs;
    r.states.insert(r.states.end(), cr.states.begin(), cr.states.end());
    r.outputs = cr.outputs;
  }
  return r;
}
SYMGRAD_INLINE std::vector<StateInfo> ModifierCell::state_info() const { return base_->state_info(); }
SYMGRAD_INLINE States ModifierCell::begin_state(const StateFunc& func) {
  base_->set_modified(false);
  auto s = base_->begin_state(func);
  base_->set_modified(true);
  return s;
}
SYMGRAD_INLINE void ModifierCell::reset() {
  BaseRNNCell::reset();
  base_->reset();
}
SYMGRAD_INLINE std::pair<Symbol, States> ResidualCell::operator()(const Symbol& x, const States& states) {
  auto [out, next] = (*base_)(x, states);
  Symbol sum = sym::compose(std::make_shared<ops::Binary<fn::elemwise_add>>(), {out, x},
                            out.name().value_or("") + "_plus_residual");
  return {sum, next};
}
SYMGRAD_INLINE std::vector<StateInfo> DropoutCell::state_info() const { return {}; }
SYMGRAD_INLINE std::pair<Symbol, States> DropoutCell::operator()(const Symbol& x, const States& states) {
  ++counter_;
  if (p_ > 0) return {sym::dropout(x, {.p = p_}), states};
  return {x, states};
}
SYMGRAD_INLINE void ZoneoutCell::reset() {
  ModifierCell::reset();
  prev_output_ = Symbol();
}
SYMGRAD_INLINE std::pair<Symbol, States> ZoneoutCell::operator()(const Symbol& x, const States& states) {
  auto [next_out, next_states] = (*base_)(x, states);
  auto mask = [](double p, const Symbol& like) { return sym::dropout(sym::ones_like(like), {.p = p}); };
  Symbol prev = prev_output_.empty() ? sym::zeros(Shape{dyn, dyn}) : prev_output_;
  Symbol out = po_ != 0 ? sym::where(mask(po_, next_out), next_out, prev) : next_out;
  States ns = next_states;
  if (ps_ != 0)
    for (std::size_t i = 0; i < ns.size(); ++i)
      ns[i] = sym::where(mask(ps_, next_states[i]), next_states[i], states[i]);
  prev_output_ = out;
  return {out, ns};
}
SYMGRAD_INLINE std::vector<StateInfo> BidirectionalCell::state_info() const {
  auto s = l_->state_info(), t = r_->state_info();
  s.insert(s.end(), t.begin(), t.end());
  return s;
}
SYMGRAD_INLINE States BidirectionalCell::begin_state(const StateFunc& func) {
  auto s = l_->begin_state(func), t = r_->begin_state(func);
  s.insert(s.end(), t.begin(), t.end());
  return s;
}
SYMGRAD_INLINE void BidirectionalCell::reset() {
  BaseRNNCell::reset();
  l_->reset();
  r_->reset();
}
SYMGRAD_INLINE std::pair<Symbol, States> BidirectionalCell::operator()(const Symbol&, const States&) {
  throw ValueError("BidirectionalCell cannot be stepped; use unroll");
}
SYMGRAD_INLINE UnrollResult BidirectionalCell::unroll_steps(std::int64_t length, std::vector<Symbol> inputs,
                                                            const UnrollOptions& o) {
  reset();
  int axis = detail::time_axis(o.layout);
  States begin = o.begin_state.empty() ? begin_state() : o.begin_state;
  std::size_t nl = l_->state_info().size();
  auto lr =
      l_->unroll(length, inputs,
                 {States(begin.begin(), begin.begin() + static_cast<std::ptrdiff_t>(nl)), o.layout, false});
  std::vector<Symbol> rev(inputs.rbegin(), inputs.rend());
  auto rr = r_->unroll(
      length, rev, {States(begin.begin() + static_cast<std::ptrdiff_t>(nl), begin.end()), o.layout, false});
  std::reverse(rr.outputs.begin(), rr.outputs.end());
  UnrollResult r;
  if (o.merge_outputs.value_or(false)) {
    r.outputs = {sym::concat({detail::merge_steps(lr.outputs, axis), detail::merge_steps(rr.outputs, axis)},
                             {.dim = 2, .name = out_prefix_ + "out"})};
  } else {
    for (std::int64_t i = 0; i < length; ++i)
      r.outputs.push_back(
          sym::concat({lr.outputs[static_cast<std::size_t>(i)], rr.outputs[static_cast<std::size_t>(i)]},
                      {.dim = 1, .name = out_prefix_ + "t" + std::to_string(i)}));
  }
  r.states = lr.states;
  r.states.insert(r.states.end(), rr.states.begin(), rr.states.end());
  return r;
}

}  // namespace SYMGRAD_NS::rnn
#endif
