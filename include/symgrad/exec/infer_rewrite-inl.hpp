// The inference rewrite done at bind: a second list of forward steps, run by forward(is_train =
// false), where each chain
//   Convolution [→ BatchNorm] [→ elemwise add] [→ relu | Activation(relu) | clip]
// (or the same chain from a BatchNorm, with an add or an activation after it) is one fused step
// (ops/conv_fused-inl.hpp). A link is taken only when the array between two steps is read by the
// next step alone and is not an output of the executor; BatchNorm's mean and variance outputs
// must be unused. The steps of the plain list and their arrays are left as they are: a training
// forward runs those, and a backward may only follow a training forward.
#pragma once
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "../ops/batch_norm-inl.hpp"
#include "../ops/conv_fused-inl.hpp"
#include "executor-inl.hpp"

namespace SYMGRAD_NS::exec {

// Whether binding builds the fused inference steps: the bind option, unless the environment
// variable SYMGRAD_INFERENCE_FUSION is 0.
inline bool inference_fusion_enabled(bool option) {
  const char* v = std::getenv("SYMGRAD_INFERENCE_FUSION");
  return option && !(v && std::string(v) == "0");
}

namespace infer_detail {

inline bool is_add(const Step& st) {
  const std::string t = st.op->type_name();
  return t == "elemwise_add" || t == "_plus" || t == "_Plus" || t == "broadcast_add" || t == "broadcast_plus";
}
// relu or clip as bounds; none for any other step.
inline std::optional<std::pair<double, double>> clamp_of(const Step& st) {
  const std::string t = st.op->type_name();
  if (t == "relu") return std::pair{0.0, std::numeric_limits<double>::infinity()};
  const AttrMap a = st.op->attrs();
  auto at = [&](const char* k) { return a.count(k) ? a.at(k) : std::string(); };
  if (t == "Activation" && at("act_type") == "relu")
    return std::pair{0.0, std::numeric_limits<double>::infinity()};
  if (t == "clip" && !at("a_min").empty() && !at("a_max").empty()) {
    char *e1 = nullptr, *e2 = nullptr;
    const std::string lo = at("a_min"), hi = at("a_max");
    const double l = std::strtod(lo.c_str(), &e1), h = std::strtod(hi.c_str(), &e2);
    if (*e1 == '\0' && *e2 == '\0' && l <= h) return std::pair{l, h};
  }
  return std::nullopt;
}

}  // namespace infer_detail

// The fused inference steps for `fwd`, or an empty list when nothing fuses. `owned` keeps the
// fused operators the new steps point to.
inline std::vector<Step> rewrite_inference(const std::vector<Step>& fwd, const std::vector<NDArray>& outputs,
                                           std::vector<std::unique_ptr<const Operator>>& owned) {
  using infer_detail::clamp_of;
  std::unordered_map<const void*, int> readers, writers;
  std::unordered_map<const void*, std::size_t> reader;
  std::unordered_set<const void*> heads;
  for (std::size_t k = 0; k < fwd.size(); ++k) {
    for (const auto& a : fwd[k].in)
      if (!a.is_none()) ++readers[a.raw_data()], reader[a.raw_data()] = k;
    for (const auto& a : fwd[k].out)
      if (!a.is_none()) ++writers[a.raw_data()];
  }
  for (const auto& o : outputs) heads.insert(o.raw_data());
  auto unused = [&](const NDArray& a) {
    return a.is_none() || (!heads.count(a.raw_data()) && !readers.count(a.raw_data()));
  };
  // The step that alone reads `a`, an array only one step writes and no output of the executor.
  auto sole_reader = [&](const NDArray& a) -> std::optional<std::size_t> {
    const void* p = a.raw_data();
    if (a.is_none() || heads.count(p) || readers[p] != 1 || writers[p] != 1) return std::nullopt;
    return reader[p];
  };
  auto float_like = [&](const Step& st, DType t) {
    for (const auto& a : st.in)
      if (!a.is_none() && a.dtype() != t) return false;
    return (t == DType::float32 || t == DType::float64) && st.req[0] == OpReq::write;
  };

  std::vector<char> taken(fwd.size(), 0);
  std::unordered_map<std::size_t, Step> fused_at;  // the fused step, at the index of its chain's last step
  for (std::size_t k = 0; k < fwd.size(); ++k) {
    const Step& head = fwd[k];
    if (taken[k]) continue;
    const auto* conv = dynamic_cast<const ops::Convolution*>(head.op);
    const auto* bn = dynamic_cast<const ops::BatchNorm*>(head.op);
    if (!conv && !bn) continue;
    const DType t = head.out[0].dtype();
    if (!float_like(head, t)) continue;
    ops::FusedConvSpec spec;
    std::vector<NDArray> in{head.in[0]};
    std::vector<std::size_t> chain{k};
    std::vector<std::string> names;
    auto take_bn = [&](const Step& st, const ops::BatchNorm& b) {
      const auto& p = b.param();
      const int rank = st.in[0].shape().ndim();
      if ((p.axis != 1 && p.axis != 1 - rank) || rank < 2 || !unused(st.out[1]) || !unused(st.out[2]) ||
          !float_like(st, t))
        return false;
      spec.has_bn = true, spec.eps = p.eps, spec.fix_gamma = p.fix_gamma;
      in.insert(in.end(), st.in.begin() + 1, st.in.begin() + 5);
      names.push_back("BatchNorm");
      return true;
    };
    if (conv) {
      spec.has_conv = true;
      spec.conv = conv->param();
      in.insert(in.end(), head.in.begin() + 1, head.in.end());
      names.push_back("Convolution");
    } else if (!take_bn(head, *bn)) {
      continue;
    }
    NDArray cur = head.out[0];
    NDArray residual;
    while (auto r = sole_reader(cur)) {
      const Step& st = fwd[*r];
      if (taken[*r] || st.out.empty() || st.req[0] != OpReq::write) break;
      const auto* nb = dynamic_cast<const ops::BatchNorm*>(st.op);
      if (nb && !spec.has_bn && !spec.residual && !spec.clamp && st.in[0].raw_data() == cur.raw_data()) {
        if (!take_bn(st, *nb)) break;
      } else if (infer_detail::is_add(st) && !spec.residual && !spec.clamp && st.in.size() == 2) {
        const NDArray& other = st.in[0].raw_data() == cur.raw_data() ? st.in[1] : st.in[0];
        if (other.raw_data() == cur.raw_data() || !(other.shape() == cur.shape()) ||
            !(st.out[0].shape() == cur.shape()) || other.dtype() != t)
          break;
        spec.residual = true;
        residual = other;
        names.push_back(st.op->type_name());
      } else if (auto c = clamp_of(st); c && !spec.clamp && st.out[0].dtype() == t) {
        spec.clamp = true, spec.lo = c->first, spec.hi = c->second;
        names.push_back(st.op->type_name() == "Activation" ? "relu" : st.op->type_name());
      } else {
        break;
      }
      chain.push_back(*r);
      cur = st.out[0];
    }
    // Worth a step of its own: a convolution with more than its bias, a batch norm with more.
    if (chain.size() == 1) continue;
    if (residual.is_none() && spec.residual) continue;
    if (!residual.is_none()) in.push_back(residual);
    for (std::size_t i = 0; i < names.size(); ++i) spec.chain += (i ? "+" : "") + names[i];
    owned.push_back(std::make_unique<ops::FusedConv>(std::move(spec)));
    for (std::size_t c : chain) taken[c] = 1;
    fused_at[chain.back()] = Step{owned.back().get(), head.name, std::move(in), {cur}, {OpReq::write}};
  }
  if (fused_at.empty()) return {};
  std::vector<Step> steps;
  for (std::size_t k = 0; k < fwd.size(); ++k) {
    if (auto it = fused_at.find(k); it != fused_at.end())
      steps.push_back(std::move(it->second));
    else if (!taken[k])
      steps.push_back(fwd[k]);
  }
  return steps;
}

}  // namespace SYMGRAD_NS::exec
