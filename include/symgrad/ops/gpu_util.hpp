// Helpers of the operators' GPU paths: strided copies between device arrays described by the
// CPU side's host::Strides, and the index structures of broadcasting and reductions.
#pragma once
#include <cstdint>
#include <string>
#include "../cpu/strided.hpp"
#include "../ndarray/device.hpp"
#include "../ndarray/ndarray.hpp"
#if SYMGRAD_WITH_CUDA
#include "../cuda/api.hpp"
#endif

#if SYMGRAD_WITH_CUDA
namespace SYMGRAD_NS::ops::on_gpu {

inline void check_rank(int ndim, const char* what) {
  if (ndim > cuda::kMaxDims)
    throw DeviceError(std::string(what) + ": the CUDA kernels take at most " +
                      std::to_string(cuda::kMaxDims) + " dimensions, got " + std::to_string(ndim));
}

// dst[dst_off + Σ c·dst_st] (+)= src[src_off + Σ c·src_st] for every coordinate c of `shape`.
inline void strided_copy(const Shape& shape, const NDArray& src, const host::Strides& src_st,
                         std::int64_t src_off, const NDArray& dst, const host::Strides& dst_st,
                         std::int64_t dst_off, OpReq req) {
  if (req == OpReq::null || shape.size() == 0) return;
  check_rank(shape.ndim(), "copy");
  cuda::StridedIndex ix;
  ix.ndim = shape.ndim();
  for (int d = 0; d < shape.ndim(); ++d) {
    ix.shape[d] = shape[d];
    ix.src_stride[d] = src_st[static_cast<std::size_t>(d)];
    ix.dst_stride[d] = dst_st[static_cast<std::size_t>(d)];
  }
  ix.src_offset = src_off;
  ix.dst_offset = dst_off;
  cuda::strided_copy(dst.context().device_id, dst.dtype(), ix, shape.size(), src.raw_data(), dst.raw_data(),
                     req);
}

// The slab of `whole` at `offset` along `axis` <-> `part` (Concat, SliceChannel and their gradients).
inline void slab_copy(const NDArray& whole, const NDArray& part, int axis, std::int64_t offset,
                      bool into_whole, OpReq req) {
  auto ws = host::contiguous_strides(whole.shape());
  const Shape& ps = part.shape();
  host::Strides wst = ws;
  if (ps.ndim() != whole.ndim()) wst.erase(static_cast<std::size_t>(axis));
  auto pst = host::contiguous_strides(ps);
  std::int64_t woff = offset * ws[static_cast<std::size_t>(axis)];
  if (into_whole)
    strided_copy(ps, part, pst, 0, whole, wst, woff, req);
  else
    strided_copy(ps, whole, wst, woff, part, pst, 0, req);
}

// out shape `os`; operands a, b broadcast to it.
inline cuda::BroadcastIndex broadcast_index(const Shape& os, const Shape& as, const Shape& bs) {
  check_rank(os.ndim(), "broadcast");
  auto sa = host::broadcast_strides(as, os), sb = host::broadcast_strides(bs, os);
  cuda::BroadcastIndex ix;
  ix.ndim = os.ndim();
  for (int d = 0; d < os.ndim(); ++d) {
    ix.shape[d] = os[d];
    ix.stride_a[d] = sa[static_cast<std::size_t>(d)];
    ix.stride_b[d] = sb[static_cast<std::size_t>(d)];
  }
  return ix;
}

}  // namespace SYMGRAD_NS::ops::on_gpu
#endif
