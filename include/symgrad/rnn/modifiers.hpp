// Cells built from cells, as mx.rnn: SequentialRNNCell (a stack, unrolled layer by layer),
// BidirectionalCell (forward and reversed unrolls concatenated), and the modifiers
// ResidualCell (adds the input), DropoutCell (Dropout on the input), ZoneoutCell (keeps the
// previous output/state with a probability, in training).
#pragma once
#include <algorithm>

#include "../ops/dropout.hpp"
#include "../ops/indexing.hpp"
#include "cells.hpp"

namespace symgrad::rnn {

using CellPtr = std::shared_ptr<BaseRNNCell>;

class SequentialRNNCell : public BaseRNNCell {
 public:
  explicit SequentialRNNCell(std::shared_ptr<RNNParams> params = {}) : BaseRNNCell("", std::move(params)) {}
  void add(CellPtr cell) { cells_.push_back(std::move(cell)); }
  template <class Cell>
    requires std::derived_from<Cell, BaseRNNCell>
  void add(const Cell& cell) {
    cells_.push_back(std::make_shared<Cell>(cell));
  }
  const std::vector<CellPtr>& cells() const { return cells_; }
  std::vector<StateInfo> state_info() const override {
    std::vector<StateInfo> s;
    for (const auto& c : cells_) {
      auto i = c->state_info();
      s.insert(s.end(), i.begin(), i.end());
    }
    return s;
  }
  States begin_state(const StateFunc& func = zeros_state) override {
    States s;
    for (const auto& c : cells_) {
      auto b = c->begin_state(func);
      s.insert(s.end(), b.begin(), b.end());
    }
    return s;
  }
  void reset() override {
    BaseRNNCell::reset();
    for (const auto& c : cells_) c->reset();
  }
  std::pair<Symbol, States> operator()(const Symbol& x, const States& states) override {
    Symbol in = x;
    States next;
    std::size_t p = 0;
    for (const auto& c : cells_) {
      std::size_t n = c->state_info().size();
      States s(states.begin() + static_cast<std::ptrdiff_t>(p), states.begin() + static_cast<std::ptrdiff_t>(p + n));
      p += n;
      auto [out, ns] = (*c)(in, s);
      in = out;
      next.insert(next.end(), ns.begin(), ns.end());
    }
    return {in, next};
  }

 protected:
  UnrollResult unroll_steps(std::int64_t length, std::vector<Symbol> inputs, const UnrollOptions& o) override {
    reset();
    if (cells_.empty()) throw ValueError("SequentialRNNCell: no cells were added");
    States begin = o.begin_state.empty() ? begin_state() : o.begin_state;
    std::size_t p = 0;
    UnrollResult r;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      std::size_t n = cells_[i]->state_info().size();
      UnrollOptions co{States(begin.begin() + static_cast<std::ptrdiff_t>(p), begin.begin() + static_cast<std::ptrdiff_t>(p + n)),
                       o.layout, i + 1 == cells_.size() ? o.merge_outputs : std::nullopt};
      p += n;
      auto cr = cells_[i]->unroll(length, inputs, co);
      inputs = cr.outputs;
      r.states.insert(r.states.end(), cr.states.begin(), cr.states.end());
      r.outputs = cr.outputs;
    }
    return r;
  }

 private:
  std::vector<CellPtr> cells_;
};

// Base class of cells that wrap one cell and share its parameters.
class ModifierCell : public BaseRNNCell {
 public:
  explicit ModifierCell(CellPtr base) : BaseRNNCell("", base->params()), base_(std::move(base)) { base_->set_modified(true); }
  std::vector<StateInfo> state_info() const override { return base_->state_info(); }
  States begin_state(const StateFunc& func = zeros_state) override {
    base_->set_modified(false);
    auto s = base_->begin_state(func);
    base_->set_modified(true);
    return s;
  }
  void reset() override {
    BaseRNNCell::reset();
    base_->reset();
  }
  const CellPtr& base_cell() const { return base_; }

 protected:
  CellPtr base_;
};

class ResidualCell : public ModifierCell {
 public:
  explicit ResidualCell(CellPtr base) : ModifierCell(std::move(base)) {}
  std::pair<Symbol, States> operator()(const Symbol& x, const States& states) override {
    auto [out, next] = (*base_)(x, states);
    Symbol sum = sym::compose(std::make_shared<ops::Binary<fn::elemwise_add>>(), {out, x}, out.name().value_or("") + "_plus_residual");
    return {sum, next};
  }
};

