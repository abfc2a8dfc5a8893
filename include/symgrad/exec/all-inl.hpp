// Every implementation file of exec/: compiled once into libsymgrad (src/), or included by the
// entry headers in header-only mode.
#pragma once
#include "bind-inl.hpp"
#include "executor-inl.hpp"
#include "symbol_json-inl.hpp"
