// The initializers that route to others and have no JSON (MXNet does not register them):
// Mixed, by a regular expression over the parameter name, and Load, from saved parameters.
#pragma once
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../ndarray/io.hpp"
#include "init_base.hpp"

namespace SYMGRAD_NS::init {

// Routes each parameter to the initializer of the first pattern that matches the start of its
// name (Python's re.match); the chosen initializer does the full dispatch (__init__, suffixes).
class Mixed : public Initializer {
 public:
  Mixed(std::vector<std::string> patterns, std::vector<std::shared_ptr<const Initializer>> initializers);
  void operator()(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  std::string name() const override;
  std::string dumps() const override;

 private:
  const Initializer* choose(const std::string& name) const;
  std::vector<std::string> patterns_;
  std::vector<std::shared_ptr<const Initializer>> inits_;
  struct Regexes;  // the compiled patterns (train/init_composite-inl.hpp)
  std::shared_ptr<const Regexes> regex_;
};

struct LoadOptions {
  std::shared_ptr<const Initializer> default_init = {};  // for names not loaded; none: an error
  bool verbose = false;
  std::function<void(const std::string&)> logger = [](const std::string& s) { std::clog << s << '\n'; };
};
// Copies each parameter from saved arrays ("arg:"/"aux:" prefixes dropped, as in a checkpoint);
// the shape must match (the dtype converts). A loaded value wins over an __init__ attribute.
class Load : public Initializer {
 public:
  explicit Load(const std::map<std::string, NDArray>& params, LoadOptions o = {}) : o_(std::move(o)) {
    add(params);
  }
  explicit Load(const std::string& path, LoadOptions o = {}) : o_(std::move(o)) { add(nd::load(path)); }
  void operator()(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  std::string name() const override;
  std::string dumps() const override;
  const std::map<std::string, NDArray>& params() const { return params_; }

 private:
  void add(const std::map<std::string, NDArray>& params);
  void load(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen, bool weight_rule) const;
  std::map<std::string, NDArray> params_;
  LoadOptions o_;
};

}  // namespace SYMGRAD_NS::init
