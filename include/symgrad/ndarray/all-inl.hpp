// Every implementation file of ndarray/: compiled once into libsymgrad (src/ndarray.cpp), or
// included by the entry headers in header-only mode.
#pragma once
#include "device-inl.hpp"
#include "functions-inl.hpp"
#include "io-inl.hpp"
#include "ndarray-inl.hpp"
#include "print-inl.hpp"
#include "random-inl.hpp"
