// symgrad: the one include for users.
#pragma once
#include "core/attrs.hpp"
#include "core/context.hpp"
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/naming.hpp"
#include "core/shape.hpp"
#include "ndarray/functions.hpp"
#include "ndarray/io.hpp"
#include "ndarray/ndarray.hpp"
#include "ndarray/print.hpp"
#include "ndarray/random.hpp"
#include "symbol/compose.hpp"
#include "symbol/symbol.hpp"
#include "symbol/symbol_infer.hpp"
#include "symbol/json.hpp"
#include "symbol/typed.hpp"
#include "ops/activation.hpp"
#include "ops/broadcast.hpp"
#include "ops/concat.hpp"
#include "ops/dot.hpp"
#include "ops/dropout.hpp"
#include "ops/embedding.hpp"
#include "ops/indexing.hpp"
#include "ops/init.hpp"
#include "ops/output.hpp"
#include "ops/softmax.hpp"
#include "ops/reduce.hpp"
#include "ops/reshape.hpp"
#include "ops/slice.hpp"
#include "ops/tile.hpp"
#include "ops/transpose.hpp"
#include "ops/elemwise.hpp"
#include "ops/fully_connected.hpp"
#include "ops/fused.hpp"
#include "ops/loss.hpp"
#include "ops/registry.hpp"
#include "ops/symbol_json.hpp"
#include "exec/executor.hpp"

namespace symgrad::sym {
// `using namespace sg::sym;` brings the types that symbol code names, as in the docs.
using symgrad::Executor;
using symgrad::NDArray;
using symgrad::Symbol;
}  // namespace symgrad::sym