class DropoutCell : public BaseRNNCell {
 public:
  explicit DropoutCell(double dropout, std::string prefix = "dropout_") : BaseRNNCell(std::move(prefix)), p_(dropout) {}
  std::vector<StateInfo> state_info() const override { return {}; }
  std::pair<Symbol, States> operator()(const Symbol& x, const States& states) override {
    ++counter_;
    if (p_ > 0) return {sym::dropout(x, {.p = p_}), states};
    return {x, states};
  }

 private:
  double p_;
};

class ZoneoutCell : public ModifierCell {
 public:
  ZoneoutCell(CellPtr base, double zoneout_outputs = 0.0, double zoneout_states = 0.0)
      : ModifierCell(std::move(base)), po_(zoneout_outputs), ps_(zoneout_states) {}
  void reset() override {
    ModifierCell::reset();
    prev_output_ = Symbol();
  }
  std::pair<Symbol, States> operator()(const Symbol& x, const States& states) override {
    auto [next_out, next_states] = (*base_)(x, states);
    auto mask = [](double p, const Symbol& like) { return sym::dropout(sym::ones_like(like), {.p = p}); };
    Symbol prev = prev_output_.empty() ? sym::zeros(Shape{dyn, dyn}) : prev_output_;
    Symbol out = po_ != 0 ? sym::where(mask(po_, next_out), next_out, prev) : next_out;
    States ns = next_states;
    if (ps_ != 0)
      for (std::size_t i = 0; i < ns.size(); ++i) ns[i] = sym::where(mask(ps_, next_states[i]), next_states[i], states[i]);
    prev_output_ = out;
    return {out, ns};
  }

 private:
  double po_, ps_;
  Symbol prev_output_;
};

class BidirectionalCell : public BaseRNNCell {
 public:
  BidirectionalCell(CellPtr l, CellPtr r, std::string output_prefix = "bi_")
      : BaseRNNCell("", std::make_shared<RNNParams>()), l_(std::move(l)), r_(std::move(r)), out_prefix_(std::move(output_prefix)) {}
  std::vector<StateInfo> state_info() const override {
    auto s = l_->state_info(), t = r_->state_info();
    s.insert(s.end(), t.begin(), t.end());
    return s;
  }
  States begin_state(const StateFunc& func = zeros_state) override {
    auto s = l_->begin_state(func), t = r_->begin_state(func);
    s.insert(s.end(), t.begin(), t.end());
    return s;
  }
  void reset() override {
    BaseRNNCell::reset();
    l_->reset();
    r_->reset();
  }
  std::pair<Symbol, States> operator()(const Symbol&, const States&) override {
    throw ValueError("BidirectionalCell cannot be stepped; use unroll");
  }

 protected:
  UnrollResult unroll_steps(std::int64_t length, std::vector<Symbol> inputs, const UnrollOptions& o) override {
    reset();
    int axis = detail::time_axis(o.layout);
    States begin = o.begin_state.empty() ? begin_state() : o.begin_state;
    std::size_t nl = l_->state_info().size();
    auto lr = l_->unroll(length, inputs, {States(begin.begin(), begin.begin() + static_cast<std::ptrdiff_t>(nl)), o.layout, false});
    std::vector<Symbol> rev(inputs.rbegin(), inputs.rend());
    auto rr = r_->unroll(length, rev, {States(begin.begin() + static_cast<std::ptrdiff_t>(nl), begin.end()), o.layout, false});
    std::reverse(rr.outputs.begin(), rr.outputs.end());
    UnrollResult r;
    if (o.merge_outputs.value_or(false)) {
      r.outputs = {sym::concat({detail::merge_steps(lr.outputs, axis), detail::merge_steps(rr.outputs, axis)},
                               {.dim = 2, .name = out_prefix_ + "out"})};
    } else {
      for (std::int64_t i = 0; i < length; ++i)
        r.outputs.push_back(sym::concat({lr.outputs[static_cast<std::size_t>(i)], rr.outputs[static_cast<std::size_t>(i)]},
                                        {.dim = 1, .name = out_prefix_ + "t" + std::to_string(i)}));
    }
    r.states = lr.states;
    r.states.insert(r.states.end(), rr.states.begin(), rr.states.end());
    return r;
  }

 private:
  CellPtr l_, r_;
  std::string out_prefix_;
};

}  // namespace symgrad::rnn
