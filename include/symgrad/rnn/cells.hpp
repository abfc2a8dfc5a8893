// RNNCell (tanh or relu), LSTMCell (gates i, f, c, o; forget_bias through the LSTMBias
// initializer of i2h_bias) and GRUCell (r, z, n; the cuDNN variant), as mx.rnn.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include "../ops/activation.hpp"
#include "../ops/fully_connected.hpp"
#include "cell.hpp"

namespace SYMGRAD_NS::rnn {

struct RNNCellOptions {
  std::string activation = "tanh";  // tanh or relu
  std::shared_ptr<RNNParams> params = {};
};

class RNNCell : public BaseRNNCell {
 public:
  explicit RNNCell(std::int64_t num_hidden, std::string prefix = "rnn_", const RNNCellOptions& o = {})
      : BaseRNNCell(std::move(prefix), o.params), h_(num_hidden), act_(o.activation) {
    if (act_ != "tanh" && act_ != "relu")
      throw ValueError("RNNCell: activation must be tanh or relu, got " + act_);
    iw_ = params_->get("i2h_weight"), ib_ = params_->get("i2h_bias");
    hw_ = params_->get("h2h_weight"), hb_ = params_->get("h2h_bias");
  }
  std::vector<StateInfo> state_info() const override;
  std::pair<Symbol, States> operator()(const Symbol& x, const States& s) override;
  std::int64_t num_hidden() const { return h_; }

 private:
  std::int64_t h_;
  std::string act_;
  Symbol iw_, ib_, hw_, hb_;
};

struct LSTMCellOptions {
  double forget_bias = 1.0;
  std::shared_ptr<RNNParams> params = {};
};

class LSTMCell : public BaseRNNCell {
 public:
  explicit LSTMCell(std::int64_t num_hidden, std::string prefix = "lstm_", const LSTMCellOptions& o = {})
      : BaseRNNCell(std::move(prefix), o.params), h_(num_hidden) {
    iw_ = params_->get("i2h_weight");
    hw_ = params_->get("h2h_weight");
    // MXNet: LSTMBias(forget_bias) initializes the i2h bias (forget rows = forget_bias).
    ib_ = params_->get("i2h_bias",
                       {.init = "[\"lstmbias\", {\"forget_bias\": " + attr::format(o.forget_bias) + "}]"});
    hb_ = params_->get("h2h_bias");
  }
  std::vector<StateInfo> state_info() const override;
  std::pair<Symbol, States> operator()(const Symbol& x, const States& s) override;
  std::int64_t num_hidden() const { return h_; }

 private:
  std::int64_t h_;
  Symbol iw_, ib_, hw_, hb_;
};

struct GRUCellOptions {
  std::shared_ptr<RNNParams> params = {};
};

class GRUCell : public BaseRNNCell {
 public:
  explicit GRUCell(std::int64_t num_hidden, std::string prefix = "gru_", const GRUCellOptions& o = {})
      : BaseRNNCell(std::move(prefix), o.params), h_(num_hidden) {
    iw_ = params_->get("i2h_weight"), ib_ = params_->get("i2h_bias");
    hw_ = params_->get("h2h_weight"), hb_ = params_->get("h2h_bias");
  }
  std::vector<StateInfo> state_info() const override;
  std::pair<Symbol, States> operator()(const Symbol& x, const States& s) override;
  std::int64_t num_hidden() const { return h_; }

 private:
  std::int64_t h_;
  Symbol iw_, ib_, hw_, hb_;
};

}  // namespace SYMGRAD_NS::rnn
