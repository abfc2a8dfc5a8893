// Definitions of train/init_composite.hpp.
#pragma once
#include <map>
#include <memory>
#include <regex>
#include <utility>
#include "init_composite.hpp"

namespace SYMGRAD_NS::init {
struct Mixed::Regexes {
  std::vector<std::regex> v;
};
}  // namespace SYMGRAD_NS::init

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_INIT_COMPOSITE)
namespace SYMGRAD_NS::init {

SYMGRAD_INLINE Mixed::Mixed(std::vector<std::string> patterns,
                            std::vector<std::shared_ptr<const Initializer>> initializers)
    : patterns_(std::move(patterns)), inits_(std::move(initializers)) {
  auto regex = std::make_shared<Regexes>();
  if (patterns_.size() != inits_.size())
    throw ValueError("init.Mixed: " + std::to_string(patterns_.size()) + " patterns but " +
                     std::to_string(inits_.size()) + " initializers; give one initializer per pattern");
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    if (!inits_[i])
      throw ValueError("init.Mixed: the initializer for pattern '" + patterns_[i] + "' is null");
    try {
      regex->v.emplace_back(patterns_[i]);
    } catch (const std::regex_error& e) {
      throw ValueError("init.Mixed: pattern '" + patterns_[i] +
                       "' is not a valid regular expression: " + e.what());
    }
  }
  regex_ = std::move(regex);
}
SYMGRAD_INLINE void Mixed::operator()(const InitDesc& desc, const NDArray& arr,
                                      nd::random::Generator& gen) const {
  (*choose(desc.name))(desc, arr, gen);
}
SYMGRAD_INLINE void Mixed::init_weight(const InitDesc& desc, const NDArray& arr,
                                       nd::random::Generator& gen) const {
  choose(desc.name)->init_weight(desc, arr, gen);
}
SYMGRAD_INLINE std::string Mixed::name() const { return "mixed"; }
SYMGRAD_INLINE std::string Mixed::dumps() const {
  throw ValueError(
      "init.Mixed has no JSON form (MXNet's Mixed is not a registered initializer); use it directly");
}
SYMGRAD_INLINE const Initializer* Mixed::choose(const std::string& name) const {
  for (std::size_t i = 0; i < regex_->v.size(); ++i)
    if (std::regex_search(name, regex_->v[i], std::regex_constants::match_continuous)) return inits_[i].get();
  throw ValueError("Parameter name " + name + " did not match any pattern (" +
                   symgrad::detail::quoted_list(patterns_) +
                   "). Consider adding a \".*\" pattern at the end with a default Initializer.");
}
SYMGRAD_INLINE void Load::operator()(const InitDesc& desc, const NDArray& arr,
                                     nd::random::Generator& gen) const {
  load(desc, arr, gen, false);
}
SYMGRAD_INLINE void Load::init_weight(const InitDesc& desc, const NDArray& arr,
                                      nd::random::Generator& gen) const {
  load(desc, arr, gen, true);
}
SYMGRAD_INLINE std::string Load::name() const { return "load"; }
SYMGRAD_INLINE std::string Load::dumps() const {
  throw ValueError(
      "init.Load has no JSON form (MXNet's Load is not a registered initializer); use it directly");
}
SYMGRAD_INLINE void Load::add(const std::map<std::string, NDArray>& params) {
  for (const auto& [k, v] : params)
    params_[k.starts_with("arg:") || k.starts_with("aux:") ? k.substr(4) : k] = v;
}
SYMGRAD_INLINE void Load::load(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen,
                               bool weight_rule) const {
  if (auto it = params_.find(desc.name); it != params_.end()) {
    if (!(it->second.shape() == arr.shape()))
      throw ShapeError("Parameter " + desc.name +
                       " cannot be initialized from loading. Shape mismatch, target " + arr.shape().str() +
                       " vs loaded " + it->second.shape().str());
    arr.copy_from(it->second);
    if (o_.verbose) o_.logger("Initialized " + desc.name + " by loading");
    return;
  }
  if (!o_.default_init) {
    std::vector<std::string> names;
    for (const auto& kv : params_) names.push_back(kv.first);
    throw ValueError("Cannot Initialize " + desc.name +
                     ". Not found in loaded param and no default Initializer is "
                     "provided (Load({...}, {.default_init = ...}))." +
                     symgrad::detail::did_you_mean(desc.name, names));
  }
  if (weight_rule)
    o_.default_init->init_weight(desc, arr, gen);
  else
    (*o_.default_init)(desc, arr, gen);
  if (o_.verbose) o_.logger("Initialized " + desc.name + " by default");
}

}  // namespace SYMGRAD_NS::init
#endif
