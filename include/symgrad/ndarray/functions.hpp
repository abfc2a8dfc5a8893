// nd:: — eager array functions for user code and tests (creation, arithmetic, math, dot, sum).
// They run through xtensor on the CPU (in the library); the executor's hot paths use cpu/ kernels.
#pragma once
#include "ndarray.hpp"

namespace SYMGRAD_NS::nd {

NDArray empty(const Shape& s, Context ctx = cpu(), DType t = DType::float32);
NDArray zeros(const Shape& s, Context ctx = cpu(), DType t = DType::float32);
NDArray full(const Shape& s, double v, Context ctx = cpu(), DType t = DType::float32);
NDArray ones(const Shape& s, Context ctx = cpu(), DType t = DType::float32);
NDArray zeros_like(const NDArray& a);
NDArray ones_like(const NDArray& a);
// 0, 1, ..., n-1 (start, stop, step as numpy.arange).
NDArray arange(double start, double stop, double step = 1.0, DType t = DType::float32);

NDArray square(const NDArray& a);
NDArray sqrt(const NDArray& a);
NDArray exp(const NDArray& a);
NDArray log(const NDArray& a);
NDArray abs(const NDArray& a);
NDArray tanh(const NDArray& a);

// Sum of all elements, as a (1,) array (MXNet's legacy full reduction).
NDArray sum(const NDArray& a);

// Matrix product of 2-D arrays (m,k)·(k,n).
NDArray dot(const NDArray& a, const NDArray& b);

// Largest |a - b|, for tests and examples.
double max_abs_diff(const NDArray& a, const NDArray& b);

}  // namespace SYMGRAD_NS::nd

namespace SYMGRAD_NS {
// Arithmetic on arrays (in NDArray's namespace, found by ADL); eager, allocating a result.
NDArray operator+(const NDArray& a, const NDArray& b);
NDArray operator-(const NDArray& a, const NDArray& b);
NDArray operator*(const NDArray& a, const NDArray& b);
NDArray operator/(const NDArray& a, const NDArray& b);
NDArray operator+(const NDArray& a, double s);
NDArray operator-(const NDArray& a, double s);
NDArray operator*(const NDArray& a, double s);
NDArray operator/(const NDArray& a, double s);
NDArray operator+(double s, const NDArray& a);
NDArray operator*(double s, const NDArray& a);
NDArray operator-(double s, const NDArray& a);
NDArray operator/(double s, const NDArray& a);
NDArray operator-(const NDArray& a);
}  // namespace SYMGRAD_NS
