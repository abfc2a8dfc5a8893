// The CUDA backend's host interface: plain C++ functions over raw device pointers, implemented by
// the optional library libsymgrad_cuda (kernels/). No CUDA or xtensor type crosses it, so any
// C++ compiler can include this header. Programs get the library through the `symgrad-cuda`
// dependency, which also defines SYMGRAD_WITH_CUDA=1 for every translation unit.
//
// Every function that takes a device number runs on that device's stream (one per device, in
// order), and throws DeviceError when the device is not usable or a CUDA call fails.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/req.hpp"
#include "bodies.hpp"
#include "bodies_nn.hpp"
#include "bodies_norm.hpp"
#include "bodies_rnn.hpp"

namespace SYMGRAD_NS::cuda {

// ---- devices, memory, copies ----
int device_count();                // usable devices; 0 when there is no GPU or no driver
std::string unavailable_reason();  // why no device is usable ("" when one is)
void check_device(int dev);        // DeviceError naming the cause when gpu(dev) cannot be used
std::string device_name(int dev);

// Device memory from a caching allocator: freed blocks are kept per size and reused, so a bound
// executor's steps never call cudaMalloc.
void* allocate(int dev, std::size_t bytes);
void deallocate(int dev, void* p, std::size_t bytes) noexcept;
struct PoolStats {
  std::size_t in_use_bytes = 0, cached_bytes = 0;
  std::size_t device_mallocs = 0, reuses = 0;
};
PoolStats pool_stats(int dev);
void empty_cache(int dev);  // returns the cached blocks to the driver

// dst and src are on the given contexts (cpu or gpu); waits until the copy is done when either
// side is host memory.
void copy(void* dst, Context dst_ctx, const void* src, Context src_ctx, std::size_t bytes);
void zero(int dev, void* p, std::size_t bytes);
void synchronize(int dev);

// ---- elementwise (float32 and float64; n elements) ----
void unary(int dev, DType t, UnaryOp op, index_t n, const void* x, void* y, OpReq req, double lo = 0,
           double hi = 0);
// x or y may be null when the function's gradient does not read it.
void unary_grad(int dev, DType t, UnaryOp op, index_t n, const void* g, const void* x, const void* y,
                void* dx, OpReq req, double lo = 0, double hi = 0);
// b == nullptr: the scalar b_scalar.
void binary(int dev, DType t, BinaryOp op, index_t n, const void* a, const void* b, double b_scalar, void* y,
            OpReq req);
void binary_grad(int dev, DType t, BinaryOp op, index_t n, const void* g, const void* a, const void* b,
                 double b_scalar, const void* y, void* da, OpReq req_a, void* db, OpReq req_b);
void sum_n(int dev, DType t, index_t n, const void* const* xs, int count, void* y, OpReq req);
void fill(int dev, DType t, index_t n, double v, void* y);
void cast(int dev, DType from, DType to, index_t n, const void* x, void* y, OpReq req);
void broadcast_binary(int dev, DType t, BinaryOp op, const BroadcastIndex& ix, index_t n, const void* a,
                      const void* b, void* y, OpReq req);
// da, db (+)= the broadcast gradients; the caller zero-fills them for req write.
void broadcast_binary_grad(int dev, DType t, BinaryOp op, const BroadcastIndex& ix, index_t n, const void* g,
                           const void* a, const void* b, const void* y, void* da, void* db);
void reduce_grad(int dev, DType t, ReduceOp op, const ReduceGradIndex& ix, index_t n, const void* g,
                 const void* x, const void* y, void* dx, double inv_count, OpReq req);
void reduce(int dev, DType t, ReduceOp op, const ReduceIndex& ix, index_t n_out, const void* x, void* y,
            double scale, OpReq req);

// ---- BLAS (cuBLAS), row-major like host::gemm: C = alpha op(A) op(B) + beta C ----
void gemm(int dev, DType t, bool trans_a, bool trans_b, index_t m, index_t n, index_t k, double alpha,
          const void* a, index_t lda, const void* b, index_t ldb, double beta, void* c, index_t ldc);
void gemm_batched(int dev, DType t, bool trans_a, bool trans_b, index_t m, index_t n, index_t k, double alpha,
                  const void* a, index_t lda, index_t stride_a, const void* b, index_t ldb, index_t stride_b,
                  double beta, void* c, index_t ldc, index_t stride_c, index_t batch);

// ---- softmax family ----
void softmax(int dev, DType t, const RowIndex& ix, const void* x, void* y, double temperature, bool log,
             OpReq req);
void softmax_grad(int dev, DType t, const RowIndex& ix, const void* g, const void* y, void* dx,
                  double temperature, bool log, OpReq req);
// SoftmaxOutput's gradient with class labels; false when a label is neither a class index nor
// ignore_label (the rows are then unspecified).
bool softmax_output_grad(int dev, DType t, DType label_t, const RowIndex& ix, const void* p,
                         const void* label, void* dx, double scale, index_t ignore_label, bool use_ignore,
                         double smooth_alpha, bool out_grad, OpReq req);
index_t count_valid(int dev, DType label_t, index_t n, const void* label, index_t ignore_label);
void prob_label_grad(int dev, DType t, DType label_t, index_t n, const void* p, const void* label, void* dx,
                     double scale, bool out_grad, OpReq req);
void regression_grad(int dev, DType t, DType label_t, index_t n, const void* y, const void* label, void* dx,
                     double scale, bool mae, OpReq req);

// ---- embedding ----
// Returns false when an index is out of range (those rows read the nearest valid row).
bool embedding(int dev, DType t, DType idx_t, index_t n_idx, index_t input_dim, index_t dim, const void* idx,
               const void* w, void* y, OpReq req);
void embedding_grad(int dev, DType t, DType idx_t, index_t n_idx, index_t input_dim, index_t dim,
                    const void* idx, const void* g, void* dw, OpReq req);

// ---- optimizer steps, in place (mom may be null: SGD without momentum) ----
void sgd_update(int dev, DType t, index_t n, void* w, const void* g, void* mom, double lr, double wd,
                double rescale, double clip, double momentum);
void adam_update(int dev, DType t, index_t n, void* w, const void* g, void* mean, void* var, double lr,
                 double wd, double rescale, double clip, double beta1, double beta2, double eps);

// ---- convolution columns: per sample and group, x (C, in) <-> col (C·k, out) ----
void im2col(int dev, DType t, const ConvGeo& g, const void* x, void* col);
void col2im_add(int dev, DType t, const ConvGeo& g, const void* col, void* dx);  // dx += ...

// ---- pooling over `planes` planes ----
void pooling(int dev, DType t, const PoolGeo& g, index_t planes, const void* x, void* y, OpReq req);
void pooling_grad(int dev, DType t, const PoolGeo& g, index_t planes, const void* dy, const void* x, void* dx,
                  OpReq req);

// ---- BatchNorm ----
void batch_norm(int dev, DType t, const BnGeo& g, const void* x, void* gamma, const void* beta,
                void* moving_mean, void* moving_var, void* mean, void* var, void* y, double eps,
                double momentum, bool batch_stats, bool fix_gamma, OpReq req);
// `sums` is device scratch of 2·C doubles.
void batch_norm_grad(int dev, DType t, const BnGeo& g, const void* dy, const void* x, const void* gamma,
                     const void* mean, const void* var, double* sums, void* dx, OpReq req_x, void* dgamma,
                     OpReq req_gamma, void* dbeta, OpReq req_beta, double eps, bool fix_gamma,
                     bool use_global_stats);

// ---- the fused RNN operator: one step for N rows of H units, and the helpers around its GEMMs ----
void rnn_step(int dev, DType t, RnnMode mode, index_t N, index_t H, index_t G, index_t DH, void* g,
              const void* h_prev, const void* c_prev, const void* hn, void* h, void* c, void* out);
void rnn_step_grad(int dev, DType t, RnnMode mode, index_t N, index_t H, index_t G, index_t DH, const void* g,
                   const void* c_prev, const void* h_prev, const void* cell_t, const void* hn_t,
                   const void* dh, const void* dy, void* dg, void* dgh, void* dc, void* direct);
void add_rows(int dev, DType t, index_t rows, index_t cols, index_t ld, void* y,
              const void* v);  // y rows += v
void col_sums(int dev, DType t, index_t rows, index_t cols, index_t ld, const void* x,
              void* acc);  // acc += Σ rows

// ---- Dropout: mask = draw >= p ? scale : 0 and y (+)= x·mask; ix.ndim == 0 without shared axes ----
void dropout(int dev, DType t, const StridedIndex& ix, index_t n, const void* x, void* y, void* mask,
             std::uint64_t base, double p, double scale, OpReq req);

// ---- LeakyReLU: gamma for prelu, mask (written) for rrelu; the others pass null ----
void leaky_relu(int dev, DType t, const LeakyGeo& g, index_t n, const void* x, const void* gamma, void* y,
                void* mask, OpReq req);
// aux: gamma (prelu) or the mask (rrelu). dx or dgamma may be null; dgamma is added to (zero it
// first for req write).
void leaky_relu_grad(int dev, DType t, const LeakyGeo& g, index_t n, const void* dy, const void* x,
                     const void* y, const void* aux, void* dx, OpReq req_x, void* dgamma);

// ---- LayerNorm and InstanceNorm (n.layer), L2Normalization: a thread per group ----
void moments_norm(int dev, DType t, const NormGeo& n, const void* x, const void* gamma, const void* beta,
                  void* y, void* mean, void* stat, OpReq req);
// dx, dgamma, dbeta are skipped where their req is null.
void moments_norm_grad(int dev, DType t, const NormGeo& n, const void* dy, const void* x, const void* gamma,
                       const void* mean, const void* stat, void* dx, OpReq req_x, void* dgamma,
                       OpReq req_gamma, void* dbeta, OpReq req_beta);
void l2_normalization(int dev, DType t, const NormGeo& n, const void* x, void* y, void* norm, OpReq req);
void l2_normalization_grad(int dev, DType t, const NormGeo& n, const void* dy, const void* y,
                           const void* norm, void* dx, OpReq req);

// ---- strided copies (slice, concat, transpose ...) ----
void strided_copy(int dev, DType t, const StridedIndex& ix, index_t n, const void* x, void* y, OpReq req);

// ---- NCCL, for the distributed kvstore on gpu(n) arrays (one GPU per process) ----
// libnccl.so.2 is opened at first use, so machines without NCCL still run everything else.
std::string nccl_unavailable_reason();  // why NCCL cannot be used ("" when it can)
int nccl_version();                     // e.g. 22809 for 2.28.9; 0 when not loaded
struct NcclId {
  unsigned char bytes[128];  // an ncclUniqueId: rank 0 makes it, every rank gets a copy
};
NcclId nccl_unique_id();
using NcclComm = void*;
// Collective over all ranks: returns once every rank of the job has called it. Each wait lasts at
// most timeout_s seconds; past it, or when NCCL reports an error (a peer died), the communicator
// is aborted and DeviceError says so; the communicator is unusable from then on.
NcclComm nccl_comm_init(int dev, int nranks, int rank, const NcclId& id, double timeout_s);
// In place on gpu(dev)'s stream; returns when the result is in `data`.
void nccl_all_reduce(NcclComm c, int dev, DType t, void* data, std::size_t count, double timeout_s);
void nccl_broadcast(NcclComm c, int dev, DType t, void* data, std::size_t count, int root, double timeout_s);
void nccl_comm_destroy(NcclComm c) noexcept;

}  // namespace SYMGRAD_NS::cuda
