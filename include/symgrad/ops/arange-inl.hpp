// Operators and kernels of ops/arange.hpp.
#pragma once
#include <cmath>
#include <memory>
#include <span>
#include <string>

#include "arange.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

class Arange final : public Operator {
 public:
  ~Arange() override;  // the key function: vtable and kernels are compiled with the unit
  Arange(double start, const sym::ArangeOptions& o)
      : start_(start), stop_(o.stop), step_(o.step), repeat_(o.repeat), dtype_(o.dtype) {
    if (o.infer_range)
      throw ValueError(
          "_arange: infer_range=True (the length taken from the consumer) is not supported; "
          "give stop");
    if (!std::isfinite(start_) || (stop_ && !std::isfinite(*stop_)) || !std::isfinite(step_))
      throw ValueError("_arange: start, stop and step must be finite");
    if (step_ == 0) throw ValueError("_arange: step cannot be 0");
    if (repeat_ < 1) throw ValueError("_arange: repeat must be positive, got " + std::to_string(repeat_));
    const double lo = stop_ ? start_ : 0.0, hi = stop_ ? *stop_ : start_;
    const double n = std::ceil((hi - lo) / step_);
    if (!(n >= 1))
      throw ValueError("_arange: the range from " + attr::format(lo) + " to " + attr::format(hi) + " by " +
                       attr::format(step_) + " is empty");
    if (n * double(repeat_) > double(std::int64_t{1} << 40))
      throw ValueError("_arange: " + attr::format(n) + " values repeated " + std::to_string(repeat_) +
                       " times are too many");
    size_ = static_cast<std::int64_t>(n) * repeat_;
  }
  std::string type_name() const override { return "_arange"; }
  std::vector<std::string> arguments() const override { return {}; }
  // As MXNet writes them: every attribute, start and stop as given.
  AttrMap attrs() const override {
    return {{"start", attr::format_number(start_)}, {"stop", stop_ ? attr::format_number(*stop_) : "None"},
            {"step", attr::format(step_)},          {"repeat", attr::format(repeat_)},
            {"infer_range", attr::format(false)},   {"dtype", std::string(dtype_name(dtype_))}};
  }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, Shape{size_}); }
  void infer_type(TypeCtx& c) const override { c.assign_out(0, dtype_); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override { return {}; }
  void forward(const RunCtx&, std::span<const NDArray>, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const double lo = stop_ ? start_ : 0.0;
    dispatch_dtype(out[0].dtype(), [&](auto t) {
      using T = decltype(t);
      T* y = out[0].data<T>();
      for (std::int64_t i = 0; i < size_; ++i) {
        const T v = static_cast<T>(lo + double(i / repeat_) * step_);
        y[i] = req[0] == OpReq::add ? static_cast<T>(y[i] + v) : v;
      }
    });
  }

 private:
  double start_;
  std::optional<double> stop_;
  double step_;
  std::int64_t repeat_;
  DType dtype_;
  std::int64_t size_ = 0;
};

namespace reg {
inline OpPtr arange(const AttrMap& m, std::size_t) {
  attr::Reader r("_arange", m);
  double start = 0;
  sym::ArangeOptions o;
  if (!r.find("start")) throw ValueError("_arange: the attribute start is required");
  r.get("start", start);
  if (const std::string* s = r.find("stop"); s && attr::trim(*s) != "None")
    o.stop = attr::parse_float("_arange", "stop", *s);
  r.get("step", o.step);
  r.get("repeat", o.repeat);
  r.get("infer_range", o.infer_range);
  std::string dt, ctx;
  r.get("dtype", dt);
  r.get("ctx", ctx);  // MXNet's placement hint; symgrad places nodes at bind
  r.finish();
  if (!dt.empty()) {
    try {
      o.dtype = dtype_from_name(attr::trim(dt));
    } catch (const Error&) {
      attr::bad("_arange", "dtype", dt, "a dtype name (float32, float64, float16, uint8, int32, int64)");
    }
  }
  return std::make_shared<Arange>(start, o);
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ARANGE)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol arange(double start, const ArangeOptions& o) {
  return compose(std::make_shared<ops::Arange>(start, o), {}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_arange(OpTable& t) { t["_arange"] = reg::arange; }
// Key function (see the class above).
SYMGRAD_INLINE Arange::~Arange() = default;
}  // namespace SYMGRAD_NS::ops
#endif
