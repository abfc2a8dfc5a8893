// Definitions of train/metric_registry.hpp.
#pragma once
#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <optional>
#include <utility>
#include "../core/strings.hpp"
#include "metric_classification.hpp"
#include "metric_composite.hpp"
#include "metric_probabilistic.hpp"
#include "metric_registry.hpp"
#include "metric_regression.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_METRIC_REGISTRY)
namespace SYMGRAD_NS::metric {

namespace detail {
SYMGRAD_INLINE std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
SYMGRAD_INLINE const std::vector<Registered>& registry() {
  static const std::vector<Registered> r = {
      {{"accuracy", "acc"},
       {"axis"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Accuracy>(AccuracyOptions{.axis = static_cast<int>(k.integer("axis", 1)),
                                                           .name = k.str("name", "accuracy")});
       }},
      {{"top_k_accuracy", "top_k_acc", "topkaccuracy"},
       {"top_k"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<TopKAccuracy>(TopKAccuracyOptions{
             .top_k = static_cast<int>(k.integer("top_k", 1)), .name = k.str("name", "top_k_accuracy")});
       }},
      {{"f1"},
       {"average"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<F1>(
             F1Options{.average = k.str("average", "macro"), .name = k.str("name", "f1")});
       }},
      {{"mcc"},
       {"average"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<MCC>(
             MCCOptions{.average = k.str("average", "macro"), .name = k.str("name", "mcc")});
       }},
      {{"pcc"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<PCC>(PCCOptions{.name = k.str("name", "pcc")});
       }},
      {{"perplexity"},
       {"ignore_label", "axis"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Perplexity>(
             PerplexityOptions{.ignore_label = k.optional_integer("ignore_label"),
                               .axis = static_cast<int>(k.integer("axis", -1)),
                               .name = k.str("name", "perplexity")});
       }},
      {{"mae"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<MAE>(MAEOptions{.name = k.str("name", "mae")});
       }},
      {{"mse"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<MSE>(MSEOptions{.name = k.str("name", "mse")});
       }},
      {{"rmse"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<RMSE>(RMSEOptions{.name = k.str("name", "rmse")});
       }},
      {{"ce", "crossentropy", "cross-entropy"},
       {"eps"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<CrossEntropy>(
             CrossEntropyOptions{.eps = k.real("eps", 1e-12), .name = k.str("name", "cross-entropy")});
       }},
      {{"nll_loss", "negativeloglikelihood", "nll-loss"},
       {"eps"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<NegativeLogLikelihood>(
             NegativeLogLikelihoodOptions{.eps = k.real("eps", 1e-12), .name = k.str("name", "nll-loss")});
       }},
      {{"pearsonr", "pearsoncorrelation"},
       {"average"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<PearsonCorrelation>(PearsonCorrelationOptions{
             .average = k.str("average", "macro"), .name = k.str("name", "pearsonr")});
       }},
      {{"loss"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Loss>(LossOptions{.name = k.str("name", "loss")});
       }},
      {{"torch"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Loss>(LossOptions{.name = k.str("name", "torch")});
       }},
      {{"caffe"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Loss>(LossOptions{.name = k.str("name", "caffe")});
       }},
      {{"composite", "compositeevalmetric"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<CompositeEvalMetric>(std::vector<std::shared_ptr<EvalMetric>>{},
                                                      k.str("name", "composite"));
       }},
  };
  return r;
}
SYMGRAD_INLINE std::vector<std::string> registered_names() {
  std::vector<std::string> v;
  for (const auto& r : registry()) v.insert(v.end(), r.names.begin(), r.names.end());
  return v;
}
SYMGRAD_INLINE KwargReader::KwargReader(std::string metric, const Kwargs& kw, std::vector<std::string> keys)
    : metric_(std::move(metric)), kw_(kw) {
  keys.push_back("name");
  for (const auto& [k, v] : kw)
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw NameError("metric.create('" + metric_ + "'): unknown keyword argument '" + k + "'." +
                      symgrad::detail::did_you_mean(k, keys) + " It takes " +
                      symgrad::detail::quoted_list(keys));
}
SYMGRAD_INLINE std::string KwargReader::str(const std::string& k, std::string dflt) const {
  auto it = kw_.find(k);
  return it == kw_.end() ? dflt : it->second.str();
}
SYMGRAD_INLINE std::int64_t KwargReader::integer(const std::string& k, std::int64_t dflt) const {
  auto it = kw_.find(k);
  if (it == kw_.end()) return dflt;
  const std::string& s = it->second.str();
  std::int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) bad(k, s, "an integer");
  return v;
}
SYMGRAD_INLINE double KwargReader::real(const std::string& k, double dflt) const {
  auto it = kw_.find(k);
  if (it == kw_.end()) return dflt;
  const std::string& s = it->second.str();
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) bad(k, s, "a number");
  return v;
}
SYMGRAD_INLINE std::optional<std::int64_t> KwargReader::optional_integer(const std::string& k) const {
  auto it = kw_.find(k);
  if (it == kw_.end() || it->second.str() == "None" || it->second.str() == "none" || it->second.str().empty())
    return std::nullopt;
  return integer(k, 0);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::metric
#endif
