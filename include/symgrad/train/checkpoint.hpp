// Checkpoints in MXNet's files: prefix-symbol.json (symbol JSON) and prefix-%04d.params (an
// NDArray list whose names are "arg:<parameter>" and "aux:<auxiliary state>"). Both are written
// to temporary names and renamed, so a crash never leaves a half-written checkpoint.
#pragma once
#include <map>
#include <string>

#include "../ndarray/io.hpp"
#include "../ops/symbol_json.hpp"

namespace SYMGRAD_NS {

using ParamDict = std::map<std::string, NDArray>;

std::string checkpoint_params_path(const std::string& prefix, int epoch);

// save_checkpoint(prefix, epoch, symbol, arg_params, aux_params), as mx.model.save_checkpoint.
void save_checkpoint(const std::string& prefix, int epoch, const Symbol& symbol, const ParamDict& arg_params,
                     const ParamDict& aux_params);

struct Checkpoint {
  Symbol symbol;
  ParamDict arg_params, aux_params;
};

// load_checkpoint(prefix, epoch) -> (symbol, arg_params, aux_params), as mx.model.load_checkpoint.
Checkpoint load_checkpoint(const std::string& prefix, int epoch);

}  // namespace SYMGRAD_NS
