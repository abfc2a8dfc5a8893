// Cells built from cells, as mx.rnn: SequentialRNNCell (a stack, unrolled layer by layer),
// BidirectionalCell (forward and reversed unrolls concatenated), and the modifiers
// ResidualCell (adds the input), DropoutCell (Dropout on the input), ZoneoutCell (keeps the
// previous output/state with a probability, in training).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../ops/dropout.hpp"
#include "../ops/indexing.hpp"
#include "cells.hpp"

namespace SYMGRAD_NS::rnn {

using CellPtr = std::shared_ptr<BaseRNNCell>;

class SequentialRNNCell : public BaseRNNCell {
 public:
  explicit SequentialRNNCell(std::shared_ptr<RNNParams> params = {}) : BaseRNNCell("", std::move(params)) {}
  void add(CellPtr cell) { cells_.push_back(std::move(cell)); }
  template <class Cell>
  requires std::derived_from<Cell, BaseRNNCell>
  void add(const Cell& cell) { cells_.push_back(std::make_shared<Cell>(cell)); }
  const std::vector<CellPtr>& cells() const { return cells_; }
  std::vector<StateInfo> state_info() const override;
  States begin_state(const StateFunc& func = zeros_state) override;
  void reset() override;
  std::pair<Symbol, States> operator()(const Symbol& x, const States& states) override;

 protected:
  UnrollResult unroll_steps(std::int64_t length, std::vector<Symbol> inputs, const UnrollOptions& o) override;

 private:
  std::vector<CellPtr> cells_;
};

// Base class of cells that wrap one cell and share its parameters.
class ModifierCell : public BaseRNNCell {
 public:
  explicit ModifierCell(CellPtr base) : BaseRNNCell("", base->params()), base_(std::move(base)) {
    base_->set_modified(true);
  }
  std::vector<StateInfo> state_info() const override;
  States begin_state(const StateFunc& func = zeros_state) override;
  void reset() override;
  const CellPtr& base_cell() const { return base_; }

 protected:
  CellPtr base_;
};

class ResidualCell : public ModifierCell {
 public:
  explicit ResidualCell(CellPtr base) : ModifierCell(std::move(base)) {}
  std::pair<Symbol, States> operator()(const Symbol& x, const States& states) override;
};

class DropoutCell : public BaseRNNCell {
 public:
  explicit DropoutCell(double dropout, std::string prefix = "dropout_")
      : BaseRNNCell(std::move(prefix)), p_(dropout) {}
  std::vector<StateInfo> state_info() const override;
  std::pair<Symbol, States> operator()(const Symbol& x, const States& states) override;

 private:
  double p_;
};

class ZoneoutCell : public ModifierCell {
 public:
  ZoneoutCell(CellPtr base, double zoneout_outputs = 0.0, double zoneout_states = 0.0)
      : ModifierCell(std::move(base)), po_(zoneout_outputs), ps_(zoneout_states) {}
  void reset() override;
  std::pair<Symbol, States> operator()(const Symbol& x, const States& states) override;

 private:
  double po_, ps_;
  Symbol prev_output_;
};

class BidirectionalCell : public BaseRNNCell {
 public:
  BidirectionalCell(CellPtr l, CellPtr r, std::string output_prefix = "bi_")
      : BaseRNNCell("", std::make_shared<RNNParams>()),
        l_(std::move(l)),
        r_(std::move(r)),
        out_prefix_(std::move(output_prefix)) {}
  std::vector<StateInfo> state_info() const override;
  States begin_state(const StateFunc& func = zeros_state) override;
  void reset() override;
  std::pair<Symbol, States> operator()(const Symbol&, const States&) override;

 protected:
  UnrollResult unroll_steps(std::int64_t length, std::vector<Symbol> inputs, const UnrollOptions& o) override;

 private:
  CellPtr l_, r_;
  std::string out_prefix_;
};

}  // namespace SYMGRAD_NS::rnn
