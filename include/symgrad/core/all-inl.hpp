// Every implementation file of core/: compiled once into libsymgrad (src/), or included by the
// entry headers in header-only mode.
#pragma once
#include "attrs-inl.hpp"
#include "core-inl.hpp"
#include "profiler-inl.hpp"
#include "strings-inl.hpp"
