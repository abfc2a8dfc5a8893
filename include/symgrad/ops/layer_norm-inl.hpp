// Operators and kernels of ops/layer_norm.hpp.
#pragma once
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "../symbol/compose.hpp"
#include "layer_norm.hpp"
#include "norm_common-inl.hpp"
#include "op_table.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<LayerNormParam> =
    std::tuple{field("axis", &LayerNormParam::axis), field("eps", &LayerNormParam::eps).at_least(0).finite(),
               field("output_mean_var", &LayerNormParam::output_mean_var)};

class LayerNorm final : public MomentsNorm {
 public:
  ~LayerNorm() override;  // the key function: vtable and kernels are compiled with the unit
  explicit LayerNorm(LayerNormParam p) : MomentsNorm(true), p_(std::move(p)) {
    check_params("LayerNorm", p_);
  }
  explicit LayerNorm(const AttrMap& m) : MomentsNorm(true), p_(read_params<LayerNormParam>("LayerNorm", m)) {}
  const LayerNormParam& param() const { return p_; }
  std::string type_name() const override { return "LayerNorm"; }
  std::vector<std::string> outputs() const override { return {"output", "mean", "std"}; }
  std::size_t num_visible_outputs() const override { return p_.output_mean_var ? 3 : 1; }
  AttrMap attrs() const override { return write_params(p_); }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_in(0, c.out(0), "the output");
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    const int a = p_.axis < 0 ? p_.axis + d.ndim() : p_.axis;
    if (a < 0 || a >= d.ndim())
      ShapeCtx::fail(
          "axis " + std::to_string(p_.axis) + " is out of range for " + c.in_name(0) + " " + d.str() +
          (d.ndim()
               ? "; use an axis in [" + std::to_string(-d.ndim()) + ", " + std::to_string(d.ndim() - 1) + "]"
               : "; LayerNorm needs data with at least one axis"));
    const std::string why = "axis " + std::to_string(p_.axis) + " of " + c.in_name(0) + " " + d.str();
    c.assign_in(1, Shape{d[a]}, why);
    c.assign_in(2, Shape{d[a]}, why);
    Shape stats = d;
    stats[a] = 1;
    c.assign_out(0, d);
    c.assign_out(1, stats);
    c.assign_out(2, stats);
  }

 private:
  int axis() const override { return p_.axis; }
  double eps() const override { return p_.eps; }
  LayerNormParam p_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LAYER_NORM)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol layer_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta,
                                 const LayerNormOptions& o) {
  return compose(std::make_shared<ops::LayerNorm>(o), {data, gamma, beta}, o.name);
}
SYMGRAD_INLINE Symbol layer_norm(const Symbol& data, const LayerNormOptions& o) {
  return layer_norm(data, Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol LayerNorm(const Symbol& data, const LayerNormOptions& o) { return layer_norm(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LAYER_NORM)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_layer_norm(OpTable& t) { t["LayerNorm"] = reg::with_attrs<LayerNorm>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LAYER_NORM)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE LayerNorm::~LayerNorm() = default;
}  // namespace SYMGRAD_NS::ops
#endif
