// Checkpoints in MXNet's files: prefix-symbol.json (symbol JSON) and prefix-%04d.params (an
// NDArray list whose names are "arg:<parameter>" and "aux:<auxiliary state>"). Both are written
// to temporary names and renamed, so a crash never leaves a half-written checkpoint.
#pragma once
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

#include "../ndarray/io.hpp"
#include "../ops/symbol_json.hpp"

namespace symgrad {

using ParamDict = std::map<std::string, NDArray>;

inline std::string checkpoint_params_path(const std::string& prefix, int epoch) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%04d.params", epoch);
  return prefix + buf;
}

// save_checkpoint(prefix, epoch, symbol, arg_params, aux_params), as mx.model.save_checkpoint.
inline void save_checkpoint(const std::string& prefix, int epoch, const Symbol& symbol, const ParamDict& arg_params,
                            const ParamDict& aux_params) {
  symbol.save(prefix + "-symbol.json");
  ParamDict all;
  for (const auto& [k, v] : arg_params) all["arg:" + k] = v;
  for (const auto& [k, v] : aux_params) all["aux:" + k] = v;
  nd::save(checkpoint_params_path(prefix, epoch), all);
}

struct Checkpoint {
  Symbol symbol;
  ParamDict arg_params, aux_params;
};

// load_checkpoint(prefix, epoch) -> (symbol, arg_params, aux_params), as mx.model.load_checkpoint.
inline Checkpoint load_checkpoint(const std::string& prefix, int epoch) {
  Checkpoint c;
  c.symbol = Symbol::load(prefix + "-symbol.json");
  std::string path = checkpoint_params_path(prefix, epoch);
  for (auto& [k, v] : nd::load(path)) {
    auto colon = k.find(':');
    std::string kind = colon == std::string::npos ? "" : k.substr(0, colon), name = k.substr(colon + 1);
    if (kind == "arg") c.arg_params[name] = v;
    else if (kind == "aux") c.aux_params[name] = v;
    else throw IOError("'" + path + "': entry '" + k + "' is neither arg:<name> nor aux:<name>");
  }
  return c;
}

}  // namespace symgrad
