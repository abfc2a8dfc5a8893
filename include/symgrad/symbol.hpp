// symgrad's symbolic API: Symbol, var, group, every operator (sym::fully_connected ... as runtime
// symbols, and the typed forms of the non-elementwise ones), infer_shape, symbol JSON, bind, the
// Executor and the profiler (sg::profiler). Typed elementwise expressions with compiled kernels
// are in <symgrad/typed.hpp>.
#pragma once
#include "core/profiler.hpp"
#include "exec/executor.hpp"
#include "ndarray.hpp"
#include "ops/activation.hpp"
#include "ops/adaptive_avg_pooling.hpp"
#include "ops/arange.hpp"
#include "ops/batch_norm.hpp"
#include "ops/bilinear_resize.hpp"
#include "ops/broadcast.hpp"
#include "ops/broadcast_to.hpp"
#include "ops/cast.hpp"
#include "ops/concat.hpp"
#include "ops/convolution.hpp"
#include "ops/crop.hpp"
#include "ops/custom.hpp"
#include "ops/deconvolution.hpp"
#include "ops/dot.hpp"
#include "ops/dropout.hpp"
#include "ops/elemwise.hpp"
#include "ops/embedding.hpp"
#include "ops/flip.hpp"
#include "ops/fully_connected.hpp"
#include "ops/gather_nd.hpp"
#include "ops/indexing.hpp"
#include "ops/init.hpp"
#include "ops/leaky_relu.hpp"
#include "ops/loss.hpp"
#include "ops/math_unary.hpp"
#include "ops/norm.hpp"
#include "ops/operator.hpp"
#include "ops/ordering.hpp"
#include "ops/output.hpp"
#include "ops/pad.hpp"
#include "ops/pooling.hpp"
#include "ops/reduce.hpp"
#include "ops/registry.hpp"
#include "ops/reshape.hpp"
#include "ops/rnn.hpp"
#include "ops/sequence.hpp"
#include "ops/slice.hpp"
#include "ops/slice_like.hpp"
#include "ops/softmax.hpp"
#include "ops/squeeze.hpp"
#include "ops/stack.hpp"
#include "ops/take.hpp"
#include "ops/tile.hpp"
#include "ops/transpose.hpp"
#include "ops/upsampling.hpp"
#include "symbol/compose.hpp"
#include "symbol/json.hpp"
#include "symbol/symbol.hpp"
#include "symbol/typed.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "exec/all-inl.hpp"
#include "ops/all-inl.hpp"
#include "symbol/all-inl.hpp"
#endif

namespace SYMGRAD_NS::sym {
// `using namespace sg::sym;` brings the types that symbol code names, as in the docs.
using symgrad::Executor;
using symgrad::NDArray;
using symgrad::Symbol;
}  // namespace SYMGRAD_NS::sym
