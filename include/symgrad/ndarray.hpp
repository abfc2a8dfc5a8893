// symgrad's arrays: NDArray, the nd:: functions, nd::random, nd::save / nd::load and printing.
// For xtensor interop (NDArray::view<T>(), NDArray from an xtensor expression) also include
// <symgrad/xtensor.hpp>.
#pragma once
#include "core/context.hpp"
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/shape.hpp"
#include "ndarray/device.hpp"
#include "ndarray/functions.hpp"
#include "ndarray/io.hpp"
#include "ndarray/ndarray.hpp"
#include "ndarray/print.hpp"
#include "ndarray/random.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "core/all-inl.hpp"
#include "cpu/all-inl.hpp"
#include "ndarray/all-inl.hpp"
#endif
