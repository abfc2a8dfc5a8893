// Typed expressions: shapes in the C++ types, checked by the compiler, and elementwise chains
// (square(y - label) ...) computed by one kernel compiled from the expression's type.
#pragma once
#include "exec/fused.hpp"
#include "ops/elemwise_typed.hpp"
#include "symbol.hpp"
