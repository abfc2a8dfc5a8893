// Definitions of rnn/cells.hpp.
#pragma once
#include <memory>
#include <utility>
#include "../ops/elemwise-inl.hpp"
#include "cells.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_RNN_CELLS)
namespace SYMGRAD_NS::rnn {

SYMGRAD_INLINE std::vector<StateInfo> RNNCell::state_info() const { return {{Shape{dyn, h_}, "NC"}}; }
SYMGRAD_INLINE std::pair<Symbol, States> RNNCell::operator()(const Symbol& x, const States& s) {
  std::string n = next_step_name();
  Symbol i2h = sym::fully_connected(x, iw_, ib_, {.num_hidden = h_, .name = n + "i2h"});
  Symbol h2h = sym::fully_connected(s.at(0), hw_, hb_, {.num_hidden = h_, .name = n + "h2h"});
  Symbol out = sym::activation(i2h + h2h, {.act_type = act_, .name = n + "out"});
  return {out, {out}};
}
SYMGRAD_INLINE std::vector<StateInfo> LSTMCell::state_info() const {
  return {{Shape{dyn, h_}, "NC"}, {Shape{dyn, h_}, "NC"}};
}
SYMGRAD_INLINE std::pair<Symbol, States> LSTMCell::operator()(const Symbol& x, const States& s) {
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
SYMGRAD_INLINE std::vector<StateInfo> GRUCell::state_info() const { return {{Shape{dyn, h_}, "NC"}}; }
SYMGRAD_INLINE std::pair<Symbol, States> GRUCell::operator()(const Symbol& x, const States& s) {
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

}  // namespace SYMGRAD_NS::rnn
#endif
