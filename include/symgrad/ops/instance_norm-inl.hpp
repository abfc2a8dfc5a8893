// Operators and kernels of ops/instance_norm.hpp.
#pragma once
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "../symbol/compose.hpp"
#include "instance_norm.hpp"
#include "norm_common-inl.hpp"
#include "op_table.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<InstanceNormParam> =
    std::tuple{field("eps", &InstanceNormParam::eps).at_least(0).finite()};

class InstanceNorm final : public MomentsNorm {
 public:
  ~InstanceNorm() override;  // the key function: vtable and kernels are compiled with the unit
  explicit InstanceNorm(InstanceNormParam p) : MomentsNorm(false), p_(std::move(p)) {
    check_params("InstanceNorm", p_);
  }
  explicit InstanceNorm(const AttrMap& m)
      : MomentsNorm(false), p_(read_params<InstanceNormParam>("InstanceNorm", m)) {}
  const InstanceNormParam& param() const { return p_; }
  std::string type_name() const override { return "InstanceNorm"; }
  std::vector<std::string> outputs() const override { return {"output", "mean", "var"}; }
  std::size_t num_visible_outputs() const override { return 1; }
  AttrMap attrs() const override { return write_params(p_); }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_in(0, c.out(0), "the output");
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() < 3)
      ShapeCtx::fail(c.in_name(0) + " " + d.str() + " has rank " + std::to_string(d.ndim()) +
                     "; InstanceNorm needs (batch, channel, spatial...), rank 3 or more");
    const std::string why = "the channel axis 1 of " + c.in_name(0) + " " + d.str();
    c.assign_in(1, Shape{d[1]}, why);
    c.assign_in(2, Shape{d[1]}, why);
    c.assign_out(0, d);
    c.assign_out(1, Shape{d[0], d[1]});
    c.assign_out(2, Shape{d[0], d[1]});
  }

 private:
  int axis() const override { return 1; }
  double eps() const override { return p_.eps; }
  InstanceNormParam p_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INSTANCE_NORM)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol instance_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta,
                                    const InstanceNormOptions& o) {
  return compose(std::make_shared<ops::InstanceNorm>(o), {data, gamma, beta}, o.name);
}
SYMGRAD_INLINE Symbol instance_norm(const Symbol& data, const InstanceNormOptions& o) {
  return instance_norm(data, Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol InstanceNorm(const Symbol& data, const InstanceNormOptions& o) {
  return instance_norm(data, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INSTANCE_NORM)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_instance_norm(OpTable& t) { t["InstanceNorm"] = reg::with_attrs<InstanceNorm>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INSTANCE_NORM)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE InstanceNorm::~InstanceNorm() = default;
}  // namespace SYMGRAD_NS::ops
#endif
