// Crop(data[, crop_like]; num_args, offset=(0, 0), h_w=(0, 0), center_crop=False): MXNet's legacy
// crop of 4-D data (N, C, H, W) to (N, C, h, w), where (h, w) is h_w (num_args=1) or crop_like's
// last two sizes (num_args=2; crop_like is (N', C', h, w)). The window starts at offset (y, x),
// or in the middle with center_crop ((H − h) / 2, (W − w) / 2, rounded down).
// Shape: (N, C, h, w); a window that does not fit is a ShapeError. Gradient: dy in the window of
// zeros; none to crop_like (zeros, as MXNet).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// The parameters in MXNet's order; `name` names the node and is not an attribute. The attribute
// table is in ops/crop-inl.hpp.
struct CropParam {
  int num_args = 1;  // 2: a second input, crop_like, gives (h, w)
  std::vector<std::int64_t> offset = {0, 0};
  std::vector<std::int64_t> h_w = {0, 0};
  bool center_crop = false;
  std::string name = {};
};
// Operator classes (ops/crop-inl.hpp).
class Crop;
class CropBackward;
}  // namespace ops

namespace sym {
struct CropOptions {
  std::vector<std::int64_t> offset = {0, 0};
  std::vector<std::int64_t> h_w = {0, 0};  // the window's size without crop_like
  bool center_crop = false;
  std::string name = {};
};
// Crop(x, {.offset = {1, 2}, .h_w = {3, 3}}): num_args=1. Crop(x, like, {.center_crop = true}):
// num_args=2, the window as large as like's last two axes.
Symbol Crop(const Symbol& data, const CropOptions& o);
Symbol Crop(const Symbol& data, const Symbol& crop_like, const CropOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
