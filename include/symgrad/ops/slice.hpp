// slice(data; begin, end, step=()): per leading axis, numpy-style (None, negative indices,
//   negative steps); axes past len(begin) are kept whole.
// slice_axis(data; axis, begin, end): one axis; end None means to the end.
// An empty result is an error (MXNet cannot hold zero-sized arrays either).
// Gradient: dy written into the sliced positions, zeros elsewhere.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

// begin/step per axis of the input and the output shape.
struct SliceGeometry {
  Shape out = Shape::unknown();
  std::array<std::int64_t, kMaxRank> begin{}, step{};
  std::string error;
};

struct SliceParam {
  std::vector<std::int64_t> begin, end, step;  // attr::kNone for None
  std::int64_t axis = 0;                       // slice_axis only
  bool is_axis = false;
};
// Operator classes (ops/slice-inl.hpp).
class SliceBackward;
class Slice;

}  // namespace ops

namespace sym {

inline constexpr std::int64_t None = attr::kNone;  // for slice's begin/end/step
struct SliceOptions {
  std::vector<std::int64_t> begin;
  std::vector<std::int64_t> end;
  std::vector<std::int64_t> step = {};
  std::string name = {};
};
Symbol slice(const Symbol& data, const SliceOptions& o);
struct SliceAxisOptions {
  std::int64_t axis;
  std::int64_t begin;
  std::int64_t end = None;
  std::string name = {};
};
Symbol slice_axis(const Symbol& data, const SliceAxisOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS
