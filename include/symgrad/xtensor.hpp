// symgrad's xtensor interop: NDArray::view<T>() and NDArray from xtensor expressions.
#pragma once
#include "ndarray.hpp"
#include "ndarray/xtensor.hpp"
