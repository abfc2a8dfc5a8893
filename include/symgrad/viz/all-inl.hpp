// Every implementation file of viz/: compiled once into libsymgrad (src/), or included by the entry
// header in header-only mode.
#pragma once
#include "plot-inl.hpp"
#include "summary-inl.hpp"
