// Every implementation file of symbol/: compiled once into libsymgrad (src/), or included by
// the entry headers in header-only mode.
#pragma once
#include "compose-inl.hpp"
#include "json-inl.hpp"
#include "symbol-inl.hpp"
#include "symbol_infer-inl.hpp"
