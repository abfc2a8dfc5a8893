// UpSampling(*data; scale, sample_type='nearest'|'bilinear', num_filter=0, multi_input_mode=
// 'concat'|'sum', num_args, workspace=512) on 4-D (N, C, H, W) data, as MXNet 1.9.1:
// * nearest, inputs arg0..arg{n−1}: the output is (H₀·scale, W₀·scale) of the first input; input
//   i is repeated f_i = H_out / H_i times along H and W (f_i must divide both sizes and be the
//   same for both, and every input has the first's batch size: MXNet's kernel fails otherwise);
//   concat stacks the results along channels, sum adds them (equal channels).
//   Gradient: each input element gets the sum of its f_i × f_i block of dy.
// * bilinear, inputs data and weight (C, 1, k, k), k = 2·scale − scale % 2: MXNet's grouped
//   Deconvolution (stride = scale, pad = ceil((scale − 1) / 2), num_group = num_filter = C, no
//   bias), computed directly: out[n, c, y·s − p + a, x·s − p + b] += data[n, c, y, x]·w[c, 0, a, b],
//   output (H·scale, W·scale); num_filter must equal C. Gradients: dx the matching correlation of
//   dy with w, dw[c] = Σ data[n, c]·dy over the same pairs. An automatic <name>_weight, and a
//   weight variable without __init__, gets MXNet's __init__ ["bilinear", {}].
// num_args is written as MXNet's Python writes it: the number of inputs given (1 or 2 for bilinear).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

struct UpSamplingParam {
  std::int64_t scale = 0;
  bool bilinear = false;
  std::int64_t num_filter = 0;
  bool sum = false;  // multi_input_mode
  std::int64_t num_args = 1;
  std::int64_t workspace = 512;
  constexpr std::int64_t kernel() const { return mul_size(2, scale) - scale % 2; }
  constexpr std::int64_t pad() const { return scale / 2; }  // ceil((scale - 1) / 2)
};

struct UpSamplingShapes {
  Shape out = Shape::unknown(), weight = Shape::unknown();
  const char* error = nullptr;
  int code = 0;           // 1: rank, 2: size does not divide, 3: unequal H and W factors, 4: sum channels, 5:
                          // num_filter, 6: batch
  std::size_t input = 0;  // the input the error is about
};

// The shape rule for `n` inputs, usable at compile time.
constexpr UpSamplingShapes upsampling_rule(const Shape* in, std::size_t n, const UpSamplingParam& p) {
  UpSamplingShapes r;
  auto fail = [&](const char* e, int code, std::size_t i = 0) {
    r.error = e;
    r.code = code;
    r.input = i;
    return r;
  };
  for (std::size_t i = 0; i < (p.bilinear ? 1 : n); ++i)
    if (in[i].rank_known() && in[i].ndim() != 4)
      return fail("UpSampling takes 4-D (batch, channel, height, width) inputs", 1, i);
  const Shape& d = in[0];
  if (p.bilinear) {
    if (!d.rank_known()) return r;
    if (d[1] >= 0 && d[1] != p.num_filter)
      return fail("bilinear upsampling needs num_filter equal to the number of channels", 5);
    r.weight = Shape{d[1], 1, p.kernel(), p.kernel()};
    r.out =
        Shape{d[0], d[1], d[2] < 0 ? dyn : mul_size(d[2], p.scale), d[3] < 0 ? dyn : mul_size(d[3], p.scale)};
    return r;
  }
  if (!d.rank_known()) return r;
  const std::int64_t H = d[2] < 0 ? dyn : mul_size(d[2], p.scale),
                     W = d[3] < 0 ? dyn : mul_size(d[3], p.scale);
  std::int64_t C = p.sum ? dyn : 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Shape& s = in[i];
    if (!s.rank_known()) {
      if (!p.sum) C = dyn;
      continue;
    }
    if (d[0] >= 0 && s[0] >= 0 && s[0] != d[0])
      return fail("every input needs the batch size of the first", 6, i);
    if ((H >= 0 && s[2] >= 0 && H % s[2]) || (W >= 0 && s[3] >= 0 && W % s[3]))
      return fail("its height and width must divide the output's (the first input's times scale)", 2, i);
    if (H >= 0 && W >= 0 && s[2] >= 0 && s[3] >= 0 && H / s[2] != W / s[3])
      return fail("it must be upsampled by one factor along height and width (MXNet's kernel uses one)", 3,
                  i);
    if (p.sum) {
      if (C >= 0 && s[1] >= 0 && s[1] != C)
        return fail("multi_input_mode 'sum' needs inputs with equal channels", 4, i);
      if (s[1] >= 0) C = s[1];
    } else {
      C = C < 0 || s[1] < 0 ? dyn : add_size(C, s[1]);
    }
  }
  r.out = Shape{d[0], C, H, W};
  return r;
}
// sample_type "bilinear" (true) or "nearest" (false); a ValueError otherwise.
bool upsampling_is_bilinear(const std::string& sample_type);

