// RNNCell (tanh or relu), LSTMCell (gates i, f, c, o; forget_bias through the LSTMBias
// initializer of i2h_bias) and GRUCell (r, z, n; the cuDNN variant), as mx.rnn.
#pragma once
#include "../ops/activation.hpp"
#include "../ops/fully_connected.hpp"
#include "cell.hpp"

namespace symgrad::rnn {

struct RNNCellOptions {
  std::string activation = "tanh";  // tanh or relu
  std::shared_ptr<RNNParams> params = {};
};

class RNNCell : public BaseRNNCell {
 public:
  explicit RNNCell(std::int64_t num_hidden, std::string prefix = "rnn_", const RNNCellOptions& o = {})
      : BaseRNNCell(std::move(prefix), o.params), h_(num_hidden), act_(o.activation) {
    if (act_ != "tanh" && act_ != "relu") throw ValueError("RNNCell: activation must be tanh or relu, got " + act_);
    iw_ = params_->get("i2h_weight"), ib_ = params_->get("i2h_bias");
    hw_ = params_->get("h2h_weight"), hb_ = params_->get("h2h_bias");
  }
  std::vector<StateInfo> state_info() const override { return {{Shape{dyn, h_}, "NC"}}; }
  std::pair<Symbol, States> operator()(const Symbol& x, const States& s) override {
    std::string n = next_step_name();
    Symbol i2h = sym::fully_connected(x, iw_, ib_, {.num_hidden = h_, .name = n + "i2h"});
    Symbol h2h = sym::fully_connected(s.at(0), hw_, hb_, {.num_hidden = h_, .name = n + "h2h"});
    Symbol out = sym::activation(i2h + h2h, {.act_type = act_, .name = n + "out"});
    return {out, {out}};
  }
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
    ib_ = params_->get("i2h_bias", {.init = "[\"lstmbias\", {\"forget_bias\": " + attr::format(o.forget_bias) + "}]"});
    hb_ = params_->get("h2h_bias");
  }
  std::vector<StateInfo> state_info() const override { return {{Shape{dyn, h_}, "NC"}, {Shape{dyn, h_}, "NC"}}; }
  std::pair<Symbol, States> operator()(const Symbol& x, const States& s) override {
    std::string n = next_step_name();
    Symbol i2h = sym::fully_connected(x, iw_, ib_, {.num_hidden = 4 * h_, .name = n + "i2h"});
    Symbol h2h = sym::fully_connected(s.at(0), hw_, hb_, {.num_hidden = 4 * h_, .name = n + "h2h"});
    Symbol gates = i2h + h2h;
    Symbol g = sym::slice_channel(gates, {.num_outputs = 4, .name = n + "slice"});
    Symbol in_gate = sym::activation(g[0], {.act_type = "sigmoid", .name = n + "i"});
    Symbol forget_gate = sym::activation(g[1], {.act_type = "sigmoid", .name = n + "f"});
    Symbol in_transform = sym::activation(g[2], {.act_type = "tanh", .name = n + "c"});
    Symbol out_gate = sym::activation(g[3], {.act_type = "sigmoid", .name = n + "o"});
    Symbol next_c = sym::compose(std::make_shared<ops::Binary<fn::elemwise_add>>(),
                                 {forget_gate * s.at(1), in_gate * in_transform}, n + "state");
    Symbol next_h = sym::compose(std::make_shared<ops::Binary<fn::elemwise_mul>>(),
                                 {out_gate, sym::activation(next_c, {.act_type = "tanh"})}, n + "out");
    return {next_h, {next_h, next_c}};
  }
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
  std::vector<StateInfo> state_info() const override { return {{Shape{dyn, h_}, "NC"}}; }
  std::pair<Symbol, States> operator()(const Symbol& x, const States& s) override {
    std::string n = next_step_name();
    const Symbol& prev_h = s.at(0);
    Symbol i2h = sym::fully_connected(x, iw_, ib_, {.num_hidden = 3 * h_, .name = n + "_i2h"});
    Symbol h2h = sym::fully_connected(prev_h, hw_, hb_, {.num_hidden = 3 * h_, .name = n + "_h2h"});
    Symbol is = sym::slice_channel(i2h, {.num_outputs = 3, .name = n + "_i2h_slice"});
    Symbol hs = sym::slice_channel(h2h, {.num_outputs = 3, .name = n + "_h2h_slice"});
    Symbol reset_gate = sym::activation(is[0] + hs[0], {.act_type = "sigmoid", .name = n + "_r_act"});
    Symbol update_gate = sym::activation(is[1] + hs[1], {.act_type = "sigmoid", .name = n + "_z_act"});
    Symbol next_tmp = sym::activation(is[2] + reset_gate * hs[2], {.act_type = "tanh", .name = n + "_h_act"});
    Symbol next_h = sym::compose(std::make_shared<ops::Binary<fn::elemwise_add>>(),
                                 {(1.0 - update_gate) * next_tmp, update_gate * prev_h}, n + "out");
    return {next_h, {next_h}};
  }
  std::int64_t num_hidden() const { return h_; }

 private:
  std::int64_t h_;
  Symbol iw_, ib_, hw_, hb_;
};

}  // namespace symgrad::rnn
