// mx.optimizer: SGD, NAG, Adam, AdaGrad, RMSProp, AdaDelta, Signum, FTML, Ftrl, Adamax, Nadam,
// LAMB, LARS and SGLD with MXNet 1.9.1's update rules (python/mxnet/optimizer/optimizer.py and the
// kernels of src/operator/optimizer_op-inl.h, contrib/multi_lamb.cc and contrib/multi_lars-inl.h),
// AdamW as MXNet 1.9.1's contrib adamw_update operator (contrib/adamw-inl.h), and create() by
// name as MXNet's registry.
//   auto o = sg::opt::create("sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}});
//   o->update(0, weight, grad);                        // state made on the first call per index
//   sg::opt::Adam adam({.learning_rate = 0.01, .wd = 1e-4});
//
// Per update of index i (MXNet's Updater + Optimizer.update): the index's state is created on
// first use (zeros like the weight), its update count grows by one (starting from
// begin_num_update) and num_update becomes the largest count; then
//   lr = (lr_scheduler ? lr_scheduler(num_update) : learning_rate) * lr_mult[name of i]
//   wd = wd * wd_mult[name of i]
// where names come from set_param_names, multipliers from __lr_mult__/__wd_mult__ attributes
// (set_symbol_attrs) overridden by set_lr_mult/set_wd_mult, and every name that does not end in
// "_weight" or "_gamma" has wd_mult 0 unless set. clip_gradient <= 0 means no clipping.
//
// Differences from MXNet, on purpose:
// * State arrays take the weight's dtype (MXNet makes AdaGrad, RMSProp and AdaDelta states
//   float32 whatever the weight, and then fails on float64 weights); float64 weights use the
//   hyper-parameters in double precision (MXNet's kernels round them to float32 first).
// * AdaGrad and AdaDelta treat clip_gradient <= 0 as no clipping, like the other optimizers
//   (MXNet clips them to [-c, c] for any c given, zeroing every gradient at c = 0); AdaDelta
//   leaves the caller's gradient alone (MXNet scales it in place by rescale_grad).
// * Negative momentum is a ValueError (MXNet keeps a momentum buffer it never uses).
// * AdamW, like every optimizer here, treats clip_gradient <= 0 as no clipping (MXNet's operator
//   clips to [-c, c] for any c >= 0). SGLD draws its noise from its own seeded generator.
// * save_states writes MXNet's .states pickle, which holds no update counts: loading one keeps
//   this optimizer's counts (a fresh one restarts them, as MXNet does). StatesFormat::symgrad
//   also stores the counts, so that a loaded optimizer continues exactly (Adam's bias
//   correction, schedulers).
//
// One header each: optimizer_base.hpp (Optimizer, the interface), sgd.hpp, nag.hpp, adam.hpp,
// adagrad.hpp, rmsprop.hpp, adadelta.hpp, signum.hpp, ftml.hpp, ftrl.hpp, adamax.hpp, nadam.hpp,
// lamb.hpp, lars.hpp, adamw.hpp and sgld.hpp (states_file.hpp reads and writes .states
// files); each optimizer's options list MXNet's keyword arguments with MXNet's defaults, the
// optimizer's own first, then those of every optimizer.
#pragma once
#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/strings.hpp"
#include "adadelta.hpp"
#include "adagrad.hpp"
#include "adam.hpp"
#include "adamax.hpp"
#include "adamw.hpp"
#include "ftml.hpp"
#include "ftrl.hpp"
#include "lamb.hpp"
#include "lars.hpp"
#include "lr_scheduler.hpp"
#include "nadam.hpp"
#include "nag.hpp"
#include "optimizer_base.hpp"
#include "rmsprop.hpp"
#include "sgd.hpp"
#include "sgld.hpp"
#include "signum.hpp"

namespace SYMGRAD_NS::opt {

namespace detail {

// An optimizer of type Opt from create()'s parameters: its own keyword arguments, then those of
// every optimizer; keys left over are an error.
template <class Opt, class O>
std::unique_ptr<Optimizer> build(Params& p, std::shared_ptr<LRScheduler> s) {
  O o;
  read_options(p, o);
  p.common(o);
  p.finish();
  o.lr_scheduler = std::move(s);
  return std::make_unique<Opt>(std::move(o));
}

// create()'s table: MXNet's registry name of each optimizer and its build<>.
struct Registered {
  const char* name;
  std::unique_ptr<Optimizer> (*make)(Params&, std::shared_ptr<LRScheduler>);
};
const std::vector<Registered>& registry();

const std::vector<std::string>& optimizer_names();

}  // namespace detail

// An optimizer by MXNet's registry name (any case) and keyword arguments (booleans as 0/1), as
// mx.optimizer.create(name, **params). Unknown names are a NameError, unknown keys a ValueError.
inline std::unique_ptr<Optimizer> create(const std::string& name,
                                         const std::map<std::string, double>& params = {},
                                         std::shared_ptr<LRScheduler> lr_scheduler = nullptr) {
  std::string key = name;
  for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  detail::Params p(key, params);
  for (const auto& r : detail::registry())
    if (key == r.name) return r.make(p, std::move(lr_scheduler));
  static const std::vector<std::string> mxnet_only = {"lbsgd", "dcasgd", "ccsgd", "test"};
  const auto& known = detail::optimizer_names();
  std::string m = "opt::create: unknown optimizer '" + name + "'.";
  if (std::find(mxnet_only.begin(), mxnet_only.end(), key) != mxnet_only.end())
    m += " MXNet has '" + key + "', but symgrad does not provide it.";
  else
    m += symgrad::detail::did_you_mean(key, known);
  throw NameError(m + " Known optimizers: " + symgrad::detail::quoted_list(known));
}

}  // namespace SYMGRAD_NS::opt