// Operator classes (ops/upsampling-inl.hpp).
class UpSamplingBackward;
class UpSampling;

}  // namespace ops

namespace sym {

struct UpSamplingOptions {
  std::int64_t scale = 0;
  std::string sample_type = "nearest";      // nearest or bilinear
  std::int64_t num_filter = 0;              // bilinear: the number of channels
  std::string multi_input_mode = "concat";  // nearest with several inputs: concat or sum
  std::int64_t workspace = 512;
  std::string name = {};
};
// upsampling({a, b}, {.scale = 2}) (nearest: every input to the first's size times scale);
// upsampling({x}, {.scale = 2, .sample_type = "bilinear", .num_filter = C}) or ({x, w}, ...):
// the weight becomes <name>_weight unless given.
Symbol upsampling(const std::vector<Symbol>& data, const UpSamplingOptions& o);
Symbol upsampling(const Symbol& data, const UpSamplingOptions& o);
Symbol UpSampling(const std::vector<Symbol>& data, const UpSamplingOptions& o);
Symbol UpSampling(const Symbol& data, const UpSamplingOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace ops {
template <UpSamplingParam P, class... A>
struct UpSamplingCheck {
  static constexpr std::array<Shape, sizeof...(A)> in{A::shape...};
  static constexpr UpSamplingShapes r = upsampling_rule(in.data(), in.size(), P);
  static constexpr Shape value = r.out;
};
}  // namespace ops
namespace why {
struct upsampling_needs_4d_inputs;
struct upsampling_input_does_not_divide_the_output;
struct upsampling_input_needs_one_factor_for_height_and_width;
struct upsampling_sum_needs_equal_channels;
struct upsampling_inputs_need_one_batch_size;
}  // namespace why
namespace ops {
template <int Code>  // the reason a shape rule error code gives
using upsampling_why = std::tuple_element_t<
    Code - 1,
    std::tuple<why::upsampling_needs_4d_inputs, why::upsampling_input_does_not_divide_the_output,
               why::upsampling_input_needs_one_factor_for_height_and_width,
               why::upsampling_sum_needs_equal_channels, void, why::upsampling_inputs_need_one_batch_size>>;
}  // namespace ops
namespace sym {
struct TypedUpSamplingOptions {
  std::string sample_type = "nearest";  // bilinear takes num_filter from the static channel count
  std::string name = {};
};
// Typed: upsampling<2>(x) on static (N, C, H, W) data has the static shape (N, C, 2H, 2W);
// {.sample_type = "bilinear"} adds the weight (C, 1, k, k) with num_filter = C (C must be static).
// Data of another rank does not compile.
template <std::int64_t Scale, Typed A>
auto upsampling(const A& x, const TypedUpSamplingOptions& o = {}) {
  static_assert(Scale >= 1, "upsampling: scale must be a positive integer");
  using H = ops::UpSamplingCheck<ops::UpSamplingParam{Scale, false, 0, false, 1, 512}, A>;
  if constexpr (H::r.error != nullptr) {
    static_shape_error<ops::UpSampling, ops::upsampling_why<H::r.code>, typename A::shape_type>::raise();
  } else {
    const bool bil = ops::upsampling_is_bilinear(o.sample_type);
    if (bil && A::shape[1] < 0)
      throw ValueError(
          "typed upsampling: bilinear takes num_filter from the channel axis, which is not static in " +
          A::shape.str());
    return TSym<to_static_t<H>>(upsampling(
        Symbol(x),
        {.scale = Scale, .sample_type = o.sample_type, .num_filter = bil ? A::shape[1] : 0, .name = o.name}));
  }
}
// Typed nearest over several inputs: upsampling<2>(a, b) concatenates along channels,
// upsampling<2, "sum">(a, b) adds; the shapes are checked as MXNet's rule at compile time.
template <std::int64_t Scale, fixed_string Mode = "concat", Typed A, Typed B, Typed... R>
auto upsampling(const A& a, const B& b, const R&... rest) {
  static_assert(Scale >= 1, "upsampling: scale must be a positive integer");
  static_assert(Mode.view() == "concat" || Mode.view() == "sum",
                "upsampling: the mode is \"concat\" or \"sum\"");
  using H =
      ops::UpSamplingCheck<ops::UpSamplingParam{Scale, false, 0, Mode.view() == "sum", 2 + sizeof...(R), 512},
                           A, B, R...>;
  if constexpr (H::r.error != nullptr) {
    static_shape_error<ops::UpSampling, ops::upsampling_why<H::r.code>, typename A::shape_type,
                       typename B::shape_type, typename R::shape_type...>::raise();
  } else {
    return TSym<to_static_t<H>>(upsampling(std::vector<Symbol>{Symbol(a), Symbol(b), Symbol(rest)...},
                                           {.scale = Scale, .multi_input_mode = Mode.str()}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
