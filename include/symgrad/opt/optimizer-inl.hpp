// Definitions of opt/optimizer.hpp.
#pragma once
#include <string>
#include <vector>
#include "optimizer.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_OPTIMIZER)
namespace SYMGRAD_NS::opt {

namespace detail {
SYMGRAD_INLINE const std::vector<Registered>& registry() {
  static const std::vector<Registered> r = {
      {"sgd", build<SGD, SGDOptions>},
      {"nag", build<NAG, NAGOptions>},
      {"adam", build<Adam, AdamOptions>},
      {"adagrad", build<AdaGrad, AdaGradOptions>},
      {"rmsprop", build<RMSProp, RMSPropOptions>},
      {"adadelta", build<AdaDelta, AdaDeltaOptions>},
      {"signum", build<Signum, SignumOptions>},
      {"ftml", build<FTML, FTMLOptions>},
      {"ftrl", build<Ftrl, FtrlOptions>},
      {"adamax", build<Adamax, AdamaxOptions>},
      {"nadam", build<Nadam, NadamOptions>},
      {"lamb", build<LAMB, LAMBOptions>},
      {"lars", build<LARS, LARSOptions>},
      {"adamw", build<AdamW, AdamWOptions>},
      {"sgld", build<SGLD, SGLDOptions>},
  };
  return r;
}
SYMGRAD_INLINE const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& r : registry()) v.push_back(r.name);
    return v;
  }();
  return names;
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
