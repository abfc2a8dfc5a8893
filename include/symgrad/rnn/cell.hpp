// RNN cells as mx.rnn: a cell makes one time step from (inputs, states); unroll() chains
// `length` steps over a sequence. Parameters live in an RNNParams container (so cells can share
// them) and are created once, named <prefix>i2h_weight, <prefix>i2h_bias, <prefix>h2h_weight,
// <prefix>h2h_bias; every step reuses them. Node names follow MXNet: <prefix>t<k>_i2h ...
// Begin states are zero operators of shape (?, H) whose batch dimension bind infers, so no state
// variable appears among the arguments.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../ops/concat.hpp"
#include "../ops/init.hpp"
#include "../ops/reshape.hpp"
#include "../ops/transpose.hpp"

namespace SYMGRAD_NS::rnn {

// Variables shared by cells: get(name) creates <prefix><name> once.
class RNNParams {
 public:
  explicit RNNParams(std::string prefix = "") : prefix_(std::move(prefix)) {}
  Symbol get(const std::string& name, const sym::VarOptions& o = {}) {
    std::string full = prefix_ + name;
    auto it = params_.find(full);
    if (it == params_.end()) it = params_.emplace(full, sym::var(full, o)).first;
    return it->second;
  }
  const std::map<std::string, Symbol>& all() const { return params_; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
  std::map<std::string, Symbol> params_;
};

struct StateInfo {
  Shape shape;  // (?, H): the batch dimension is inferred
  std::string layout = "NC";
};

using States = std::vector<Symbol>;

struct UnrollOptions {
  States begin_state = {};                 // empty: begin_state()
  std::string layout = "NTC";              // or "TNC"
  std::optional<bool> merge_outputs = {};  // unset and false: one symbol per step; true: one (N,T,H)
};

// outputs: `length` symbols (N, H), or with merge_outputs one symbol (N, T, H) (TNC: (T, N, H)).
struct UnrollResult {
  std::vector<Symbol> outputs;
  States states;
};

// Makes a begin state: name, StateInfo -> symbol. The default gives zeros.
using StateFunc = std::function<Symbol(const std::string& name, const StateInfo&)>;
Symbol zeros_state(const std::string& name, const StateInfo& info);

namespace detail {
// Splits a sequence symbol into per-step symbols, or joins steps into one symbol (MXNet's
// _normalize_sequence).
int time_axis(const std::string& layout);
std::vector<Symbol> split_steps(std::int64_t length, const Symbol& inputs, int axis);
Symbol merge_steps(const std::vector<Symbol>& steps, int axis);
}  // namespace detail

class BaseRNNCell {
 public:
  explicit BaseRNNCell(std::string prefix = "", std::shared_ptr<RNNParams> params = {})
      : prefix_(std::move(prefix)),
        params_(params ? std::move(params) : std::make_shared<RNNParams>(prefix_)) {}
  virtual ~BaseRNNCell() = default;

  // One time step: (output, new states).
  virtual std::pair<Symbol, States> operator()(const Symbol& inputs, const States& states) = 0;
  virtual std::vector<StateInfo> state_info() const = 0;
  // Resets the step and begin-state counters (unroll does this first).
  virtual void reset();

  const std::string& prefix() const { return prefix_; }
  std::shared_ptr<RNNParams> params() const { return params_; }
  std::vector<Shape> state_shape() const;

  virtual States begin_state(const StateFunc& func = zeros_state);

  UnrollResult unroll(std::int64_t length, const Symbol& inputs, const UnrollOptions& o = {}) {
    if (length < 1) throw ValueError("unroll: length must be at least 1");
    return unroll_sequence(length, inputs, o);
  }
  UnrollResult unroll(std::int64_t length, const std::vector<Symbol>& inputs, const UnrollOptions& o = {}) {
    if (static_cast<std::int64_t>(inputs.size()) != length)
      throw ValueError("unroll: " + std::to_string(inputs.size()) + " inputs given for length " +
                       std::to_string(length));
    for (const auto& s : inputs)
      if (s.empty())
        throw ValueError("unroll: an input is empty (inputs=None is not supported, as in MXNet)");
    return unroll_steps(length, inputs, o);
  }

  void set_modified(bool m) { modified_ = m; }

 protected:
  // unroll of one sequence symbol: split along the time axis, then step.
  virtual UnrollResult unroll_sequence(std::int64_t length, const Symbol& inputs, const UnrollOptions& o);
  virtual UnrollResult unroll_steps(std::int64_t length, std::vector<Symbol> inputs, const UnrollOptions& o);
  // "<prefix>t<k>_" for the next step.
  std::string next_step_name() { return prefix_ + "t" + std::to_string(++counter_) + "_"; }

  std::string prefix_;
  std::shared_ptr<RNNParams> params_;
  int init_counter_ = -1;
  int counter_ = -1;
  bool modified_ = false;
};

}  // namespace SYMGRAD_NS::rnn
