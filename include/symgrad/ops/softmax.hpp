// softmax / log_softmax(data; axis=-1, temperature=None): along one axis, computed stably
//   (max subtracted). Gradients: dx = y·(dy − Σ dy·y)/T and dx = (dy − e^y·Σ dy)/T.
// SoftmaxActivation(data; mode=instance|channel): softmax over the last axis of the 2-D view
//   (instance) or over axis 1 at every position (channel).
// softmax_cross_entropy(data (N,C), label (N,)): Σ_i −log softmax(x_i)[label_i], shape (1,).
//   Gradient: (softmax − onehot)·dy; none to the label; a label outside [0, C) is an error.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

// (outer, n, inner): softmax runs over n elements spaced `inner` apart.
struct SoftmaxGeometry {
  std::int64_t outer = 1, n = 1, inner = 1;
};

enum class SoftmaxKind { softmax, log_softmax, activation_instance, activation_channel };

struct SoftmaxParam {
  SoftmaxKind kind = SoftmaxKind::softmax;
  std::int64_t axis = -1;
  std::optional<double> temperature = {};
};
// Operator classes (ops/softmax-inl.hpp).
class SoftmaxBackward;
class Softmax;
class SoftmaxCrossEntropyBackward;
class SoftmaxCrossEntropy;

}  // namespace ops

namespace sym {

struct SoftmaxOptions {
  std::int64_t axis = -1;
  std::optional<double> temperature = {};
  std::string name = {};
};
Symbol softmax(const Symbol& data, const SoftmaxOptions& o = {});
Symbol log_softmax(const Symbol& data, const SoftmaxOptions& o = {});
struct SoftmaxActivationOptions {
  std::string mode = "instance";  // instance or channel
  std::string name = {};
};
Symbol softmax_activation(const Symbol& data, const SoftmaxActivationOptions& o = {});
Symbol SoftmaxActivation(const Symbol& data, const SoftmaxActivationOptions& o = {});
Symbol softmax_cross_entropy(const Symbol& data, const Symbol& label, std::string_view name = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed forms keep the data's static shape.
template <Typed A>
TSym<typename A::shape_type> softmax(const A& x, const SoftmaxOptions& o = {}) {
  return TSym<typename A::shape_type>(softmax(Symbol(x), o));
}
template <Typed A>
TSym<typename A::shape_type> log_softmax(const A& x, const SoftmaxOptions& o = {}) {
  return TSym<typename A::shape_type>(log_softmax(Symbol(x), o));
}
template <Typed A>
TSym<typename A::shape_type> softmax_activation(const A& x, const SoftmaxActivationOptions& o = {}) {
  return TSym<typename A::shape_type>(softmax_activation(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
