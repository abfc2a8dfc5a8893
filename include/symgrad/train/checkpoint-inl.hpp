// Definitions of train/checkpoint.hpp.
#pragma once
#include <cstdio>
#include <tuple>
#include "checkpoint.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_CHECKPOINT)
namespace SYMGRAD_NS {

SYMGRAD_INLINE std::string checkpoint_params_path(const std::string& prefix, int epoch) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%04d.params", epoch);
  return prefix + buf;
}
SYMGRAD_INLINE void save_checkpoint(const std::string& prefix, int epoch, const Symbol& symbol,
                                    const ParamDict& arg_params, const ParamDict& aux_params) {
  symbol.save(prefix + "-symbol.json");
  ParamDict all;
  for (const auto& [k, v] : arg_params) all["arg:" + k] = v;
  for (const auto& [k, v] : aux_params) all["aux:" + k] = v;
  nd::save(checkpoint_params_path(prefix, epoch), all);
}
SYMGRAD_INLINE Checkpoint load_checkpoint(const std::string& prefix, int epoch) {
  Checkpoint c;
  c.symbol = Symbol::load(prefix + "-symbol.json");
  std::string path = checkpoint_params_path(prefix, epoch);
  for (auto& [k, v] : nd::load(path)) {
    auto colon = k.find(':');
    std::string kind = colon == std::string::npos ? "" : k.substr(0, colon), name = k.substr(colon + 1);
    if (kind == "arg")
      c.arg_params[name] = v;
    else if (kind == "aux")
      c.aux_params[name] = v;
    else
      throw IOError("'" + path + "': entry '" + k + "' is neither arg:<name> nor aux:<name>");
  }
  return c;
}

}  // namespace SYMGRAD_NS
#endif
