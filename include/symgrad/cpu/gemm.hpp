// Row-major C = alpha·op(A)·op(B) + beta·C, through cblas (OpenBLAS) or, with -Dblas=disabled,
// an xsimd kernel: slower, same results up to rounding.
#pragma once
#include <strings.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#ifdef SYMGRAD_USE_CBLAS
#include <cblas.h>
#endif

#include "simd.hpp"

namespace SYMGRAD_NS::host {

inline constexpr const char* kHaveBlasName = "none (built-in xsimd GEMM)";

namespace detail {
// C[M,N] += alpha · A'[M,K] · B'[K,N] with A', B' given through element accessors.
template <class T>
void gemm_fallback(bool ta, bool tb, std::int64_t M, std::int64_t N, std::int64_t K, T alpha, const T* A,
                   std::int64_t lda, const T* B, std::int64_t ldb, T beta, T* C, std::int64_t ldc) {
  constexpr std::size_t L = lanes<T>();
  // Rows per thread: enough multiply-adds (~64K) to pay for waking a thread.
  const auto grain =
      static_cast<std::size_t>(std::max<std::int64_t>(1, 65536 / std::max<std::int64_t>(1, N * K)));
  if (tb && !ta) {  // rows of A and of B are contiguous: dot products (FullyConnected forward)
    parallel_for(static_cast<std::size_t>(M), grain, 1, [&](std::size_t rb, std::size_t re) {
      for (std::int64_t i = static_cast<std::int64_t>(rb); i < static_cast<std::int64_t>(re); ++i)
        for (std::int64_t j = 0; j < N; ++j) {
          const T *a = A + i * lda, *b = B + j * ldb;
          std::int64_t k = 0;
          T acc = T(0);
          if constexpr (has_simd<T>) {
            Batch<T> v(T(0));
            for (; k + static_cast<std::int64_t>(L) <= K; k += static_cast<std::int64_t>(L))
              v = xsimd::fma(Batch<T>::load_unaligned(a + k), Batch<T>::load_unaligned(b + k), v);
            acc = xsimd::hadd(v);
          }
          for (; k < K; ++k) acc += a[k] * b[k];
          T& c = C[i * ldc + j];
          c = alpha * acc + (beta == T(0) ? T(0) : beta * c);
        }
    });
    return;
  }
  // B' rows must be contiguous for the vector loop: pack when B is transposed (rare).
  std::vector<T> packed;
  const T* Bp = B;
  std::int64_t ldbp = ldb;
  if (tb) {
    packed.resize(static_cast<std::size_t>(K * N));
    for (std::int64_t k = 0; k < K; ++k)
      for (std::int64_t j = 0; j < N; ++j) packed[static_cast<std::size_t>(k * N + j)] = B[j * ldb + k];
    Bp = packed.data();
    ldbp = N;
  }
  parallel_for(static_cast<std::size_t>(M), grain, 1, [&](std::size_t rb, std::size_t re) {
    for (std::int64_t i = static_cast<std::int64_t>(rb); i < static_cast<std::int64_t>(re); ++i) {
      T* c = C + i * ldc;
      if (beta == T(0)) {
        for (std::int64_t j = 0; j < N; ++j) c[j] = T(0);
      } else if (beta != T(1)) {
        for (std::int64_t j = 0; j < N; ++j) c[j] *= beta;
      }
      for (std::int64_t k = 0; k < K; ++k) {
        T a = alpha * (ta ? A[k * lda + i] : A[i * lda + k]);
        if (a == T(0)) continue;
        const T* b = Bp + k * ldbp;
        std::int64_t j = 0;
        if constexpr (has_simd<T>) {
          Batch<T> av(a);
          for (; j + static_cast<std::int64_t>(L) <= N; j += static_cast<std::int64_t>(L))
            xsimd::fma(av, Batch<T>::load_unaligned(b + j), Batch<T>::load_unaligned(c + j))
                .store_unaligned(c + j);
        }
        for (; j < N; ++j) c[j] += a * b[j];
      }
    }
  });
}
}  // namespace detail

// OpenBLAS picks its kernels by CPU model at load time; a model newer than the library (seen:
// OpenBLAS 0.3.21 on AVX-512 Xeons under KVM) falls back to generic SSE3 kernels ("Prescott"),
// about 2x slower. OPENBLAS_CORETYPE, read when the library loads, overrides the choice; it can
// only be set before the program starts, so the first GEMM says so, once, on stderr
// (SYMGRAD_BLAS_WARNING=0 silences it).
inline const char* blas_core() {
#if defined(SYMGRAD_USE_CBLAS) && defined(OPENBLAS_VERSION)
  return openblas_get_corename();
#elif defined(SYMGRAD_USE_CBLAS)
  return "cblas";
#else
  return kHaveBlasName;
#endif
}
inline bool blas_core_is_generic() {
#if defined(SYMGRAD_USE_CBLAS) && defined(OPENBLAS_VERSION) && defined(__x86_64__)
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return false;
  const char* core = openblas_get_corename();
  for (const char* old :
       {"prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "sandybridge", "katmai", "coppermine",
        "northwood", "banias", "athlon", "opteron", "barcelona", "unknown"})
    if (core && strcasecmp(core, old) == 0) return true;
#endif
  return false;
}
inline void warn_once_if_blas_generic() {
  static const bool warned = [] {
    const char* quiet = std::getenv("SYMGRAD_BLAS_WARNING");
    if (quiet && std::strcmp(quiet, "0") == 0) return false;
    if (!blas_core_is_generic()) return false;
#if defined(__x86_64__)
    const char* fix = __builtin_cpu_supports("avx512f") ? "SkylakeX" : "Haswell";
#else
    const char* fix = "Haswell";
#endif
    std::fprintf(
        stderr,
        "symgrad: OpenBLAS did not recognise this CPU and runs its generic '%s' kernels (about 2x slower "
        "for matrix products); start the program with OPENBLAS_CORETYPE=%s in the environment "
        "(SYMGRAD_BLAS_WARNING=0 hides this message)\n",
        blas_core(), fix);
    return true;
  }();
  (void)warned;
}

template <class T>
void gemm(bool ta, bool tb, std::int64_t M, std::int64_t N, std::int64_t K, T alpha, const T* A,
          std::int64_t lda, const T* B, std::int64_t ldb, T beta, T* C, std::int64_t ldc) {
  if (M == 0 || N == 0) return;
#ifdef SYMGRAD_USE_CBLAS
  warn_once_if_blas_generic();
  auto TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, TA, TB, static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), alpha,
                A, static_cast<int>(lda), B, static_cast<int>(ldb), beta, C, static_cast<int>(ldc));
    return;
  } else if constexpr (std::is_same_v<T, double>) {
    cblas_dgemm(CblasRowMajor, TA, TB, static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), alpha,
                A, static_cast<int>(lda), B, static_cast<int>(ldb), beta, C, static_cast<int>(ldc));
    return;
  }
#endif
  detail::gemm_fallback(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

inline constexpr bool kHaveBlas =
#ifdef SYMGRAD_USE_CBLAS
    true;
#else
    false;
#endif

// While alive, OpenBLAS runs every call on the calling thread: for operators that spread
// independent GEMMs over the library's own threads (the convolutions' samples), so that the two
// thread pools do not compete for the cores. Without OpenBLAS it does nothing.
class BlasSingleThreaded {
 public:
  BlasSingleThreaded() {
#if defined(SYMGRAD_USE_CBLAS) && defined(OPENBLAS_VERSION)
    prev_ = openblas_get_num_threads();
    if (prev_ > 1) openblas_set_num_threads(1);
#endif
  }
  ~BlasSingleThreaded() {
#if defined(SYMGRAD_USE_CBLAS) && defined(OPENBLAS_VERSION)
    if (prev_ > 1) openblas_set_num_threads(prev_);
#endif
  }
  BlasSingleThreaded(const BlasSingleThreaded&) = delete;
  BlasSingleThreaded& operator=(const BlasSingleThreaded&) = delete;

 private:
  int prev_ = 1;
};

}  // namespace SYMGRAD_NS::host
